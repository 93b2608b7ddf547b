/** `POST /readings`: batch sizes, chunking, deduplication, idempotence and unprocessed items. */
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, describe, expect, test } from "bun:test";
import { createApp } from "../../cloud/app.ts";
import type { DynamoDBDataPlane } from "../../cloud/store/dynamodb-operations.ts";
import { ReadingStore } from "../../cloud/store/readings-store.ts";
import { Logger, memorySink } from "../../lib/log.ts";
import { overrideCalls, recordOperationNames, unprocessedFor } from "../helpers/intercept-client.ts";
import { startTestStack, type TestStack } from "../helpers/stack-fixture.ts";
import { wireReading, wireReadings } from "../helpers/wire-reading.ts";

const DAY_START_MS = Date.UTC(2026, 2, 10);
const stacks: TestStack[] = [];

async function freshStack(options: Parameters<typeof startTestStack>[0] = {}): Promise<TestStack> {
  const stack = await startTestStack(options);
  stacks.push(stack);
  return stack;
}

/**
 * Returns the app on a store with a 2 s budget whose waits return at once: its clock jumps ahead
 * by each wait. The clock starts at the real time, because the store passes its deadline to the
 * client, which measures it by the real clock.
 */
function appWithSkippingClock(api: TestStack, client: DynamoDBDataPlane, logger: Logger): ReturnType<typeof createApp> {
  let skippedMs = 0;
  const store = new ReadingStore({
    client,
    tableName: api.config.tableName,
    timeZone: api.config.timeZone,
    logger,
    budgetMs: 2000,
    now: () => Date.now() + skippedMs,
    sleep: async (ms) => {
      skippedMs += ms;
    },
  });
  return createApp({ config: api.config, store, logger });
}

function postBatch(app: ReturnType<typeof createApp>, api: TestStack, readings: unknown[]): Promise<Response> {
  return Promise.resolve(
    app.request("/readings", {
      method: "POST",
      headers: { authorization: `Bearer ${api.tokens.ingest}` },
      body: JSON.stringify({ readings }),
    }),
  );
}

afterAll(async () => {
  for (const stack of stacks) await stack.stop().catch(() => undefined);
});

describe("POST /readings", () => {
  test.each([
    [1, 1],
    [26, 2],
    [500, 20],
  ])("batch of %i stored in %i BatchWrites", async (count, batchWrites) => {
    const operations: string[] = [];
    const api = await freshStack({ wrapClient: (client) => recordOperationNames(client, operations) });
    const readings = wireReadings(count, { startMs: DAY_START_MS, deviceId: "shop" });

    const response = await api.ingest("/readings", { readings });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ stored: count, duplicates: 0, desired: null });
    const items = await api.readingItems();
    expect(items).toHaveLength(count);
    expect(items.map((item) => item.sk)).toEqual(readings.map((reading) => reading.record_date));
    expect(operations.filter((name) => name === "BatchWriteItem")).toHaveLength(batchWrites);
  });

  test("duplicate key stored once", async () => {
    const api = await freshStack();
    const first = wireReading({ device_id: "shop", record_date: "2026-03-10T12:00:00Z", temperature: 60 });
    const second = wireReading({ device_id: "shop", record_date: "2026-03-10T06:00:00.000-06:00", temperature: 61 });

    const response = await api.ingest("/readings", { readings: [first, second] });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ stored: 1, duplicates: 1, desired: null });
    const items = await api.readingItems();
    expect(items).toHaveLength(1);
    // The later reading in the request wins.
    expect(items[0]?.temperature).toBe(61);
  });

  test("retention sets expiry from instant", async () => {
    const api = await freshStack({ env: { THERMO_RETENTION_DAYS: "30" } });

    await api.ingest("/readings", { readings: [wireReading({ record_date: "2026-03-10T12:00:00.999Z" })] });

    const items = await api.readingItems();
    expect(items[0]?.expires_at).toBe(Date.UTC(2026, 2, 10, 12) / 1000 + 30 * 86_400);
  });

  test("no retention no expiry", async () => {
    const api = await freshStack();

    await api.ingest("/", wireReading());

    expect((await api.readingItems())[0]).not.toHaveProperty("expires_at");
  });

  test("resent batch stored once", async () => {
    const api = await freshStack();
    const readings = wireReadings(60, { startMs: DAY_START_MS, deviceId: "shop" });

    const first = await api.ingest("/readings", { readings });
    const second = await api.ingest("/readings", { readings });

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await api.readingItems()).toHaveLength(60);
  });

  test("unprocessed items retried until stored", async () => {
    const fault = unprocessedFor(6);
    const api = await freshStack({ wrapClient: (client) => fault.wrap(client) });
    const readings = wireReadings(100, { startMs: DAY_START_MS, deviceId: "shop" });

    const response = await api.ingest("/readings", { readings });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ stored: 100, duplicates: 0, desired: null });
    expect(fault.faultedCalls).toBe(6);
    expect(fault.unprocessedItems).toBeGreaterThan(0);
    expect(await api.readingItems()).toHaveLength(100);
    const retries = api.logRecords().filter((record) => record.event === "batch_write_retry");
    expect(retries).toHaveLength(6);
  });

  test("unprocessed at deadline is 503", async () => {
    const api = await freshStack();
    const memory = memorySink();
    const logger = new Logger("test", { sink: memory.sink });
    const fault = unprocessedFor(Number.POSITIVE_INFINITY);
    const app = appWithSkippingClock(api, fault.wrap(api.client), logger);
    const readings = wireReadings(40, { startMs: DAY_START_MS, deviceId: "shop" });

    const response = await postBatch(app, api, readings);

    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.error).toBe("store_unavailable");
    expect(body).not.toHaveProperty("stored");
    expect(JSON.stringify(body)).not.toContain("unprocessed");
    expect(fault.faultedCalls).toBeGreaterThan(2);
    const failure = memory.records().find((record) => record.event === "store_unavailable");
    expect(JSON.stringify(failure)).toContain("still unprocessed");
    // Part of the batch reached the table, but the response did not report it as stored,
    // and the device registry did not move.
    expect((await api.scanItems()).filter((item) => item.pk === "_devices")).toHaveLength(0);
  });

  test("unstored chunk among slower ones is 503", async () => {
    // Chunks are written four at a time. The first chunk gives up at the deadline while the
    // others are still in flight; their results must not overwrite its count of unstored items.
    const api = await freshStack();
    const logger = new Logger("test", { sink: memorySink().sink });
    let firstChunkKey: string | undefined;
    const client = overrideCalls(api.client, {
      batchWriteItem: async (request) => {
        const [table, requests = []] = Object.entries(request.RequestItems)[0] ?? [];
        if (table === undefined) return api.client.batchWriteItem(request);
        const key = JSON.stringify(requests[0]);
        firstChunkKey ??= key;
        if (key === firstChunkKey) return { UnprocessedItems: { [table]: requests } };
        await Bun.sleep(50);
        return api.client.batchWriteItem(request);
      },
    });
    const app = appWithSkippingClock(api, client, logger);
    const readings = wireReadings(100, { startMs: DAY_START_MS, deviceId: "shop" });

    const response = await postBatch(app, api, readings);

    expect(response.status).toBe(503);
    expect((await api.readingItems()).length).toBe(75);
  });

  test("store down is 503 with detail in log", async () => {
    const api = await freshStack();
    await api.dynamo.close();

    const response = await api.ingest(`/ingest/${api.tokens.ingest}/readings`, { readings: wireReadings(3, { startMs: DAY_START_MS }) });

    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      error: "store_unavailable",
      message: "the data store is unavailable; nothing from this request can be relied on as stored, so retry later",
    });
    expect(text).not.toContain("BatchWriteItem");
    expect(text).not.toContain("ECONNREFUSED");
    const failure = api.logRecords().find((record) => record.event === "store_unavailable");
    expect(failure?.level).toBe("error");
    expect(JSON.stringify(failure)).toContain("DynamoDB BatchWriteItem on table thermo failed");
    expect(api.logLines.join("\n")).not.toContain(api.tokens.ingest);
  });

  test("store down on query is 503", async () => {
    const api = await freshStack();
    await api.dynamo.close();

    const response = await api.read("/devices/shop/days/2026-03-10");

    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toBe("store_unavailable");
    const failure = api.logRecords().find((record) => record.event === "store_unavailable");
    expect(JSON.stringify(failure)).toContain("DynamoDB Query on table thermo failed");
  });
  test("missing table is 500 misconfigured", async () => {
    const api = await freshStack();
    await api.documentClient.send(new DeleteTableCommand({ TableName: api.config.tableName }));

    const response = await api.ingest("/readings", { readings: wireReadings(2, { startMs: DAY_START_MS }) });

    expect(response.status).toBe(500);
    expect(response.headers.get("retry-after")).toBeNull();
    expect(((await response.json()) as { error: string }).error).toBe("store_misconfigured");
    const failure = api.logRecords().find((record) => record.event === "table_not_found");
    expect(failure?.level).toBe("error");
    expect(failure?.table).toBe("thermo");
  });
});
