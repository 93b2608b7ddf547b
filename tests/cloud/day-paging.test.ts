/**
 * A day of 1-second readings (86,400): cursor paging returns each reading once
 * with the whole day's summary on every page, and the CSV export is complete.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { encodeCursor, MAX_PAGE_LIMIT } from "../../cloud/routes/queries.ts";
import type { Reading } from "../../schema.ts";
import { startTestStack } from "../helpers/stack-fixture.ts";

const SECONDS_PER_DAY = 86_400;
const DAY_START_MS = Date.UTC(2026, 2, 10);
const SEED_CHUNK = 5000;
/** Each page request reads the whole day again for its summary, about a second on dynalite. */
const PAGING_TIMEOUT_MS = 60_000;
const EXPORT_TIMEOUT_MS = 20_000;

const api = await startTestStack();
afterAll(() => api.stop());

// Seeded through the store in large chunks; the API's 500-reading limit would need 173 requests.
for (let start = 0; start < SECONDS_PER_DAY; start += SEED_CHUNK) {
  const chunk: Reading[] = [];
  for (let second = start; second < Math.min(start + SEED_CHUNK, SECONDS_PER_DAY); second++) {
    const instantMs = DAY_START_MS + second * 1000;
    chunk.push({ deviceId: "fast", instantMs, recordDate: new Date(instantMs).toISOString(), heaterOn: second % 2 === 0, temperature: 60 + (second % 10), setpoint: 64, unit: "F" });
  }
  await api.store.putReadings(chunk);
}
// Neighbours that must stay out of the day.
await api.store.putReadings([
  { deviceId: "fast", instantMs: DAY_START_MS - 1, recordDate: "2026-03-09T23:59:59.999Z", heaterOn: true, temperature: 99, setpoint: 64, unit: "F" },
  { deviceId: "fast", instantMs: DAY_START_MS + SECONDS_PER_DAY * 1000, recordDate: "2026-03-11T00:00:00Z", heaterOn: true, temperature: 99, setpoint: 64, unit: "F" },
]);

interface DayBody {
  readings: { time: string }[];
  summary: Record<string, unknown>;
  next_cursor: string | null;
}

// 86,399 one-second intervals, 43,200 of them after an on-reading: 0.500006, rounded to 0.5.
const WHOLE_DAY = { count: SECONDS_PER_DAY, min: 60, max: 69, mean: 64.5, heater_on_fraction: 0.5, first: "2026-03-10T00:00:00.000Z", last: "2026-03-10T23:59:59.000Z", unit: "F" };

describe("day of 1-second readings", () => {
  test("pages return each reading once", async () => {
    const seen = new Set<string>();
    let previous = "";
    let pages = 0;
    let shortPages = 0;
    let cursor: string | null = null;

    do {
      const query: string = cursor === null ? "" : `&cursor=${cursor}`;
      const response = await api.read(`/devices/fast/days/2026-03-10?limit=${MAX_PAGE_LIMIT}${query}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as DayBody;
      pages++;

      expect(body.summary).toEqual(WHOLE_DAY);
      for (const reading of body.readings) {
        expect(reading.time > previous).toBe(true);
        previous = reading.time;
        seen.add(reading.time);
      }
      // DynamoDB stops a query page at 1 MB (about 5,000 of these items), so a full page of
      // MAX_PAGE_LIMIT readings shows that the API crossed the store's page boundary.
      if (body.next_cursor !== null && body.readings.length < MAX_PAGE_LIMIT) shortPages++;
      cursor = body.next_cursor;
    } while (cursor !== null && pages < 100);

    expect(seen.size).toBe(SECONDS_PER_DAY);
    expect(previous).toBe("2026-03-10T23:59:59.000Z");
    expect(shortPages).toBe(0);
    expect(pages).toBe(Math.ceil(SECONDS_PER_DAY / MAX_PAGE_LIMIT));
  }, PAGING_TIMEOUT_MS);

  test("last page by limit", async () => {
    const cursor = encodeCursor("fast", "2026-03-10", "2026-03-10T23:59:57.000Z");

    const body = (await (await api.read(`/devices/fast/days/2026-03-10?limit=2&cursor=${cursor}`)).json()) as DayBody;

    expect(body.readings.map((reading) => reading.time)).toEqual(["2026-03-10T23:59:58.000Z", "2026-03-10T23:59:59.000Z"]);
    expect(body.summary).toEqual(WHOLE_DAY);
  }, EXPORT_TIMEOUT_MS);

  test("CSV of whole day is gzip", async () => {
    const response = await fetch(`${api.url}/devices/fast/days/2026-03-10?format=csv`, {
      headers: { authorization: `Bearer ${api.tokens.read}`, "accept-encoding": "gzip" },
      decompress: false,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-encoding")).toBe("gzip");
    const compressed = new Uint8Array(await response.arrayBuffer());
    expect(compressed.length).toBeLessThanOrEqual(api.config.maxResponseBytes);
    const rows = gunzipSync(compressed).toString("utf8").trimEnd().split("\r\n");
    expect(rows).toHaveLength(SECONDS_PER_DAY + 1);
    expect(rows[1]).toStartWith("2026-03-10T00:00:00.000Z,");
    expect(rows[SECONDS_PER_DAY]).toStartWith("2026-03-10T23:59:59.000Z,");
  }, EXPORT_TIMEOUT_MS);

  test("CSV of whole day uncompressed is 406", async () => {
    const response = await api.read("/devices/fast/days/2026-03-10?format=csv");

    expect(response.status).toBe(406);
    expect(((await response.json()) as { error: string }).error).toBe("response_too_large");
  }, EXPORT_TIMEOUT_MS);
});
