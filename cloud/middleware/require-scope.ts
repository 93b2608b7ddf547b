/** Middleware that lets a request through only with a token valid for one scope. */
import type { MiddlewareHandler } from "hono";
import { bearerToken, isTokenValid } from "../auth.ts";
import type { AppConfig, Scope } from "../config.ts";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";

/**
 * Checks `Authorization: Bearer <token>`, or for ingest the `:token` path
 * parameter of the `/ingest/{token}` routes. The token is never logged or echoed.
 */
export function requireScope(config: AppConfig, scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const pathToken = scope === "ingest" ? c.req.param("token") : undefined;
    const token = pathToken ?? bearerToken(c.req.header("authorization"));
    if (!(await isTokenValid(config, scope, token))) {
      const how = scope === "ingest" ? "send Authorization: Bearer <ingest token> or post to /ingest/<ingest token>" : `send Authorization: Bearer <${scope} token>`;
      throw new ApiError({
        status: 401,
        code: "unauthorized",
        message: `missing or invalid ${scope} token; ${how}`,
        headers: { "WWW-Authenticate": `Bearer realm="thermo", scope="${scope}"` },
      });
    }
    await next();
  };
}
