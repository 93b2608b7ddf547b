/**
 * A local stack (dynalite + the app on 127.0.0.1) for API tests, with the
 * app's log lines captured in memory and helpers that send authenticated
 * requests and read the table directly.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { REGISTRY_PARTITION } from "../../cloud/store/table.ts";
import { startStack, type Stack, type StackOptions } from "../../dev/stack.ts";
import { Logger, memorySink, type LogFields } from "../../lib/log.ts";

export interface SendOptions {
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  body?: string | Uint8Array<ArrayBuffer>;
  headers?: Record<string, string>;
}

export interface TestStack extends Stack {
  /** Every line the app and the store logged, as written. */
  logLines: string[];
  logRecords(): LogFields[];
  send(method: string, path: string, options?: SendOptions): Promise<Response>;
  /** POSTs `body` as JSON text with the ingest token. */
  ingest(path: string, body: unknown): Promise<Response>;
  /** GETs `path` with the read token. */
  read(path: string, headers?: Record<string, string>): Promise<Response>;
  /** Every item in the table, readings and registry alike, read with a Scan. */
  scanItems(): Promise<Record<string, unknown>[]>;
  /** The reading items only, sorted by partition and sort key. */
  readingItems(): Promise<Record<string, unknown>[]>;
}

/** Starts a stack whose logger writes to memory at debug level. */
export async function startTestStack(options: Omit<StackOptions, "logger"> = {}): Promise<TestStack> {
  const memory = memorySink();
  const stack = await startStack({ ...options, logger: new Logger("test", { sink: memory.sink, level: "debug" }) });

  const send = (method: string, path: string, sendOptions: SendOptions = {}): Promise<Response> => {
    const headers: Record<string, string> = { ...sendOptions.headers };
    if (sendOptions.token !== undefined) headers.authorization = `Bearer ${sendOptions.token}`;
    // decompress: false stops Bun from adding Accept-Encoding, so a request carries only the headers a test names.
    return fetch(stack.url + path, { method, headers, body: sendOptions.body, decompress: false });
  };

  const scanItems = async (): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const output = await stack.documentClient.send(new ScanCommand({ TableName: stack.config.tableName, ExclusiveStartKey: startKey }));
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  };

  return {
    ...stack,
    logLines: memory.lines,
    logRecords: memory.records,
    send,
    ingest: (path, body) => send("POST", path, { token: stack.tokens.ingest, body: JSON.stringify(body) }),
    read: (path, headers) => send("GET", path, { token: stack.tokens.read, headers }),
    scanItems,
    readingItems: async () =>
      (await scanItems())
        .filter((item) => item.pk !== REGISTRY_PARTITION)
        .sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`)),
  };
}
