/**
 * One time budget bounds a whole ingest or day read, against a fake DynamoDB on
 * 127.0.0.1 that responds slowly. Budgets are small so that the tests are fast.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { appOnFake, startFakeDynamoDB, type FakeBackedApp, type FakeDynamoDB } from "../helpers/fake-dynamodb.ts";
import { wireReadings } from "../helpers/wire-reading.ts";

const DAY_START_MS = Date.UTC(2026, 2, 10);
/** Time allowed past the budget for the response itself, in ms. */
const MARGIN_MS = 300;

let fake: FakeDynamoDB;

afterEach(async () => {
  await fake.stop();
});

async function timedIngest(api: FakeBackedApp, count: number): Promise<{ response: Response; elapsedMs: number }> {
  const body = JSON.stringify({ readings: wireReadings(count, { startMs: DAY_START_MS, deviceId: "shop" }) });
  const startedMs = performance.now();
  const response = await api.app.request("/readings", { method: "POST", headers: { authorization: `Bearer ${api.ingestToken}` }, body });
  return { response, elapsedMs: performance.now() - startedMs };
}

async function expectStoreUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("5");
  const body = (await response.json()) as Record<string, unknown>;
  expect(body.error).toBe("store_unavailable");
  expect(body).not.toHaveProperty("stored");
}

describe("store time budget", () => {
  test("fast store stores batch", async () => {
    fake = startFakeDynamoDB();
    const api = await appOnFake(fake, { store: { budgetMs: 500 } });

    const { response } = await timedIngest(api, 500);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ stored: 500, duplicates: 0, desired: null });
    expect(fake.writtenItems).toBe(500);
  });

  test("slow calls end ingest at budget", async () => {
    // 20 chunks written 4 at a time take 5 rounds of 150 ms, and the registry update
    // another 150 ms: past the 500 ms budget, though each call is well inside its 2 s attempt timeout.
    fake = startFakeDynamoDB();
    fake.delayMs = { BatchWriteItem: 150, UpdateItem: 150 };
    const api = await appOnFake(fake, { store: { budgetMs: 500 } });

    const { response, elapsedMs } = await timedIngest(api, 500);

    await expectStoreUnavailable(response);
    expect(elapsedMs).toBeLessThan(500 + MARGIN_MS);
    const failure = api.logRecords().find((record) => record.event === "store_unavailable");
    expect(JSON.stringify(failure)).toContain("TimeoutError");
  });

  test("slow registry update ends ingest at budget", async () => {
    fake = startFakeDynamoDB();
    fake.delayMs = { UpdateItem: 5000 };
    const api = await appOnFake(fake, { store: { budgetMs: 400 } });

    const { response, elapsedMs } = await timedIngest(api, 30);

    await expectStoreUnavailable(response);
    expect(elapsedMs).toBeLessThan(400 + MARGIN_MS);
    // Readings were written before the update ran out of time; a re-sent batch replaces them.
    expect(fake.writtenItems).toBe(30);
    expect(fake.received.filter((operation) => operation === "UpdateItem")).toHaveLength(1);
  });

  test("slow unprocessed retries end at budget", async () => {
    fake = startFakeDynamoDB();
    fake.delayMs = { BatchWriteItem: 100 };
    fake.isEveryWriteUnprocessed = true;
    const api = await appOnFake(fake, { store: { budgetMs: 400 } });

    const { response, elapsedMs } = await timedIngest(api, 40);

    await expectStoreUnavailable(response);
    expect(elapsedMs).toBeLessThan(400 + MARGIN_MS);
    expect(fake.received).not.toContain("UpdateItem");
  });

  test("hung store ends ingest at budget", async () => {
    fake = startFakeDynamoDB();
    fake.delayMs = { BatchWriteItem: 5000 };
    const api = await appOnFake(fake, { store: { budgetMs: 300 } });

    const { response, elapsedMs } = await timedIngest(api, 100);

    await expectStoreUnavailable(response);
    expect(elapsedMs).toBeLessThan(300 + MARGIN_MS);
    // Every chunk was cut off, and no worker started a chunk after the first failure.
    expect(fake.received.filter((operation) => operation === "BatchWriteItem")).toHaveLength(4);
  });

  test.each(["json", "csv"])("slow day pages end %s read at budget", async (format) => {
    // The fake's Query always reports another page, so only the budget ends the read.
    fake = startFakeDynamoDB();
    fake.delayMs = { Query: 100 };
    const api = await appOnFake(fake, { store: { budgetMs: 400 } });

    const startedMs = performance.now();
    const response = await api.app.request(`/devices/shop/days/2026-03-10?format=${format}`, { headers: { authorization: `Bearer ${api.readToken}` } });
    const elapsedMs = performance.now() - startedMs;

    await expectStoreUnavailable(response);
    expect(elapsedMs).toBeLessThan(400 + MARGIN_MS);
  });
});
