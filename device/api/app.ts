/**
 * The device's local API on Hono: `GET /health`, `GET /status` and
 * `PUT /setpoint`. When a token is configured every route but /health needs
 * `Authorization: Bearer <token>`; the loader refuses a non-loopback bind
 * without one. On a loopback bind only loopback Host values are accepted, so
 * a web page cannot reach the API through DNS rebinding.
 */
import { timingSafeEqual, createHash } from "node:crypto";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { methodNotAllowed } from "hono/method-not-allowed";
import { z } from "zod";
import type { Logger } from "../../lib/log.ts";
import { describeIssues, describeValue, type Unit } from "../../schema.ts";
import { isLoopbackAddress } from "../config/load.ts";
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
  /** Address the server listens on (`api_bind`); a loopback one turns on the Host check. */
  bind: string;
  logger: Logger;
}

const ROUTES_TEXT = "GET /health, GET /status, PUT /setpoint";
const LOOPBACK_HOST_NAMES = ["127.0.0.1", "localhost", "[::1]"];

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Compares a presented bearer token with the configured one in constant time. The scheme is case-insensitive (RFC 7235). */
function isAuthorized(header: string | undefined, token: string): boolean {
  const presented = /^bearer +(\S+) *$/i.exec(header ?? "")?.[1] ?? "";
  return timingSafeEqual(digest(presented), digest(token));
}

/** Returns the Host values a server on `bind` accepts without the port, or undefined to accept any. */
function allowedHostNames(bind: string): Set<string> | undefined {
  if (!isLoopbackAddress(bind)) return undefined;
  const bindHost = bind.includes(":") && !bind.startsWith("[") ? `[${bind}]` : bind;
  return new Set([...LOOPBACK_HOST_NAMES, bindHost.toLowerCase()]);
}

/** Returns the host name of a Host header value, without its port. */
function hostNameOf(host: string): string {
  return host.toLowerCase().replace(/:\d+$/, "");
}

export function createLocalApi(deps: LocalApiDependencies): Hono {
  const app = new Hono();
  const setpointBody = z.object(
    {
      // Whole degrees only, as in the configuration, the cloud's desired state and the wire format's thermostat_value.
      setpoint: z
        .number({ error: (issue) => `setpoint must be a number, got ${describeValue(issue.input)}` })
        .int({ error: (issue) => `setpoint must be a whole number, got ${describeValue(issue.input)}` }),
      unit: z.enum(["F", "C"], { error: (issue) => `unit must be "F" or "C", got ${describeValue(issue.input)}` }).optional(),
    },
    { error: (issue) => `the body must be a JSON object such as {"setpoint": 50, "unit": "${deps.deviceUnit}"}, got ${describeValue(issue.input)}` },
  );

  const allowedHosts = allowedHostNames(deps.bind);
  app.use("*", async (c, next) => {
    // Bun.serve builds the request URL from the Host header; app.request() in tests sends none.
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    if (allowedHosts !== undefined && !allowedHosts.has(hostNameOf(host))) {
      return c.json({ error: "misdirected_request", message: `Host ${describeValue(host)} is not accepted: this API listens on loopback and accepts only Host 127.0.0.1, localhost or [::1], with an optional port` }, 421);
    }
    await next();
  });
  app.use(
    "*",
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) => c.json({ error: "method_not_allowed", message: `${c.req.method} ${c.req.path} is not supported; routes: ${ROUTES_TEXT}` }, 405, { Allow: methods.join(", ") }),
    }),
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

  app.notFound((c) => c.json({ error: "not_found", message: `no route ${c.req.method} ${c.req.path}; routes: ${ROUTES_TEXT}` }, 404));
  app.onError((error, c) => {
    deps.logger.error("local_api_error", { method: c.req.method, path: c.req.path, error });
    return c.json({ error: "internal_error", message: "internal error" }, 500);
  });
  return app;
}
