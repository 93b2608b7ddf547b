/** Serves a Hono app on Bun.serve, bound to 127.0.0.1 unless a hostname is given. */
import type { Hono } from "hono";
import type { AppEnv } from "./context.ts";

/**
 * Bun.serve's own cap on request bodies, which it rejects with an empty 413.
 * It sits above the app's largest limit (1 MiB) and at the 6 MB that a Lambda
 * function URL accepts, so the app's JSON 413 covers the sizes a client meets on AWS.
 */
const MAX_REQUEST_BODY_BYTES = 6 * 1024 * 1024;

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
    const server = Bun.serve({ port: options.port, hostname, fetch: app.fetch, maxRequestBodySize: MAX_REQUEST_BODY_BYTES });
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
