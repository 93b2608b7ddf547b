/** Runs dynalite, a DynamoDB-API server, on 127.0.0.1 for `bun run dev` and the tests. */
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import dynalite from "dynalite";

/** Time in-flight requests get to finish when the server closes, in ms. */
const CLOSE_GRACE_MS = 5000;

export interface LocalDynamo {
  /** e.g. `http://127.0.0.1:41234` */
  endpoint: string;
  port: number;
  /** Stops the server and closes its database, flushing what is on disk. */
  close(): Promise<void>;
}

export interface LocalDynamoOptions {
  /** Folder for the LevelDB files; in memory when undefined. */
  path?: string | undefined;
  /** @default 0, a free port */
  port?: number;
}

/** Starts dynalite with tables that become ACTIVE at once. */
export async function startDynalite(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  if (options.path !== undefined) mkdirSync(options.path, { recursive: true });
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Idle keep-alive connections would hold close() open. Busy ones finish their request
        // first: cutting one mid-write made dynalite throw "Database is closed" in this process.
        const forceTimer = setTimeout(() => server.closeAllConnections?.(), CLOSE_GRACE_MS);
        server.close((error?: Error) => {
          clearTimeout(forceTimer);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections?.();
      }),
  };
}
