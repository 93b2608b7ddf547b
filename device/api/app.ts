/**
 * The device's local API on Hono: `GET /health`, `GET /status` and
 * `PUT /setpoint`. When a token is configured every route but /health needs
 * `Authorization: Bearer <token>`; the loader refuses a non-loopback bind
 * without one.
 */
import { timingSafeEqual, createHash } from "node:crypto";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { Logger } from "../../lib/log.ts";
import { describeIssues, describeValue, type Unit } from "../../schema.ts";
import type { SetpointCheck } from "../control/units.ts";
import type { DeviceStatus } from "./status.ts";

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 4096;

export interface LocalApiDependencies {
  status(): DeviceStatus;
  /** Applies and saves a setpoint; returns why not when it is out of range. */
  setSetpoint(value: number, unit: Unit): SetpointCheck;
  deviceUnit: Unit;
  token: string | undefined;
  logger: Logger;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Compares a presented bearer token with the configured one in constant time. */
function isAuthorized(header: string | undefined, token: string): boolean {
  const presented = header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
  return timingSafeEqual(digest(presented), digest(token));
}

export function createLocalApi(deps: LocalApiDependencies): Hono {
  const app = new Hono();
  const setpointBody = z.object(
    {
      setpoint: z.number({ error: (issue) => `setpoint must be a number, got ${describeValue(issue.input)}` }).finite(),
      unit: z.enum(["F", "C"], { error: (issue) => `unit must be "F" or "C", got ${describeValue(issue.input)}` }).optional(),
    },
    { error: (issue) => `the body must be a JSON object such as {"setpoint": 50, "unit": "${deps.deviceUnit}"}, got ${describeValue(issue.input)}` },
  );

  app.get("/health", (c) => c.json({ status: "ok" }));

  app.use("*", async (c, next) => {
    if (deps.token !== undefined && !isAuthorized(c.req.header("authorization"), deps.token)) {
      return c.json({ error: "unauthorized", message: "missing or invalid bearer token; send Authorization: Bearer <api_token>" }, 401);
    }
    await next();
  });

  app.get("/status", (c) => c.json(deps.status()));

  app.put(
    "/setpoint",
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.json({ error: "body_too_large", message: `the body exceeds ${MAX_BODY_BYTES} bytes` }, 413) }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: "invalid_json", message: `the body is not JSON; send {"setpoint": 50, "unit": "${deps.deviceUnit}"}` }, 400);
      }
      const parsed = setpointBody.safeParse(body);
      if (!parsed.success) {
        return c.json({ error: "invalid_setpoint", message: "the setpoint request is invalid; see problems", problems: describeIssues(parsed.error) }, 400);
      }
      const unit = parsed.data.unit ?? deps.deviceUnit;
      const result = deps.setSetpoint(parsed.data.setpoint, unit);
      if (!result.ok) return c.json({ error: "invalid_setpoint", message: result.message, problems: [{ field: "setpoint", message: result.message }] }, 400);
      return c.json({ setpoint: result.setpoint, unit: deps.deviceUnit });
    },
  );

  app.notFound((c) => c.json({ error: "not_found", message: `no route ${c.req.method} ${c.req.path}; routes: GET /health, GET /status, PUT /setpoint` }, 404));
  app.onError((error, c) => {
    deps.logger.error("local_api_error", { method: c.req.method, path: c.req.path, error });
    return c.json({ error: "internal_error", message: "internal error" }, 500);
  });
  return app;
}
