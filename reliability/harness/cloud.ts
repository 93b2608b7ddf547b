/**
 * The cloud side of a reliability scenario: the real app (dev/stack.ts) and
 * dynalite on 127.0.0.1, with dynalite in its own process persisting to a
 * temp folder, so it can be killed and restarted mid-run without losing
 * committed data, a switch that
 * makes BatchWriteItem return unprocessed items, and queries that count what
 * the table holds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoDBHttpClient } from "../../cloud/store/dynamodb-http.ts";
import type { DynamoDBDataPlane, NativeWriteRequest } from "../../cloud/store/dynamodb-operations.ts";
import { ensureTable } from "../../dev/ensure-table.ts";
import { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_TABLE, startStack, type Stack } from "../../dev/stack.ts";
import { Logger, memorySink } from "../../lib/log.ts";
import { killAtExit } from "./cleanup.ts";

/** BatchWriteItem behaviour for the app. */
export type BatchWriteMode =
  | { kind: "normal" }
  /** Writes at most `keep` new items per call; the rest stay unprocessed on every call until the mode is normal again. */
  | { kind: "unprocessed"; keep: number };

export interface StoredItem {
  pk: string;
  sk: string;
  device_id: string;
  record_date: string;
  temperature: number;
  thermostat_on: boolean;
  thermostat_value: number;
  received_at: string;
  [key: string]: unknown;
}

export interface Cloud {
  readonly stack: Stack;
  readonly url: string;
  readonly ingestToken: string;
  readonly tableName: string;
  /** A client of the child-process store, for inspecting the table (not `stack.documentClient`). */
  readonly documentClient: DynamoDBDocumentClient;
  /** Every line the app logged, as JSON text. */
  readonly logLines: string[];
  /** BatchWriteItem calls the app made, whatever the mode. */
  readonly batchWriteCalls: () => number;
  setBatchWriteMode(mode: BatchWriteMode): void;
  /** Kills dynalite (SIGKILL); the app's store calls fail until `startStore`. */
  stopStore(): Promise<void>;
  /** Starts dynalite again on the same port and folder. */
  startStore(): Promise<void>;
  /** Returns every reading item of `deviceId` on `days` (local days in the app's zone). */
  readingsOf(deviceId: string, days: readonly string[]): Promise<StoredItem[]>;
  stop(): Promise<void>;
}

export interface CloudOptions {
  /** Extra app environment. */
  env?: Record<string, string>;
  /** Tokens to accept; each one missing is generated. */
  tokens?: { ingest?: string; read?: string; admin?: string };
}

/**
 * Wraps the app's DynamoDB client so BatchWriteItem can leave items unprocessed.
 * In `unprocessed` mode each call writes at most `keep` items it has not
 * met before; every other item becomes stuck and comes back unprocessed on
 * every later call, as items of a throttled partition do, until the mode
 * returns to normal.
 */
function faultyClient(client: DynamoDBDataPlane, state: { mode: BatchWriteMode; calls: number; stuck: Set<string> }): DynamoDBDataPlane {
  return {
    getItem: (request) => client.getItem(request),
    query: (request) => client.query(request),
    updateItem: (request) => client.updateItem(request),
    batchWriteItem: async (request) => {
      state.calls++;
      const mode = state.mode;
      if (mode.kind === "normal") return client.batchWriteItem(request);

      const [table, requests = []] = Object.entries(request.RequestItems)[0] ?? ["", []];
      const keyOf = (write: NativeWriteRequest) => `${write.PutRequest?.Item.pk}|${write.PutRequest?.Item.sk}`;
      const fresh = requests.filter((write) => !state.stuck.has(keyOf(write)));
      const written = fresh.slice(0, mode.keep);
      for (const write of fresh.slice(mode.keep)) state.stuck.add(keyOf(write));
      if (written.length > 0) await client.batchWriteItem({ RequestItems: { [table]: written } });
      const left = requests.filter((write) => state.stuck.has(keyOf(write)));
      return { UnprocessedItems: left.length > 0 ? { [table]: left } : {} };
    },
  };
}

interface StoreProcess {
  port: number;
  process: Subprocess;
}

/** Starts dynalite in a child process on `port` (0 for a free one) and waits until it listens. */
async function spawnStore(dataDir: string, port: number): Promise<StoreProcess> {
  const child = Bun.spawn(["bun", "run", join(import.meta.dir, "dynalite-child.ts"), dataDir, String(port)], { stdout: "pipe", stderr: "inherit" });
  killAtExit(child);
  const reader = child.stdout.getReader();
  let text = "";
  const deadline = Date.now() + 15_000;
  while (!text.includes("\n")) {
    if (Date.now() > deadline) throw new Error(`dynalite did not start within 15 s on port ${port}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`dynalite exited before listening on port ${port} (exit ${await child.exited})`);
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return { port: (JSON.parse(text.split("\n")[0]!) as { port: number }).port, process: child };
}

/** Starts the app and a persistent dynalite (own process) in a new temp folder. */
export async function startCloud(options: CloudOptions = {}): Promise<Cloud> {
  const dataDir = mkdtempSync(join(tmpdir(), "thermo-rel-dynalite-"));
  let store = await spawnStore(dataDir, 0);
  const endpoint = `http://127.0.0.1:${store.port}`;
  const rawClient = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
  const documentClient = DynamoDBDocumentClient.from(rawClient, { marshallOptions: { removeUndefinedValues: true } });
  const tableName = options.env?.THERMO_TABLE ?? LOCAL_TABLE;
  await ensureTable(rawClient, tableName);

  const log = memorySink();
  const logger = new Logger("cloud", { level: "info", sink: log.sink });
  const appClient = new DynamoDBHttpClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, logger: logger.child({}, "dynamodb") });
  const state = { mode: { kind: "normal" } as BatchWriteMode, calls: 0, stuck: new Set<string>() };
  // The stack also starts an in-memory dynalite of its own; the app is pointed at the child process instead.
  const stack = await startStack({
    dashboard: false,
    env: options.env ?? {},
    tokens: options.tokens ?? {},
    logger,
    wrapClient: () => faultyClient(appClient, state),
  });
  let isStoreUp = true;

  const readingsOf = async (deviceId: string, days: readonly string[]): Promise<StoredItem[]> => {
    const items: StoredItem[] = [];
    for (const day of days) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const output = await documentClient.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": `${deviceId}#${day}` },
            ExclusiveStartKey: startKey,
            ConsistentRead: true,
          }),
        );
        for (const item of output.Items ?? []) items.push(item as StoredItem);
        startKey = output.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
    return items;
  };

  return {
    stack,
    url: stack.url,
    ingestToken: stack.tokens.ingest,
    tableName,
    documentClient,
    logLines: log.lines,
    batchWriteCalls: () => state.calls,
    setBatchWriteMode: (mode) => {
      state.mode = mode;
      if (mode.kind === "normal") state.stuck.clear();
    },
    stopStore: async () => {
      if (!isStoreUp) return;
      store.process.kill("SIGKILL");
      await store.process.exited;
      isStoreUp = false;
    },
    startStore: async () => {
      if (isStoreUp) return;
      store = await spawnStore(dataDir, store.port);
      isStoreUp = true;
    },
    readingsOf,
    stop: async () => {
      await stack.stop();
      rawClient.destroy();
      if (isStoreUp) {
        store.process.kill("SIGTERM");
        await store.process.exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
