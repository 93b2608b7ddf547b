/**
 * The Hono app: the same instance runs as the Lambda handler (lambda.ts) and
 * on Bun.serve locally (dev.ts). Errors map to statuses here and only here.
 */
import { Hono } from "hono";
import { compress } from "hono/compress";
import { cors } from "hono/cors";
import { methodNotAllowed } from "hono/method-not-allowed";
import { requestId } from "hono/request-id";
import { secureHeaders } from "hono/secure-headers";
import type { ErrorResponse } from "../schema.ts";
import type { AppDeps, AppEnv } from "./context.ts";
import { ApiError, StoreUnavailableError, UnstoredReadingsError } from "./errors.ts";
import { registerAdminRoutes } from "./routes/admin.ts";
import { registerIngestRoutes } from "./routes/ingest.ts";
import { registerQueryRoutes } from "./routes/queries.ts";
import { ACCESS_ERRORS } from "./store/dynamodb-response.ts";

/** Routes mounted next to the API, such as the dashboard page. */
export type ExtraRoutes = (app: Hono<AppEnv>) => void;

export function createApp(deps: AppDeps, extraRoutes?: ExtraRoutes): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(async (c, next) => {
    const logger = deps.logger.child({ request_id: c.get("requestId") });
    c.set("logger", logger);
    const startedMs = performance.now();
    await next();
    // The route pattern, not the path, so a token in /ingest/{token} never reaches the log.
    logger.info("request", {
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      duration_ms: Math.round((performance.now() - startedMs) * 10) / 10,
    });
  });
  app.use(secureHeaders({ crossOriginResourcePolicy: false }));
  if (deps.config.corsOrigins.length > 0) {
    app.use(
      cors({
        origin: [...deps.config.corsOrigins],
        allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allowHeaders: ["Authorization", "Content-Type"],
        maxAge: 600,
      }),
    );
  }
  app.use(compress({ threshold: 1024 }));
  app.use(methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) => {
      const body: ErrorResponse = { error: "method_not_allowed", message: `${c.req.method} is not allowed on this path; use ${methods.join(", ")}` };
      return c.json(body, 405, { Allow: methods.join(", ") });
    },
  }));

  app.get("/health", (c) => c.json({ status: "ok", time_zone: deps.config.timeZone }));
  registerIngestRoutes(app, deps);
  registerQueryRoutes(app, deps);
  registerAdminRoutes(app, deps);
  extraRoutes?.(app);

  app.notFound((c) => {
    const body: ErrorResponse = { error: "not_found", message: `no endpoint at ${c.req.method} this path; see the API reference in the README` };
    return c.json(body, 404);
  });

  app.onError((error, c) => {
    const logger = c.get("logger") ?? deps.logger;
    if (error instanceof ApiError) {
      const body: ErrorResponse = { error: error.code, message: error.message };
      if (error.problems !== undefined) body.problems = error.problems;
      if (error.status >= 500) logger.error("request_failed", { code: error.code, error });
      return c.json(body, error.status, error.headers);
    }
    const storeErrorName = error instanceof StoreUnavailableError ? (error.cause as { name?: string } | undefined)?.name : undefined;
    if (error instanceof StoreUnavailableError && (storeErrorName === "ResourceNotFoundException" || ACCESS_ERRORS.has(storeErrorName ?? ""))) {
      // A missing table or a denied request is a deployment mistake, not a passing fault, so it
      // is not a 503 that would make devices retry it forever.
      if (storeErrorName === "ResourceNotFoundException") {
        logger.error("table_not_found", { table: error.table, operation: error.operation, hint: "check THERMO_TABLE and that the table exists in this region" });
      } else {
        const hint =
          `check that the function's IAM role policy allows dynamodb:${error.operation} on table ${error.table}, ` +
          "and that AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN are one valid set of credentials";
        logger.error("store_access_denied", { table: error.table, operation: error.operation, error, hint });
      }
      const body: ErrorResponse = { error: "store_misconfigured", message: "the server's data store is misconfigured; its log names the problem" };
      return c.json(body, 500);
    }
    if (error instanceof StoreUnavailableError || error instanceof UnstoredReadingsError) {
      if (storeErrorName === "ExpiredTokenException") {
        // Lambda renews its own credentials, so a retry can succeed, but a process that read expired ones at start cannot.
        logger.error("store_credentials_expired", { table: error.table, error, hint: "outside Lambda, restart the app with new credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN" });
      } else {
        logger.error("store_unavailable", { error });
      }
      const body: ErrorResponse = { error: "store_unavailable", message: "the data store is unavailable; nothing from this request can be relied on as stored, so retry later" };
      return c.json(body, 503, { "Retry-After": "5" });
    }
    logger.error("unhandled_error", { error });
    const body: ErrorResponse = { error: "internal", message: `internal error; quote request id ${c.get("requestId") ?? "unknown"} when reporting it` };
    return c.json(body, 500);
  });

  return app;
}
