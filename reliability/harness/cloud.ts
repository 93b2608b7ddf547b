/**
 * The cloud side of a reliability scenario: the real app and dynalite on
 * 127.0.0.1 (dev/stack.ts), with dynalite persisting to a temp folder so it
 * can be stopped and restarted mid-run without losing data, a switch that
 * makes BatchWriteItem return unprocessed items, and queries that count what
 * the table holds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { startDynalite, type LocalDynamo } from "../../dev/dynalite.ts";
import { startStack, type Stack } from "../../dev/stack.ts";
import { Logger, memorySink } from "../../lib/log.ts";

/** How BatchWriteItem behaves for the app. */
export type BatchWriteMode =
  | { kind: "normal" }
  /** Writes only the first `keep` items of each call and returns the rest as UnprocessedItems. */
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
  /** Every line the app logged, as JSON text. */
  readonly logLines: string[];
  /** BatchWriteItem calls the app made, whatever the mode. */
  readonly batchWriteCalls: () => number;
  setBatchWriteMode(mode: BatchWriteMode): void;
  /** Stops dynalite; the app's store calls fail until `startStore`. */
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

/** Wraps the document client so BatchWriteItem can be made to leave items unprocessed. */
function faultyClient(client: DynamoDBDocumentClient, state: { mode: BatchWriteMode; calls: number }): DynamoDBDocumentClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== "send") return Reflect.get(target, property, receiver);
      return async (command: unknown, ...rest: unknown[]) => {
        if (!(command instanceof BatchWriteCommand)) return (target.send as (...args: unknown[]) => unknown)(command, ...rest);
        state.calls++;
        const mode = state.mode;
        if (mode.kind === "normal") return target.send(command);

        const requestItems = command.input.RequestItems ?? {};
        const [table, requests = []] = Object.entries(requestItems)[0] ?? ["", []];
        const kept = requests.slice(0, mode.keep);
        const left = requests.slice(mode.keep);
        if (kept.length > 0) await target.send(new BatchWriteCommand({ RequestItems: { [table]: kept } }));
        return { UnprocessedItems: left.length > 0 ? { [table]: left } : {}, $metadata: {} };
      };
    },
  });
}

/** Starts the app and a persistent dynalite in a new temp folder. */
export async function startCloud(options: CloudOptions = {}): Promise<Cloud> {
  const dataDir = mkdtempSync(join(tmpdir(), "thermo-rel-dynalite-"));
  const log = memorySink();
  const state = { mode: { kind: "normal" } as BatchWriteMode, calls: 0 };
  const stack = await startStack({
    dataDir,
    dashboard: false,
    env: options.env ?? {},
    tokens: options.tokens ?? {},
    logger: new Logger("cloud", { level: "info", sink: log.sink }),
    wrapClient: (client) => faultyClient(client, state),
  });
  let restarted: LocalDynamo | undefined;
  let isStoreUp = true;

  const readingsOf = async (deviceId: string, days: readonly string[]): Promise<StoredItem[]> => {
    const items: StoredItem[] = [];
    for (const day of days) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const output = await stack.documentClient.send(
          new QueryCommand({
            TableName: stack.config.tableName,
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
    logLines: log.lines,
    batchWriteCalls: () => state.calls,
    setBatchWriteMode: (mode) => {
      state.mode = mode;
    },
    stopStore: async () => {
      if (!isStoreUp) return;
      await (restarted ?? stack.dynamo).close();
      isStoreUp = false;
    },
    startStore: async () => {
      if (isStoreUp) return;
      restarted = await startDynalite({ path: dataDir, port: stack.dynamo.port });
      isStoreUp = true;
    },
    readingsOf,
    stop: async () => {
      if (restarted !== undefined && isStoreUp) await restarted.close();
      // The stack closes the dynalite it started; after a restart that one is already closed.
      await stack.stop().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
