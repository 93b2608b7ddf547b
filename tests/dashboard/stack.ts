/**
 * The real cloud side for the page tests: dynalite, the readings table and the
 * app from dev/stack.ts, plus a second instance of the same app with the
 * dashboard mounted at `/` exactly as `app.route("/", dashboardRoutes())` does,
 * sharing the stack's store. Readings go in through the real ingest endpoint.
 * `failStore` makes every DynamoDB call fail, so the API returns 503.
 */
import { createApp } from "../../cloud/app.ts";
import { DynamoDBError } from "../../cloud/errors.ts";
import type { DynamoDBDataPlane } from "../../cloud/store/dynamodb-operations.ts";
import { startServer } from "../../cloud/serve-locally.ts";
import { dashboardRoutes } from "../../dashboard/routes.ts";
import { startStack, type Stack } from "../../dev/stack.ts";
import { Logger } from "../../lib/log.ts";
import { MAX_BATCH_READINGS, type StoredReading } from "../../schema.ts";

export interface DashboardStack {
  /** Origin serving the dashboard page and the API, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** The stack's own API origin, which serves no page (for cross-origin tests). */
  apiUrl: string;
  stack: Stack;
  readToken: string;
  /** While true, every DynamoDB call fails and the API returns 503. */
  failStore(isFailing: boolean): void;
  /** Posts readings through `POST /readings` in batches of at most 500. */
  ingest(readings: readonly StoredReading[]): Promise<void>;
  stop(): Promise<void>;
}

export interface DashboardStackOptions {
  timeZone: string;
  /** Origins allowed to call the API from a browser (THERMO_CORS_ORIGINS). */
  corsOrigins?: readonly string[];
}

/** Wraps the app's DynamoDB client so that every call fails as a refused connection while `state.isFailing` is set. */
function faultyClient(client: DynamoDBDataPlane, state: { isFailing: boolean }): DynamoDBDataPlane {
  const failIfSet = <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    if (!state.isFailing) return call();
    const cause = new Error("connect ECONNREFUSED (injected by the test)");
    return Promise.reject(new DynamoDBError({ name: "NetworkError", message: `DynamoDB ${operation} request failed: ${cause.message}`, operation, attempt: 1, cause }));
  };
  return {
    batchWriteItem: (request) => failIfSet("BatchWriteItem", () => client.batchWriteItem(request)),
    getItem: (request) => failIfSet("GetItem", () => client.getItem(request)),
    query: (request) => failIfSet("Query", () => client.query(request)),
    updateItem: (request) => failIfSet("UpdateItem", () => client.updateItem(request)),
  };
}

/** Starts the stack with the dashboard mounted, on 127.0.0.1 only. */
export async function startDashboardStack(options: DashboardStackOptions): Promise<DashboardStack> {
  const state = { isFailing: false };
  const logger = new Logger("test", { level: "silent" });
  const env: Record<string, string> = { THERMO_TIMEZONE: options.timeZone };
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0) env.THERMO_CORS_ORIGINS = options.corsOrigins.join(",");
  const stack = await startStack({ env, logger, dashboard: false, wrapClient: (client) => faultyClient(client, state) });

  const app = createApp({ config: stack.config, store: stack.store, logger }, (api) => {
    api.route("/", dashboardRoutes());
  });
  const server = startServer(app, { port: 0 });

  return {
    url: server.url,
    apiUrl: stack.url,
    stack,
    readToken: stack.tokens.read,
    failStore(isFailing) {
      state.isFailing = isFailing;
    },
    async ingest(readings) {
      for (let start = 0; start < readings.length; start += MAX_BATCH_READINGS) {
        const batch = readings.slice(start, start + MAX_BATCH_READINGS).map((reading) => {
          const wire: Record<string, unknown> = {
            device_id: reading.device_id, record_date: reading.record_date, thermostat_on: reading.thermostat_on,
            temperature: reading.temperature, thermostat_value: reading.thermostat_value, unit: reading.unit,
          };
          if (reading.humidity !== undefined) wire.humidity = reading.humidity;
          return wire;
        });
        const response = await fetch(`${stack.url}/readings`, {
          method: "POST",
          headers: { authorization: `Bearer ${stack.tokens.ingest}`, "content-type": "application/json" },
          body: JSON.stringify({ readings: batch }),
        });
        if (!response.ok) throw new Error(`seeding failed: POST /readings returned ${response.status}: ${await response.text()}`);
      }
    },
    async stop() {
      await server.stop();
      await stack.stop();
    },
  };
}
