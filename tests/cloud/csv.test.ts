/** CSV cells and rows, and the `?format=csv` export with gzip and its size limit. */
import { afterAll, describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { CSV_HEADER, csvRow, csvText } from "../../cloud/csv.ts";
import type { StoredReading } from "../../schema.ts";
import { startTestStack } from "../helpers/stack-fixture.ts";
import { wireReading, wireReadings } from "../helpers/wire-reading.ts";

const READING: StoredReading = {
  device_id: "shop",
  time: "2026-03-10T06:00:00.000Z",
  record_date: "2026-03-10T00:00:00-06:00",
  thermostat_on: true,
  temperature: -12.5,
  thermostat_value: 64,
  unit: "F",
};

describe("csvText", () => {
  test.each([
    ["=SUM(A1:A9)", `"'=SUM(A1:A9)"`],
    ["+1", `"'+1"`],
    ["-1", `"'-1"`],
    ["@cmd", `"'@cmd"`],
    ["\tx", `"'\tx"`],
    ["\rx", `"'\rx"`],
    ["plain", "plain"],
    ["a,b", `"a,b"`],
    ['say "hi"', `"say ""hi"""`],
    ["line\nbreak", `"line\nbreak"`],
    ["it's", `"it's"`],
    ["a=b", "a=b"],
    ["", ""],
  ])("%j written as %j", (cell, expected) => {
    expect(csvText(cell)).toBe(expected);
  });
});

describe("csvRow", () => {
  test("negative temperature stays a number", () => {
    expect(csvRow(READING)).toBe("2026-03-10T06:00:00.000Z,2026-03-10T00:00:00-06:00,shop,true,-12.5,64,,F");
  });

  test("humidity filled when present", () => {
    expect(csvRow({ ...READING, thermostat_on: false, humidity: 41.5 })).toBe("2026-03-10T06:00:00.000Z,2026-03-10T00:00:00-06:00,shop,false,-12.5,64,41.5,F");
  });

  test("header names every column", () => {
    expect(CSV_HEADER.split(",")).toHaveLength(csvRow(READING).split(",").length);
  });
});

const api = await startTestStack({ env: { THERMO_MAX_RESPONSE_BYTES: "4096" } });
afterAll(() => api.stop());
const DAY_START_MS = Date.UTC(2026, 2, 10);
// About 85 bytes a row: 20 rows fit under 4096 bytes, 200 do not.
await api.ingest("/readings", { readings: wireReadings(20, { startMs: DAY_START_MS, stepMs: 60_000, deviceId: "small" }) });
await api.ingest("/readings", { readings: wireReadings(200, { startMs: DAY_START_MS, stepMs: 60_000, deviceId: "large" }) });
await api.ingest("/", wireReading({ device_id: "small", record_date: "2026-03-09T23:59:59Z" }));

const readCsv = (path: string, headers: Record<string, string> = {}) =>
  fetch(api.url + path, { headers: { authorization: `Bearer ${api.tokens.read}`, ...headers }, decompress: false });

describe("GET day as CSV", () => {
  test("header and rows in time order", async () => {
    const response = await readCsv("/devices/small/days/2026-03-10?format=csv");

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="small-2026-03-10.csv"');
    expect(response.headers.get("content-encoding")).toBeNull();
    const lines = (await response.text()).split("\r\n");
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines[1]).toBe("2026-03-10T00:00:00.000Z,2026-03-10T00:00:00.000Z,small,true,60,64,,F");
    expect(lines[20]).toBe("2026-03-10T00:19:00.000Z,2026-03-10T00:19:00.000Z,small,false,69,64,,F");
    expect(lines).toHaveLength(22);
    expect(lines[21]).toBe("");
  });

  test("gzip when accepted", async () => {
    const plain = await (await readCsv("/devices/small/days/2026-03-10?format=csv")).text();

    const response = await readCsv("/devices/small/days/2026-03-10?format=csv", { "accept-encoding": "gzip" });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-encoding")).toBe("gzip");
    expect(response.headers.get("vary")).toContain("Accept-Encoding");
    const text = gunzipSync(new Uint8Array(await response.arrayBuffer())).toString("utf8");
    expect(text).toBe(plain);
  });

  test("over limit uncompressed is 406", async () => {
    const response = await readCsv("/devices/large/days/2026-03-10?format=csv");

    expect(response.status).toBe(406);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe("response_too_large");
    expect(body.message).toContain("Accept-Encoding: gzip");
  });

  test("over limit compressed is whole", async () => {
    const response = await readCsv("/devices/large/days/2026-03-10?format=csv", { "accept-encoding": "br, gzip;q=0.8" });

    expect(response.status).toBe(200);
    const rows = gunzipSync(new Uint8Array(await response.arrayBuffer())).toString("utf8").trimEnd().split("\r\n");
    expect(rows).toHaveLength(201);
    expect(rows[200]).toStartWith("2026-03-10T03:19:00.000Z,");
  });

  test.each([
    ["gzip;q=0", false],
    ["gzip; q=0.000", false],
    ["br, gzip;q=0", false],
    ["*", true],
    ["*;q=0.1", true],
    ["gzip;q=0, *", false],
    ["identity, GZIP;q=0.5", true],
    ["deflate", false],
  ])("Accept-Encoding %s gzip %p", async (acceptEncoding, gzipped) => {
    const response = await readCsv("/devices/large/days/2026-03-10?format=csv", { "accept-encoding": acceptEncoding });

    expect(response.status).toBe(gzipped ? 200 : 406);
    // The small 406 body may still be deflated by the app's compression middleware, but never gzipped.
    expect(response.headers.get("content-encoding") === "gzip").toBe(gzipped);
  });

  test.each([
    ["cursor", "cursor=garbage"],
    ["cursor", "cursor="],
    ["limit", "limit=10"],
    ["cursor", "limit=10&cursor=garbage"],
  ])("%s with CSV is 400 (%s)", async (name, query) => {
    const response = await readCsv(`/devices/small/days/2026-03-10?format=csv&${query}`);

    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe("invalid_query");
    expect(body.message).toBe(`query parameter ${name} does not apply to format=csv, which returns the whole day in one response; remove ${name}`);
  });

  test("empty day has header only", async () => {
    const response = await readCsv("/devices/small/days/2026-03-12?format=csv");

    expect(response.status).toBe(200);
    expect(await response.text()).toBe(`${CSV_HEADER}\r\n`);
  });
});
