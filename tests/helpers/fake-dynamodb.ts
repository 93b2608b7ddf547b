/**
 * A stand-in for DynamoDB on 127.0.0.1 that responds to each operation with a
 * DynamoDB-shaped response after a delay set per operation, and the app built
 * on it through the real DynamoDBHttpClient. Tests use it for what dynalite
 * cannot do: respond slowly, or fail with an error of their choosing.
 */
import type { Hono } from "hono";
import { createApp } from "../../cloud/app.ts";
import { sha256Hex } from "../../cloud/auth.ts";
import { loadConfig } from "../../cloud/config.ts";
import type { AppEnv } from "../../cloud/context.ts";
import { DynamoDBHttpClient } from "../../cloud/store/dynamodb-http.ts";
import { ReadingStore, type ReadingStoreOptions } from "../../cloud/store/readings-store.ts";
import { Logger, memorySink, type LogFields } from "../../lib/log.ts";

export type FakeOperation = "BatchWriteItem" | "GetItem" | "Query" | "UpdateItem";

export interface FakeDynamoDB {
  /** Base URL of the server, such as `http://127.0.0.1:40123/`. */
  url: string;
  /** Delay before each response to an operation, in ms. Operations not named respond at once. */
  delayMs: Partial<Record<FakeOperation, number>>;
  /** Error that an operation returns instead of its usual response. */
  failures: Partial<Record<FakeOperation, { status: number; type: string; message: string }>>;
  /** When set, BatchWriteItem returns every item it was sent as unprocessed. */
  isEveryWriteUnprocessed: boolean;
  /** Operation names of the requests received, in order of arrival. */
  received: FakeOperation[];
  /** Items of BatchWriteItem calls that the fake reported as written, counted when the response is sent. */
  writtenItems: number;
  stop(): Promise<void>;
}

/** Starts a fake DynamoDB whose Query always reports another page, so a day read only ends by failing. */
export function startFakeDynamoDB(): FakeDynamoDB {
  const fake: FakeDynamoDB = {
    url: "",
    delayMs: {},
    failures: {},
    isEveryWriteUnprocessed: false,
    received: [],
    writtenItems: 0,
    stop: async () => {
      await server.stop(true);
    },
  };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const operation = (request.headers.get("x-amz-target") ?? "").split(".")[1] as FakeOperation;
      const body = (await request.json()) as { RequestItems?: Record<string, unknown[]> };
      fake.received.push(operation);
      await Bun.sleep(fake.delayMs[operation] ?? 0);

      const failure = fake.failures[operation];
      if (failure !== undefined) {
        return Response.json({ __type: `com.amazonaws.dynamodb.v20120810#${failure.type}`, message: failure.message }, { status: failure.status });
      }
      switch (operation) {
        case "BatchWriteItem": {
          if (fake.isEveryWriteUnprocessed) return Response.json({ UnprocessedItems: body.RequestItems ?? {} });
          for (const requests of Object.values(body.RequestItems ?? {})) fake.writtenItems += requests.length;
          return Response.json({ UnprocessedItems: {} });
        }
        case "UpdateItem":
          return Response.json({ Attributes: {} });
        case "Query":
          return Response.json({ Items: [], Count: 0, LastEvaluatedKey: { pk: { S: "shop#2026-03-10" }, sk: { S: "2026-03-10T00:00:00.000Z" } } });
        default:
          return Response.json({});
      }
    },
  });
  fake.url = server.url.href;
  return fake;
}

export interface FakeBackedApp {
  app: Hono<AppEnv>;
  ingestToken: string;
  readToken: string;
  logRecords(): LogFields[];
}

/** Builds the app on a store of `fake`, with the client's defaults except where `client` overrides them. */
export async function appOnFake(
  fake: FakeDynamoDB,
  options: { store?: Partial<Pick<ReadingStoreOptions, "budgetMs">>; client?: { attemptTimeoutMs?: number } } = {},
): Promise<FakeBackedApp> {
  const ingestToken = "fake-ingest-token";
  const readToken = "fake-read-token";
  const config = loadConfig({
    THERMO_TABLE: "thermo",
    THERMO_INGEST_TOKEN_SHA256: await sha256Hex(ingestToken),
    THERMO_READ_TOKEN_SHA256: await sha256Hex(readToken),
  });
  const memory = memorySink();
  const logger = new Logger("test", { sink: memory.sink, level: "debug" });
  const client = new DynamoDBHttpClient({
    endpoint: fake.url,
    region: "local",
    credentials: { accessKeyId: "AKIDFAKE", secretAccessKey: "fake-secret" },
    logger,
    ...options.client,
  });
  const store = new ReadingStore({ client, tableName: config.tableName, timeZone: config.timeZone, logger, ...options.store });
  return { app: createApp({ config, store, logger }), ingestToken, readToken, logRecords: memory.records };
}
