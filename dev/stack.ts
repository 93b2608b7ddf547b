/**
 * The whole cloud side on one machine: dynalite on 127.0.0.1, the readings
 * table, and the app on Bun.serve. Used by `bun run dev` and by tests that
 * need the real API and store.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { sha256Hex, generateToken } from "../cloud/auth.ts";
import { createApp } from "../cloud/app.ts";
import { loadConfig, type AppConfig } from "../cloud/config.ts";
import { dashboardRoutes } from "../cloud/dashboard-mount.ts";
import { startServer } from "../cloud/serve-locally.ts";
import type { DynamoDBDataPlane } from "../cloud/store/dynamodb-operations.ts";
import { DynamoDBHttpClient } from "../cloud/store/dynamodb-http.ts";
import { ReadingStore } from "../cloud/store/readings-store.ts";
import { Logger } from "../lib/log.ts";
import { startDynalite, type LocalDynamo } from "./dynalite.ts";
import { ensureTable } from "./ensure-table.ts";

export interface StackTokens {
  ingest: string;
  read: string;
  admin: string;
}

export interface StackOptions {
  /** Port of the API on 127.0.0.1. @default 0, a free port */
  port?: number;
  /** Folder for dynalite's files; in memory when undefined. */
  dataDir?: string | undefined;
  /** Tokens to accept; each one missing is generated. */
  tokens?: Partial<StackTokens>;
  /** Extra app environment, e.g. `{ THERMO_TIMEZONE: "America/Chicago" }`. */
  env?: Record<string, string>;
  logger?: Logger;
  /** Wraps the DynamoDB client the app uses, e.g. to inject faults in tests. */
  wrapClient?: (client: DynamoDBDataPlane) => DynamoDBDataPlane;
  /** Serve the dashboard page at `/`. @default true */
  dashboard?: boolean;
}

export interface Stack {
  /** Base URL of the API, e.g. `http://127.0.0.1:8787`. */
  url: string;
  tokens: StackTokens;
  config: AppConfig;
  dynamo: LocalDynamo;
  /** The app's DynamoDB client before `wrapClient`, for tests that build a store of their own. */
  client: DynamoDBHttpClient;
  /**
   * An AWS SDK client of the local store, for tests that inspect or change the
   * table. It is a second implementation, so what it reads back checks the app's client.
   */
  documentClient: DynamoDBDocumentClient;
  store: ReadingStore;
  stop(): Promise<void>;
}

export const LOCAL_TABLE = "thermo";

/** Credentials that dynalite ignores. They are set so that no client looks for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;
/** Region that the local clients sign for. dynalite accepts any. */
export const LOCAL_REGION = "local";

/** Starts dynalite, creates the table, and serves the app. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const logger = options.logger ?? new Logger("dev");
  const tokens: StackTokens = {
    ingest: options.tokens?.ingest ?? generateToken(),
    read: options.tokens?.read ?? generateToken(),
    admin: options.tokens?.admin ?? generateToken(),
  };

  const dynamo = await startDynalite({ path: options.dataDir });
  try {
    const rawClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
    await ensureTable(rawClient, options.env?.THERMO_TABLE ?? LOCAL_TABLE);
    const documentClient = DynamoDBDocumentClient.from(rawClient, { marshallOptions: { removeUndefinedValues: true } });
    const client = new DynamoDBHttpClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, logger: logger.child({}, "dynamodb") });

    const config = loadConfig({
      THERMO_TABLE: LOCAL_TABLE,
      THERMO_INGEST_TOKEN_SHA256: await sha256Hex(tokens.ingest),
      THERMO_READ_TOKEN_SHA256: await sha256Hex(tokens.read),
      THERMO_ADMIN_TOKEN_SHA256: await sha256Hex(tokens.admin),
      ...options.env,
    });
    const store = new ReadingStore({
      client: options.wrapClient?.(client) ?? client,
      tableName: config.tableName,
      timeZone: config.timeZone,
      retentionDays: config.retentionDays,
      logger: logger.child({}, "store"),
    });
    const app = createApp({ config, store, logger: logger.child({}, "api") }, options.dashboard === false ? undefined : dashboardRoutes);
    const server = startServer(app, { port: options.port ?? 0 });

    return {
      url: server.url,
      tokens,
      config,
      dynamo,
      client,
      documentClient,
      store,
      stop: async () => {
        await server.stop();
        rawClient.destroy();
        await dynamo.close();
      },
    };
  } catch (error) {
    await dynamo.close();
    throw error;
  }
}
