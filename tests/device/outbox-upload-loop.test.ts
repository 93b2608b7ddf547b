import { describe, expect, test } from "bun:test";
import { UploadLoop, UPLOAD_BACKOFF_BASE_MS, UPLOAD_BACKOFF_CAP_MS, UPLOAD_BACKOFF_FLOOR_MS } from "../../device/outbox/upload-loop.ts";
import type { UploadOutcome, Uploader } from "../../device/outbox/uploader.ts";
import { ManualClock } from "../../device/time/clock.ts";
import { Logger, memorySink } from "../../lib/log.ts";

const retry = (extra: Partial<Extract<UploadOutcome, { kind: "retry" }>> = {}): UploadOutcome => ({
  kind: "retry",
  status: 503,
  retryAfterMs: undefined,
  error: "HTTP 503",
  isAuthFailure: false,
  ...extra,
});

/** Runs the loop on a manual clock against scripted outcomes and records when each attempt started. */
async function runScript(outcomes: UploadOutcome[], advanceMs: number) {
  const clock = new ManualClock();
  const startMs = clock.now();
  const attemptsAtMs: number[] = [];
  const uploader = {
    uploadBatch: async () => {
      attemptsAtMs.push(clock.now() - startMs);
      return outcomes.shift() ?? { kind: "idle" };
    },
  } as unknown as Uploader;
  const sink = memorySink();
  const controller = new AbortController();
  const loop = new UploadLoop({ uploader, clock, logger: new Logger("upload", { sink: sink.sink }), intervalMs: 60_000, signal: controller.signal, random: () => 0.999999 });

  const running = loop.run();
  await clock.advance(advanceMs);
  controller.abort();
  await running;
  return { attemptsAtMs, status: loop.status, records: sink.records() };
}

describe("UploadLoop", () => {
  test("backs off exponentially with a cap", async () => {
    const failures = Array.from({ length: 12 }, () => retry());
    const { attemptsAtMs } = await runScript(failures, 3 * 60 * 60_000);

    const gaps = attemptsAtMs.slice(1, 12).map((at, index) => at - (attemptsAtMs[index] ?? 0));
    const expected = gaps.map((_gap, index) => UPLOAD_BACKOFF_FLOOR_MS + Math.floor(0.999999 * Math.min(UPLOAD_BACKOFF_CAP_MS, UPLOAD_BACKOFF_BASE_MS * 2 ** index)));
    expect(gaps).toEqual(expected);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(UPLOAD_BACKOFF_FLOOR_MS + UPLOAD_BACKOFF_CAP_MS);
  });

  test("honours a longer Retry-After", async () => {
    const { attemptsAtMs } = await runScript([retry({ status: 429, retryAfterMs: 120_000 })], 10 * 60_000);
    expect(attemptsAtMs[1]).toBe(120_000);
  });

  test("drains without waiting while batches succeed", async () => {
    const delivered: UploadOutcome = { kind: "delivered", count: 500, stored: 500, duplicates: 0 };
    const { attemptsAtMs, status } = await runScript([delivered, delivered, delivered], 1000);
    expect(attemptsAtMs.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(status.lastSuccessAtMs).toBeDefined();
  });

  test("waits the interval when the outbox is empty", async () => {
    const { attemptsAtMs } = await runScript([], 150_000);
    expect(attemptsAtMs).toEqual([0, 60_000, 120_000]);
  });

  test("logs auth failures as errors and resets after success", async () => {
    const delivered: UploadOutcome = { kind: "delivered", count: 1, stored: 1, duplicates: 0 };
    const { records, status } = await runScript([retry({ status: 401, isAuthFailure: true }), delivered], 120_000);

    expect(records.find((record) => record.event === "upload_unauthorized")?.level).toBe("error");
    expect(status.consecutiveFailures).toBe(0);
    expect(status.lastError).toBeUndefined();
  });

  test("logs unconfirmed 2xx once per interval", async () => {
    const unconfirmed: UploadOutcome = { kind: "unconfirmed", status: 200, contentType: "text/html", error: "HTTP 200 (text/html) is not an ingest response" };
    const outcomes = Array.from({ length: 40 }, () => unconfirmed);
    const { attemptsAtMs, records, status } = await runScript(outcomes, 10 * 60_000);

    const lines = records.filter((record) => record.event === "upload_unconfirmed");
    const failedLines = records.filter((record) => record.event === "upload_failed");
    expect(attemptsAtMs.length).toBeGreaterThan(lines.length);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(10);
    expect(failedLines).toHaveLength(0);
    expect(lines[0]?.status).toBe(200);
    expect(lines[0]?.content_type).toBe("text/html");
    expect(status.consecutiveFailures).toBeGreaterThan(1);
  });

  test("backs off after an unconfirmed 2xx", async () => {
    const unconfirmed: UploadOutcome = { kind: "unconfirmed", status: 200, contentType: undefined, error: "HTTP 200 (no content type) is not an ingest response" };
    const { attemptsAtMs } = await runScript([unconfirmed, unconfirmed], 60_000);

    expect(attemptsAtMs[1]).toBe(UPLOAD_BACKOFF_FLOOR_MS + Math.floor(0.999999 * UPLOAD_BACKOFF_BASE_MS));
  });
});
