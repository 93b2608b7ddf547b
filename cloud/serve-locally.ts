/** Serves a Hono app on Bun.serve, bound to 127.0.0.1 unless a hostname is given. */
import type { Hono } from "hono";
import type { ErrorResponse } from "../schema.ts";
import type { AppEnv } from "./context.ts";

/**
 * Largest request body the local server passes to the app, at the 6 MB that a
 * Lambda function URL accepts. It sits above the app's largest route limit
 * (1 MiB). A request that declares a larger body gets a JSON 413 here, shaped
 * like the app's errors.
 */
export const MAX_REQUEST_BODY_BYTES = 6 * 1024 * 1024;

/**
 * Bun.serve's own cap, a backstop for bodies without Content-Length that no
 * route limits. NOTE: Bun rejects a body over it with a 413 whose body is empty.
 */
const BUN_MAX_REQUEST_BODY_BYTES = 64 * 1024 * 1024;

/** Time in-flight requests get to finish when the server stops, in ms. */
const STOP_GRACE_MS = 3000;

export interface LocalServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A clear message for the errors people meet when starting a server. */
export class ServeError extends Error {
  override readonly name = "ServeError";
}

/**
 * Starts the server. Port 0 picks a free port.
 * @throws {ServeError} when the port is in use or cannot be bound
 */
export function startServer(app: Hono<AppEnv>, options: { port: number; hostname?: string }): LocalServer {
  const hostname = options.hostname ?? "127.0.0.1";
  try {
    const server = Bun.serve({
      port: options.port,
      hostname,
      fetch: (request, bunServer) => (declaresTooLargeBody(request) ? bodyTooLargeResponse() : app.fetch(request, bunServer)),
      maxRequestBodySize: BUN_MAX_REQUEST_BODY_BYTES,
    });
    const port = server.port ?? options.port;
    const stop = async () => {
      // In-flight requests get a moment to finish, so none is cut off between the store write and its response.
      const graceful = server.stop(false);
      const timedOut = await Promise.race([graceful.then(() => false), Bun.sleep(STOP_GRACE_MS).then(() => true)]);
      if (timedOut) await server.stop(true);
    };
    return { url: `http://${hostname}:${port}`, port, stop };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE") throw new ServeError(`port ${options.port} on ${hostname} is already in use; stop the other program or pass --port with another number`, { cause: error });
    if (code === "EACCES") throw new ServeError(`no permission to listen on port ${options.port}; use a port above 1023`, { cause: error });
    throw error;
  }
}

/** Returns whether the request's Content-Length is over {@link MAX_REQUEST_BODY_BYTES}. */
function declaresTooLargeBody(request: Request): boolean {
  const declaredBytes = Number(request.headers.get("content-length") ?? 0);
  return declaredBytes > MAX_REQUEST_BODY_BYTES;
}

function bodyTooLargeResponse(): Response {
  const body: ErrorResponse = { error: "body_too_large", message: `the body is larger than ${MAX_REQUEST_BODY_BYTES} bytes, the most a Lambda function URL accepts` };
  return Response.json(body, { status: 413 });
}
