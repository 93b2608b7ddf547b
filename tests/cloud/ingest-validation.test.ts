/**
 * Malformed ingest requests: each gets the right 4xx, names every offending
 * field, and leaves the table empty.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { MAX_BATCH_BODY_BYTES, MAX_SINGLE_BODY_BYTES } from "../../schema.ts";
import { startTestStack } from "../helpers/stack-fixture.ts";
import { wireReading, wireReadings } from "../helpers/wire-reading.ts";

const api = await startTestStack();
afterAll(() => api.stop());

interface BadRequest {
  name: string;
  path: "/" | "/readings";
  body: string | Uint8Array<ArrayBuffer>;
  status: 400 | 413 | 415;
  code: string;
  /** Text the message must contain, where the message gives a hint. */
  message?: string;
  headers?: Record<string, string>;
  /** Fields the response must name, in any order. Omitted when the body is not a set of fields. */
  fields?: string[];
}

const text = (value: unknown): string => JSON.stringify(value);
const reading = (overrides: Record<string, unknown>): string => text(wireReading(overrides));
const good = wireReadings(3, { startMs: Date.UTC(2026, 2, 10), deviceId: "shop" });
const deep = (depth: number, inner: string): string => '{"a":'.repeat(depth) + inner + "}".repeat(depth);

const CASES: BadRequest[] = [
  { name: "truncated JSON", path: "/", body: '{"record_date":', status: 400, code: "invalid_json" },
  { name: "single quotes", path: "/", body: "{'record_date': 'x'}", status: 400, code: "invalid_json" },
  { name: "trailing comma", path: "/", body: reading({}).replace("}", ",}"), status: 400, code: "invalid_json" },
  { name: "empty body", path: "/", body: "", status: 400, code: "invalid_body" },
  { name: "whitespace body", path: "/", body: " \r\n\t ", status: 400, code: "invalid_body" },
  { name: "invalid UTF-8", path: "/", body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), status: 400, code: "invalid_body" },
  { name: "null body", path: "/", body: "null", status: 400, code: "invalid_reading", fields: ["(body)"] },
  { name: "array body", path: "/", body: text([wireReading()]), status: 400, code: "invalid_reading", fields: ["(body)"] },
  { name: "string body", path: "/", body: '"65"', status: 400, code: "invalid_reading", fields: ["(body)"] },
  { name: "empty object", path: "/", body: "{}", status: 400, code: "invalid_reading", fields: ["record_date", "thermostat_on", "temperature", "thermostat_value"] },
  { name: "every field wrong", path: "/", body: text({ record_date: 5, thermostat_on: "yes", temperature: [], thermostat_value: {}, device_id: "Shop", humidity: "50", unit: "K" }), status: 400, code: "invalid_reading", fields: ["record_date", "thermostat_on", "temperature", "thermostat_value", "device_id", "humidity", "unit"] },
  { name: "thermostat_on as string", path: "/", body: reading({ thermostat_on: "true" }), status: 400, code: "invalid_reading", fields: ["thermostat_on"] },
  { name: "thermostat_on as 1", path: "/", body: reading({ thermostat_on: 1 }), status: 400, code: "invalid_reading", fields: ["thermostat_on"] },
  { name: "temperature NaN string", path: "/", body: reading({ temperature: "NaN" }), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "temperature Infinity string", path: "/", body: reading({ temperature: "Infinity" }), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "temperature -Infinity string", path: "/", body: reading({ temperature: "-Infinity" }), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "temperature 1e309", path: "/", body: reading({}).replace('"temperature":"65"', '"temperature":1e309'), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "temperature exponent string", path: "/", body: reading({ temperature: "6.5e1" }), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "temperature hex string", path: "/", body: reading({ temperature: "0x41" }), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "temperature empty string", path: "/", body: reading({ temperature: "" }), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "temperature null", path: "/", body: reading({ temperature: null }), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "temperature huge string", path: "/", body: reading({ temperature: "9".repeat(60_000) }), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "temperature nested object", path: "/", body: reading({}).replace('"temperature":"65"', `"temperature":${deep(500, "1")}`), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "temperature 257.1 F", path: "/", body: reading({ temperature: 257.1 }), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "temperature -67.5 F", path: "/", body: reading({ temperature: "-67.5" }), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "temperature 126 C", path: "/", body: reading({ temperature: 126, thermostat_value: 20, unit: "C" }), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "temperature -56 C", path: "/", body: reading({ temperature: "-56", thermostat_value: 20, unit: "C" }), status: 400, code: "invalid_reading", fields: ["temperature"] },
  { name: "setpoint 105 F", path: "/", body: reading({ thermostat_value: "105" }), status: 400, code: "invalid_reading", fields: ["thermostat_value"] },
  { name: "setpoint 31 F", path: "/", body: reading({ thermostat_value: 31 }), status: 400, code: "invalid_reading", fields: ["thermostat_value"] },
  { name: "setpoint 41 C", path: "/", body: reading({ temperature: 20, thermostat_value: 41, unit: "C" }), status: 400, code: "invalid_reading", fields: ["thermostat_value"] },
  { name: "setpoint -1 C", path: "/", body: reading({ temperature: 20, thermostat_value: "-1", unit: "C" }), status: 400, code: "invalid_reading", fields: ["thermostat_value"] },
  { name: "setpoint fraction", path: "/", body: reading({ thermostat_value: "64.5" }), status: 400, code: "invalid_reading", fields: ["thermostat_value"] },
  { name: "humidity 101", path: "/", body: reading({ humidity: 101 }), status: 400, code: "invalid_reading", fields: ["humidity"] },
  { name: "humidity negative", path: "/", body: reading({ humidity: -0.5 }), status: 400, code: "invalid_reading", fields: ["humidity"] },
  { name: "unit lower case", path: "/", body: reading({ unit: "f" }), status: 400, code: "invalid_reading", fields: ["unit"] },
  { name: "unit c alone reported", path: "/", body: reading({ unit: "c", temperature: 20, thermostat_value: 20 }), status: 400, code: "invalid_reading", fields: ["unit"], message: "the reading is invalid" },
  { name: "batch sent to single endpoint", path: "/", body: text({ readings: good }), status: 400, code: "invalid_reading", message: 'send a {"readings": [...]} batch to POST /readings' },
  { name: "reading sent to batch endpoint", path: "/readings", body: text(good[0]), status: 400, code: "invalid_readings", message: "send it alone to POST /" },
  { name: "gzip-encoded body", path: "/", body: reading({}), status: 415, code: "unsupported_encoding", headers: { "content-encoding": "gzip" }, message: "send the body uncompressed" },
  { name: "invisible device id character shown", path: "/", body: reading({ device_id: "shop\u200b" }), status: 400, code: "invalid_reading", fields: ["device_id"] },
  { name: "single batch problem counted once", path: "/readings", body: text({ readings: [{ ...good[0], temperature: "hot" }] }), status: 400, code: "invalid_readings", fields: ["readings[0].temperature"], message: "(1 problem)" },
  { name: "device id upper case", path: "/", body: reading({ device_id: "Shop" }), status: 400, code: "invalid_reading", fields: ["device_id"] },
  { name: "device id 65 characters", path: "/", body: reading({ device_id: "a".repeat(65) }), status: 400, code: "invalid_reading", fields: ["device_id"] },
  { name: "device id registry prefix", path: "/", body: reading({ device_id: "_devices" }), status: 400, code: "invalid_reading", fields: ["device_id"] },
  { name: "date 2026-02-30", path: "/", body: reading({ record_date: "2026-02-30T12:00:00Z" }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "date 2026-02-29", path: "/", body: reading({ record_date: "2026-02-29T12:00:00" }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "date month 13", path: "/", body: reading({ record_date: "2026-13-01T12:00:00Z" }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "time 24:00", path: "/", body: reading({ record_date: "2026-03-08T24:00:00Z" }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "minute 60", path: "/", body: reading({ record_date: "2026-03-08T12:60:00Z" }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "offset +24:00", path: "/", body: reading({ record_date: "2026-03-08T12:00:00+24:00" }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "offset minutes 60", path: "/", body: reading({ record_date: "2026-03-08T12:00:00-05:60" }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "offset without colon", path: "/", body: reading({ record_date: "2026-03-08T12:00:00-0600" }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "offset hours only", path: "/", body: reading({ record_date: "2026-03-08T12:00:00-06" }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "fraction of 10 digits", path: "/", body: reading({ record_date: "2026-03-08T12:00:00.1234567890Z" }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "date only", path: "/", body: reading({ record_date: "2026-03-08" }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "epoch number date", path: "/", body: reading({ record_date: 1_773_000_000 }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "huge date string", path: "/", body: reading({ record_date: "2026-03-08T12:00:00Z".padEnd(50_000, "0") }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "instant in year 10000", path: "/", body: reading({ record_date: "9999-12-31T23:00:00-06:00" }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "instant before year 0", path: "/", body: reading({ record_date: "0000-01-01T00:30:00+01:00" }), status: 400, code: "invalid_reading", fields: ["record_date"] },
  { name: "deeply nested arrays", path: "/", body: "[".repeat(30_000) + "]".repeat(30_000), status: 400, code: "invalid_reading", fields: ["(body)"] },
  { name: "single body over 64 KiB", path: "/", body: reading({ padding: "x".repeat(MAX_SINGLE_BODY_BYTES) }), status: 413, code: "body_too_large" },
  { name: "batch of 0", path: "/readings", body: text({ readings: [] }), status: 400, code: "invalid_readings", fields: ["readings"] },
  { name: "batch of 501", path: "/readings", body: text({ readings: wireReadings(501, { startMs: Date.UTC(2026, 2, 10) }) }), status: 400, code: "invalid_readings", fields: ["readings"] },
  { name: "batch readings object", path: "/readings", body: text({ readings: wireReading() }), status: 400, code: "invalid_readings", fields: ["readings"] },
  { name: "batch missing readings", path: "/readings", body: "{}", status: 400, code: "invalid_readings", fields: ["readings"] },
  { name: "batch as bare array", path: "/readings", body: text(good), status: 400, code: "invalid_readings", fields: ["(body)"] },
  { name: "batch null body", path: "/readings", body: "null", status: 400, code: "invalid_readings", fields: ["(body)"] },
  { name: "batch null reading", path: "/readings", body: text({ readings: [good[0], null] }), status: 400, code: "invalid_readings", fields: ["readings[1]"] },
  { name: "batch one bad among good", path: "/readings", body: text({ readings: [good[0], good[1], { ...good[2], temperature: "hot" }] }), status: 400, code: "invalid_readings", fields: ["readings[2].temperature"] },
  { name: "batch two bad readings", path: "/readings", body: text({ readings: [{ ...good[0], record_date: "2026-02-30T00:00:00Z" }, good[1], { ...good[2], thermostat_on: null }] }), status: 400, code: "invalid_readings", fields: ["readings[0].record_date", "readings[2].thermostat_on"] },
  { name: "batch mixed devices", path: "/readings", body: text({ readings: [good[0], { ...good[1], device_id: "garage" }] }), status: 400, code: "mixed_devices" },
  { name: "batch empty body", path: "/readings", body: "", status: 400, code: "invalid_body" },
  { name: "batch bad JSON", path: "/readings", body: '{"readings": [', status: 400, code: "invalid_json" },
  { name: "batch over 1 MiB", path: "/readings", body: text({ readings: good, padding: "x".repeat(MAX_BATCH_BODY_BYTES) }), status: 413, code: "body_too_large" },
];

describe("ingest validation", () => {
  test("table has at least 30 cases", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  test.each(CASES.map((badRequest) => [badRequest.name, badRequest] as const))("%s rejected", async (_name, badRequest) => {
    const itemsBefore = await api.scanItems();

    const response = await api.send("POST", badRequest.path, { token: api.tokens.ingest, body: badRequest.body, headers: badRequest.headers ?? {} });

    expect(response.status).toBe(badRequest.status);
    expect(response.headers.get("content-type")).toStartWith("application/json");
    const body = (await response.json()) as { error: string; message: string; problems?: { field: string; message: string }[] };
    expect(body.error).toBe(badRequest.code);
    expect(body.message.length).toBeGreaterThan(0);
    if (badRequest.message !== undefined) expect(body.message).toContain(badRequest.message);
    expect(body).not.toHaveProperty("stored");
    if (badRequest.fields !== undefined) {
      expect((body.problems ?? []).map((problem) => problem.field).sort()).toEqual([...badRequest.fields].sort());
    }
    // A huge value must not come back whole in the response.
    expect(JSON.stringify(body).length).toBeLessThan(4000);
    expect(await api.scanItems()).toEqual(itemsBefore);
  });

  test("chunked body over 64 KiB is 413", async () => {
    const bytes = new TextEncoder().encode(reading({ padding: "x".repeat(MAX_SINGLE_BODY_BYTES) }));
    // A stream body goes out with Transfer-Encoding: chunked and no Content-Length to check up front.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 8192) controller.enqueue(bytes.slice(offset, offset + 8192));
        controller.close();
      },
    });
    const itemsBefore = await api.scanItems();

    const response = await fetch(`${api.url}/`, { method: "POST", headers: { authorization: `Bearer ${api.tokens.ingest}` }, body });

    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toBe("body_too_large");
    expect(await api.scanItems()).toEqual(itemsBefore);
  });

  test("body over server cap is 413", async () => {
    // Bun.serve in the local stack rejects bodies over 6 MiB with an empty 413 before the app reads them.
    const itemsBefore = await api.scanItems();

    const response = await api.send("POST", "/readings", { token: api.tokens.ingest, body: "x".repeat(7 * 1024 * 1024) });

    expect(response.status).toBe(413);
    expect(await api.scanItems()).toEqual(itemsBefore);
  });

  test("3 MiB body gets JSON 413", async () => {
    const itemsBefore = await api.scanItems();

    const response = await api.send("POST", "/readings", { token: api.tokens.ingest, body: "x".repeat(3 * 1024 * 1024) });

    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toBe("body_too_large");
    expect(await api.scanItems()).toEqual(itemsBefore);
  });

  test("problem names value and range", async () => {
    const response = await api.ingest("/", wireReading({ temperature: 300 }));

    const body = (await response.json()) as { problems: { field: string; message: string }[] };
    expect(body.problems).toEqual([{ field: "temperature", message: "temperature 300 °F is outside the plausible range -67…257 °F" }]);
  });

  test("range edges accepted", async () => {
    const edges = [
      wireReading({ record_date: "2026-03-10T00:00:01Z", temperature: -67, thermostat_value: 32 }),
      wireReading({ record_date: "2026-03-10T00:00:02Z", temperature: "257", thermostat_value: "104", humidity: 100 }),
      wireReading({ record_date: "2026-03-10T00:00:03Z", temperature: -55, thermostat_value: 0, unit: "C", humidity: 0 }),
      wireReading({ record_date: "2026-03-10T00:00:04Z", temperature: "125.0", thermostat_value: "40", unit: "C" }),
    ];

    for (const edge of edges) expect((await api.ingest("/", edge)).status).toBe(200);
    const days = (await api.readingItems()).filter((item) => item.pk === "thermostat#2026-03-10");
    expect(days).toHaveLength(4);
  });
});
