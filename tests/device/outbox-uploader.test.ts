import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Database } from "bun:sqlite";
import { openDeviceDatabase } from "../../device/outbox/database.ts";
import { Outbox } from "../../device/outbox/outbox.ts";
import { Uploader, UNEXPECTED_4XX_TRIES } from "../../device/outbox/uploader.ts";
import { parseRetryAfterMs, MAX_RETRY_AFTER_MS } from "../../device/outbox/retry-after.ts";
import { systemClock } from "../../device/time/clock.ts";
import type { DesiredState } from "../../schema.ts";
import { Logger, memorySink } from "../../lib/log.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";
import { sequenceReading } from "./helpers/outbox-fixtures.ts";
import { startStubIngest, type StubIngest } from "./helpers/stub-ingest.ts";

const TOKEN = "ingest-secret-token-1234";
let tree: ReturnType<typeof makeTempTree>;
let stub: StubIngest;
let db: Database;
let outbox: Outbox;
let sink: ReturnType<typeof memorySink>;

beforeEach(() => {
  tree = makeTempTree();
  stub = startStubIngest({ token: TOKEN });
  db = openDeviceDatabase(join(tree.root, "thermo.sqlite"));
  sink = memorySink();
  outbox = new Outbox({ db, maxReadings: 10_000, clock: systemClock, logger: new Logger("outbox", { sink: sink.sink }) });
});

afterEach(async () => {
  db.close();
  await stub.stop();
  tree.remove();
});

function makeUploader(options: { batchSize?: number; token?: string; onDesired?: (desired: DesiredState) => void; apiUrl?: string } = {}) {
  return new Uploader({
    outbox,
    apiUrl: options.apiUrl ?? stub.url,
    token: options.token ?? TOKEN,
    deviceId: "crash",
    batchSize: options.batchSize ?? 500,
    requestTimeoutMs: 5000,
    clock: systemClock,
    logger: new Logger("uploader", { sink: sink.sink, level: "debug" }),
    onDesired: options.onDesired,
  });
}

function append(first: number, count: number): void {
  for (let index = first; index < first + count; index++) outbox.append(sequenceReading(index).reading, sequenceReading(index).instantMs);
}

describe("Uploader", () => {
  test("delivers in batches and removes after 2xx", async () => {
    append(0, 25);
    const uploader = makeUploader({ batchSize: 10 });

    const outcomes = [await uploader.uploadBatch(), await uploader.uploadBatch(), await uploader.uploadBatch(), await uploader.uploadBatch()];

    expect(outcomes.map((outcome) => outcome.kind)).toEqual(["delivered", "delivered", "delivered", "idle"]);
    expect(stub.requests.map((request) => request.readings)).toEqual([10, 10, 5]);
    expect(stub.stored.size).toBe(25);
    expect(outbox.depth).toBe(0);
  });

  test("sends the bearer token and never logs it", async () => {
    append(0, 2);
    await makeUploader().uploadBatch();
    expect(stub.requests[0]?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sink.lines.join("\n")).not.toContain(TOKEN);
  });

  test("sends RFC 3339 times with the real offset across DST", async () => {
    // Readings 0–799 span 02:00 CST → 03:00 CDT on 2026-03-08.
    append(0, 800);
    const uploader = makeUploader();
    await uploader.uploadBatch();
    await uploader.uploadBatch();

    const dates = [...stub.stored.values()].map((reading) => reading.recordDate);
    expect(dates.some((date) => date.endsWith("-06:00"))).toBe(true);
    expect(dates.some((date) => date.endsWith("-05:00"))).toBe(true);
    expect(stub.stored.size).toBe(800);
  });

  test("backs off on Retry-After 0", async () => {
    append(0, 3);
    stub.script.push({ status: 503, headers: { "retry-after": "0" } });

    const outcome = await makeUploader().uploadBatch();

    // The upload loop sends again at once on retryAfterMs 0, so a server that always sends 0 would get a busy loop.
    expect(outcome).toMatchObject({ kind: "retry", status: 503 });
    expect((outcome as { retryAfterMs?: number }).retryAfterMs).toBeUndefined();
    expect(outbox.depth).toBe(3);
  });

  test("keeps readings on 5xx", async () => {
    append(0, 3);
    stub.script.push({ status: 503, headers: { "retry-after": "7" } });

    const outcome = await makeUploader().uploadBatch();

    expect(outcome).toMatchObject({ kind: "retry", status: 503, retryAfterMs: 7000, isAuthFailure: false });
    expect(outbox.depth).toBe(3);
  });

  test.each([408, 429, 500, 502])("keeps readings on %d", async (status) => {
    append(0, 3);
    stub.script.push({ status });
    expect((await makeUploader().uploadBatch()).kind).toBe("retry");
    expect(outbox.depth).toBe(3);
    expect(outbox.deadLetterCount).toBe(0);
  });

  test("keeps readings on 401 however often", async () => {
    append(0, 3);
    const uploader = makeUploader({ token: "wrong" });

    const outcomes = [];
    for (let attempt = 0; attempt < 6; attempt++) outcomes.push(await uploader.uploadBatch());

    expect(outcomes.every((outcome) => outcome.kind === "retry" && outcome.isAuthFailure)).toBe(true);
    expect(outbox.depth).toBe(3);
    expect(outbox.deadLetterCount).toBe(0);
    expect(sink.lines.join("\n")).not.toContain("wrong");
  });

  test("dead-letters the readings a 400 names", async () => {
    append(0, 5);
    const bad = sequenceReading(5);
    outbox.append({ ...bad.reading, temperature: 999 }, bad.instantMs);
    append(6, 2);

    const first = await makeUploader().uploadBatch();
    const second = await makeUploader().uploadBatch();

    expect(first).toEqual({ kind: "dead_lettered", count: 1, status: 400 });
    expect(second.kind).toBe("delivered");
    expect(stub.stored.size).toBe(7);
    expect(outbox.deadLetterCount).toBe(1);
    const error = (db.query("SELECT error FROM dead_letters").get() as { error: string }).error;
    expect(error).toContain("readings[5].temperature");
  });

  test("finds the bad reading when a 400 names none", async () => {
    append(0, 4);
    stub.script.push({ status: 400, body: { error: "invalid_request", message: "bad body" } });
    const uploader = makeUploader();
    stub.script.push({ status: 200, body: { stored: 1, duplicates: 0, desired: null }, store: true });
    stub.script.push({ status: 400, body: { error: "invalid_request", message: "bad body" } });

    const outcomes = [];
    for (let attempt = 0; attempt < 6; attempt++) outcomes.push((await uploader.uploadBatch()).kind);

    expect(outcomes).toEqual(["retry", "delivered", "dead_lettered", "delivered", "delivered", "idle"]);
    expect(stub.requests.slice(0, 5).map((request) => request.readings)).toEqual([4, 1, 1, 1, 1]);
    expect(outbox.deadLetterCount).toBe(1);
    expect(stub.stored.size).toBe(3);
  });

  test("halves the batch on 413", async () => {
    append(0, 8);
    stub.script.push({ status: 413 });
    const uploader = makeUploader({ batchSize: 8 });

    await uploader.uploadBatch();
    await uploader.uploadBatch();

    expect(stub.requests.map((request) => request.readings)).toEqual([8, 4]);
    expect(outbox.depth).toBe(4);
  });

  test("dead-letters after repeated unexpected 4xx", async () => {
    append(0, 2);
    for (let index = 0; index < UNEXPECTED_4XX_TRIES; index++) stub.script.push({ status: 404 });
    const uploader = makeUploader();

    const outcomes = [];
    for (let index = 0; index < UNEXPECTED_4XX_TRIES; index++) outcomes.push((await uploader.uploadBatch()).kind);

    expect(outcomes).toEqual(["retry", "retry", "dead_lettered"]);
    expect(outbox.deadLetterCount).toBe(2);
  });

  test("retries when the server is unreachable", async () => {
    append(0, 2);
    const closed = startStubIngest({ token: TOKEN });
    const url = closed.url;
    await closed.stop();

    const outcome = await makeUploader({ apiUrl: url }).uploadBatch();

    expect(outcome.kind).toBe("retry");
    expect(outbox.depth).toBe(2);
  });

  test("hands on the desired state", async () => {
    append(0, 1);
    stub.desired = { setpoint: 55, unit: "F", updated_at: "2026-03-08T12:00:00.000Z" };
    const received: DesiredState[] = [];

    await makeUploader({ onDesired: (desired) => received.push(desired) }).uploadBatch();

    expect(received).toEqual([stub.desired]);
  });

  test("keeps the batch after a bare 200", async () => {
    append(0, 2);
    stub.script.push({ status: 200, rawBody: "<html>Sign in to the guest network</html>", headers: { "content-type": "text/html" } });

    const outcome = await makeUploader().uploadBatch();

    expect(outcome.kind).toBe("unconfirmed");
    expect(outbox.depth).toBe(2);
    expect(stub.stored.size).toBe(0);
    const error = (outcome as { error: string }).error;
    expect(error).toContain("HTTP 200");
    expect(error).toContain("text/html");
    expect(error).not.toContain("guest network");
  });

  test("keeps the batch after an empty 204", async () => {
    append(0, 2);
    stub.script.push({ status: 204, rawBody: "" });

    const outcome = await makeUploader().uploadBatch();

    expect(outcome.kind).toBe("unconfirmed");
    expect(outbox.depth).toBe(2);
  });

  test("keeps the batch after JSON of another shape", async () => {
    append(0, 2);
    stub.script.push({ status: 200, body: { ok: true }, store: true });

    const outcome = await makeUploader().uploadBatch();

    expect(outcome.kind).toBe("unconfirmed");
    expect(outbox.depth).toBe(2);
  });

  test("keeps the batch when counts fall short", async () => {
    append(0, 3);
    stub.script.push({ status: 200, body: { stored: 1, duplicates: 1, desired: null } });

    const outcome = await makeUploader().uploadBatch();

    expect(outcome.kind).toBe("unconfirmed");
    expect((outcome as { error: string }).error).toContain("confirms 2 of 3 readings");
    expect(outbox.depth).toBe(3);
  });

  test("sends an unconfirmed batch again", async () => {
    append(0, 3);
    stub.script.push({ status: 200, rawBody: "OK", headers: { "content-type": "text/plain" } });
    const uploader = makeUploader();

    const first = await uploader.uploadBatch();
    const second = await uploader.uploadBatch();

    expect(first.kind).toBe("unconfirmed");
    expect(second).toEqual({ kind: "delivered", count: 3, stored: 3, duplicates: 0 });
    expect(outbox.depth).toBe(0);
    expect(stub.stored.size).toBe(3);
  });

  test("never logs the path token of an unconfirmed 2xx", async () => {
    const pathToken = "path-secret-token-98765";
    append(0, 1);
    const portal = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (request) => new Response(`<a href="${request.url}">login</a>`, { headers: { "content-type": "text/html" } }) });
    try {
      const outcome = await makeUploader({ apiUrl: `http://127.0.0.1:${portal.port}/t/${pathToken}` }).uploadBatch();

      expect(outcome.kind).toBe("unconfirmed");
      expect(JSON.stringify(outcome)).not.toContain(pathToken);
      expect(sink.lines.join("\n")).not.toContain(pathToken);
    } finally {
      await portal.stop(true);
    }
  });
});

describe("parseRetryAfterMs", () => {
  const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
  test.each([
    [null, undefined],
    ["120", 120_000],
    ["0", 0],
    ["999999", MAX_RETRY_AFTER_MS],
    ["Thu, 01 Jan 2026 12:00:30 GMT", 30_000],
    ["Thu, 01 Jan 2026 11:00:00 GMT", 0],
    ["Thursday, 01-Jan-26 12:00:30 GMT", 30_000],
    ["Thu Jan  1 12:00:30 2026", 30_000],
    ["2026-01-01T12:00:30", undefined],
    ["Thu, 01 Jan 2026 12:00:30", undefined],
    ["Thu, 01 Jan 2026 12:00:30 +0100", undefined],
    ["soon", undefined],
  ])("parses %p", (header, expected) => {
    expect(parseRetryAfterMs(header, NOW)).toBe(expected);
  });

  test("reads dates as GMT in any local zone", () => {
    const savedZone = process.env.TZ;
    process.env.TZ = "America/Chicago";
    try {
      expect(parseRetryAfterMs("Thu Jan  1 12:00:30 2026", NOW)).toBe(30_000);
      expect(parseRetryAfterMs("Thu, 01 Jan 2026 12:00:30", NOW)).toBeUndefined();
    } finally {
      if (savedZone === undefined) delete process.env.TZ;
      else process.env.TZ = savedZone;
    }
  });
});
