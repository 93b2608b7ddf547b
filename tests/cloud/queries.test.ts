/** Read endpoints: a day with its summary, latest, the device list, and bad parameters. */
import { afterAll, describe, expect, test } from "bun:test";
import { encodeCursor } from "../../cloud/routes/queries.ts";
import { recordOperationNames } from "../helpers/intercept-client.ts";
import { startTestStack } from "../helpers/stack-fixture.ts";
import { wireReading } from "../helpers/wire-reading.ts";

const operations: string[] = [];
const api = await startTestStack({ wrapClient: (client) => recordOperationNames(client, operations) });
afterAll(() => api.stop());

/**
 * A hand-computed day for device "hand" on 2026-03-10 (UTC), sent out of order.
 * Intervals: 5 min after an on-reading, 10 after off, exactly 15 after on (counted),
 * 15 min + 1 ms after on (a gap: counted as neither), 5 after off.
 * Covered 35 min, heater on 20 min: fraction 20/35 = 0.5714.
 */
const HAND_DAY = [
  { record_date: "2026-03-10T00:30:00Z", temperature: "66", thermostat_on: true },
  { record_date: "2026-03-10T00:00:00Z", temperature: "60", thermostat_on: true },
  { record_date: "2026-03-10T00:50:00.001Z", temperature: 68, thermostat_on: false },
  { record_date: "2026-03-10T00:05:00Z", temperature: 62, thermostat_on: false },
  { record_date: "2026-03-09T18:15:00-06:00", temperature: 64.0, thermostat_on: true },
  { record_date: "2026-03-10T00:45:00.001Z", temperature: "70", thermostat_on: false },
].map((fields) => wireReading({ ...fields, device_id: "hand" }));

await api.ingest("/readings", { readings: HAND_DAY });

interface DayBody {
  device_id: string;
  day: string;
  readings: { time: string; record_date: string; temperature: number; thermostat_on: boolean }[];
  summary: Record<string, unknown>;
  next_cursor: string | null;
}

describe("GET /devices/{device}/days/{day}", () => {
  test("readings in time order", async () => {
    const response = await api.read("/devices/hand/days/2026-03-10");

    expect(response.status).toBe(200);
    const body = (await response.json()) as DayBody;
    expect(body.device_id).toBe("hand");
    expect(body.day).toBe("2026-03-10");
    expect(body.next_cursor).toBeNull();
    expect(body.readings.map((reading) => reading.time)).toEqual([
      "2026-03-10T00:00:00.000Z",
      "2026-03-10T00:05:00.000Z",
      "2026-03-10T00:15:00.000Z",
      "2026-03-10T00:30:00.000Z",
      "2026-03-10T00:45:00.001Z",
      "2026-03-10T00:50:00.001Z",
    ]);
    expect(body.readings[2]?.record_date).toBe("2026-03-09T18:15:00-06:00");
  });

  test("summary of hand-computed day", async () => {
    const body = (await (await api.read("/devices/hand/days/2026-03-10")).json()) as DayBody;

    expect(body.summary).toEqual({
      count: 6,
      min: 60,
      max: 70,
      mean: 65,
      heater_on_fraction: 0.5714,
      first: "2026-03-10T00:00:00.000Z",
      last: "2026-03-10T00:50:00.001Z",
      unit: "F",
    });
  });

  test("summary whole day across pages", async () => {
    const first = (await (await api.read("/devices/hand/days/2026-03-10?limit=4")).json()) as DayBody;
    const second = (await (await api.read(`/devices/hand/days/2026-03-10?limit=4&cursor=${first.next_cursor}`)).json()) as DayBody;

    expect(first.readings).toHaveLength(4);
    expect(first.next_cursor).not.toBeNull();
    expect(second.readings.map((reading) => reading.time)).toEqual(["2026-03-10T00:45:00.001Z", "2026-03-10T00:50:00.001Z"]);
    expect(second.summary).toEqual(first.summary);
    expect(first.summary.count).toBe(6);
    expect(first.summary.heater_on_fraction).toBe(0.5714);
  });

  test("empty day", async () => {
    const body = (await (await api.read("/devices/hand/days/2026-03-11")).json()) as DayBody;

    expect(body.readings).toEqual([]);
    expect(body.next_cursor).toBeNull();
    expect(body.summary).toEqual({ count: 0, min: null, max: null, mean: null, heater_on_fraction: null, first: null, last: null, unit: null });
  });

  test.each([
    ["day 2026-02-30", "/devices/hand/days/2026-02-30", "invalid_day", '"2026-02-30"'],
    ["day 2026-13-01", "/devices/hand/days/2026-13-01", "invalid_day", '"2026-13-01"'],
    ["day today", "/devices/hand/days/today", "invalid_day", '"today"'],
    ["day without dashes", "/devices/hand/days/20260310", "invalid_day", '"20260310"'],
    ["device Shop", "/devices/Shop/days/2026-03-10", "invalid_device", '"Shop"'],
    ["device ../x", "/devices/..%2Fx/days/2026-03-10", "invalid_device", '"../x"'],
    ["device of 65 characters", `/devices/${"a".repeat(65)}/days/2026-03-10`, "invalid_device", `"${"a".repeat(40)}…"`],
    ["device _devices", "/devices/_devices/days/2026-03-10", "invalid_device", '"_devices"'],
    ["cursor not base64 of a key", "/devices/hand/days/2026-03-10?cursor=garbage", "invalid_cursor", '"garbage"'],
    ["cursor of other text", `/devices/hand/days/2026-03-10?cursor=${Buffer.from("2026-03-10").toString("base64url")}`, "invalid_cursor", "cursor"],
    ["cursor too long", `/devices/hand/days/2026-03-10?cursor=${"A".repeat(201)}`, "invalid_cursor", "cursor"],
    ["cursor of another day", `/devices/hand/days/2026-03-10?cursor=${encodeCursor("hand", "2026-03-09", "2026-03-09T12:00:00.000Z")}`, "invalid_cursor", "not to hand on 2026-03-10"],
    ["cursor of another device", `/devices/hand/days/2026-03-10?cursor=${encodeCursor("shop", "2026-03-10", "2026-03-10T12:00:00.000Z")}`, "invalid_cursor", "start this query without a cursor"],
    ["bare sort key as cursor", `/devices/hand/days/2026-03-10?cursor=${Buffer.from("2026-03-10T12:00:00.000Z").toString("base64url")}`, "invalid_cursor", "cursor"],
    ["limit given twice", "/devices/hand/days/2026-03-10?limit=1&limit=2", "invalid_query", "limit is given 2 times"],
    ["empty cursor", "/devices/hand/days/2026-03-10?cursor=", "invalid_cursor", "cursor"],
    ["limit 0", "/devices/hand/days/2026-03-10?limit=0", "invalid_limit", '"0"'],
    ["limit 10001", "/devices/hand/days/2026-03-10?limit=10001", "invalid_limit", '"10001"'],
    ["limit -1", "/devices/hand/days/2026-03-10?limit=-1", "invalid_limit", '"-1"'],
    ["limit 1.5", "/devices/hand/days/2026-03-10?limit=1.5", "invalid_limit", '"1.5"'],
    ["limit abc", "/devices/hand/days/2026-03-10?limit=abc", "invalid_limit", '"abc"'],
    ["format xml", "/devices/hand/days/2026-03-10?format=xml", "invalid_format", '"xml"'],
    ["latest of device Shop", "/devices/Shop/latest", "invalid_device", '"Shop"'],
  ])("%s is 400", async (_label, path, code, named) => {
    const response = await api.read(path);

    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe(code);
    expect(body.message).toContain(named);
  });
});

describe("GET /devices/{device}/latest", () => {
  test("newest reading and age", async () => {
    const beforeMs = Date.now();
    const response = await api.read("/devices/hand/latest");
    const afterMs = Date.now();

    expect(response.status).toBe(200);
    const body = (await response.json()) as { reading: Record<string, unknown>; age_s: number };
    expect(body.reading).toEqual({
      device_id: "hand",
      time: "2026-03-10T00:50:00.001Z",
      record_date: "2026-03-10T00:50:00.001Z",
      thermostat_on: false,
      temperature: 68,
      thermostat_value: 64,
      unit: "F",
    });
    const newestMs = Date.parse("2026-03-10T00:50:00.001Z");
    expect(body.age_s).toBeGreaterThanOrEqual(Math.round((beforeMs - newestMs) / 1000) - 1);
    expect(body.age_s).toBeLessThanOrEqual(Math.round((afterMs - newestMs) / 1000) + 1);
  });

  test("older reading sent later keeps latest", async () => {
    await api.ingest("/", wireReading({ device_id: "late", record_date: "2026-03-10T12:00:00Z", temperature: 70 }));
    await api.ingest("/", wireReading({ device_id: "late", record_date: "2026-03-10T11:00:00Z", temperature: 50 }));
    await api.ingest("/readings", { readings: [wireReading({ device_id: "late", record_date: "2026-03-09T11:00:00Z", temperature: 51 })] });

    const body = (await (await api.read("/devices/late/latest")).json()) as { reading: { time: string; temperature: number } };

    expect(body.reading.time).toBe("2026-03-10T12:00:00.000Z");
    expect(body.reading.temperature).toBe(70);
  });

  test("newer reading moves latest", async () => {
    await api.ingest("/", wireReading({ device_id: "moves", record_date: "2026-03-10T12:00:00Z" }));
    await api.ingest("/", wireReading({ device_id: "moves", record_date: "2026-03-10T12:00:00.001Z", temperature: 71 }));

    const body = (await (await api.read("/devices/moves/latest")).json()) as { reading: { time: string; temperature: number } };

    expect(body.reading.time).toBe("2026-03-10T12:00:00.001Z");
    expect(body.reading.temperature).toBe(71);
  });

  test("future reading does not become latest", async () => {
    const dayAheadMs = Date.now() + 86_400_000;
    await api.ingest("/", wireReading({ device_id: "skewed", record_date: "2026-03-10T12:00:00Z", temperature: 60 }));
    const stored = await api.ingest("/", wireReading({ device_id: "skewed", record_date: new Date(dayAheadMs).toISOString(), temperature: 99 }));

    const body = (await (await api.read("/devices/skewed/latest")).json()) as { reading: { time: string; temperature: number } };

    expect(stored.status).toBe(200);
    expect(body.reading.time).toBe("2026-03-10T12:00:00.000Z");
    expect(body.reading.temperature).toBe(60);
  });

  test("future reading in batch keeps current latest", async () => {
    const nowIso = new Date().toISOString();
    const dayAhead = new Date(Date.now() + 86_400_000).toISOString();
    const batch = { readings: [wireReading({ device_id: "mixed-clock", record_date: nowIso, temperature: 61 }), wireReading({ device_id: "mixed-clock", record_date: dayAhead, temperature: 99 })] };

    const stored = await api.ingest("/readings", batch);
    const body = (await (await api.read("/devices/mixed-clock/latest")).json()) as { reading: { time: string; temperature: number } };

    expect(stored.status).toBe(200);
    expect(body.reading.time).toBe(nowIso);
    expect(body.reading.temperature).toBe(61);
  });

  test("unknown device is 404", async () => {
    const response = await api.read("/devices/nobody/latest");

    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe("not_found");
    expect(body.message).toStartWith('device "nobody" has sent no reading dated at most 10 minutes ahead of the server\'s clock; ');
    expect(body.message).toContain("check its clock");
  });

  test("only future readings named in 404", async () => {
    const dayAhead = new Date(Date.now() + 86_400_000).toISOString();
    const twoDaysAhead = new Date(Date.now() + 2 * 86_400_000).toISOString();
    await api.ingest("/readings", { readings: [wireReading({ device_id: "ahead", record_date: twoDaysAhead }), wireReading({ device_id: "ahead", record_date: dayAhead })] });
    await api.ingest("/", wireReading({ device_id: "ahead", record_date: dayAhead }));

    const response = await api.read("/devices/ahead/latest");

    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toBe("not_found");
    expect(body.message).toStartWith(`device "ahead" has sent only readings dated more than 10 minutes ahead of the server's clock (the newest at ${twoDaysAhead}, server time `);
    expect(body.message).toEndWith("they are stored but never become the latest, so check the device's clock");
  });

  test("future-only ingest returns desired state", async () => {
    const desiredResponse = await api.send("PUT", "/devices/ahead-desired/desired", { token: api.tokens.admin, body: JSON.stringify({ setpoint: 66, unit: "F" }) });
    expect(desiredResponse.status).toBe(200);

    const response = await api.ingest("/", wireReading({ device_id: "ahead-desired", record_date: new Date(Date.now() + 86_400_000).toISOString() }));

    expect(response.status).toBe(200);
    expect(((await response.json()) as { desired: { setpoint: number } | null }).desired?.setpoint).toBe(66);
  });
});

describe("GET /devices", () => {
  test("lists devices without a Scan", async () => {
    await api.ingest("/", wireReading({ device_id: "zeta", record_date: "2026-03-10T08:00:00Z" }));
    operations.length = 0;

    const response = await api.read("/devices");

    expect(response.status).toBe(200);
    const body = (await response.json()) as { devices: { device_id: string; last_seen: string | null; desired: unknown }[] };
    const ids = body.devices.map((device) => device.device_id);
    expect(ids).toEqual([...ids].sort());
    expect(body.devices.find((device) => device.device_id === "hand")).toEqual({ device_id: "hand", last_seen: "2026-03-10T00:50:00.001Z", desired: null });
    expect(body.devices.find((device) => device.device_id === "zeta")?.last_seen).toBe("2026-03-10T08:00:00.000Z");
    expect(operations).toEqual(["Query"]);
  });

  test("future-only device listed without last seen", async () => {
    await api.ingest("/", wireReading({ device_id: "listed-ahead", record_date: new Date(Date.now() + 86_400_000).toISOString() }));

    const body = (await (await api.read("/devices")).json()) as { devices: { device_id: string; last_seen: string | null; desired: unknown }[] };

    expect(body.devices.find((device) => device.device_id === "listed-ahead")).toEqual({ device_id: "listed-ahead", last_seen: null, desired: null });
  });
});

describe("routing", () => {
  test.each([
    ["GET", "/readings", "POST"],
    ["PUT", "/", "POST, GET, HEAD"],
    ["DELETE", "/health", "GET, HEAD"],
    ["POST", "/devices", "GET, HEAD"],
    ["POST", "/devices/hand/latest", "GET, HEAD"],
    ["GET", "/devices/hand/desired", "PUT, DELETE"],
  ])("%s %s is 405", async (method, path, allow) => {
    const response = await api.send(method, path, { token: api.tokens.read });

    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    expect(((await response.json()) as { error: string }).error).toBe("method_not_allowed");
  });

  test.each([
    ["GET", "/nowhere"],
    ["POST", "/readings/extra"],
    ["GET", "/devices/hand"],
    ["GET", "/devices/hand/days"],
  ])("%s %s is 404 JSON", async (method, path) => {
    const response = await api.send(method, path, { token: api.tokens.read });

    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toStartWith("application/json");
    expect(((await response.json()) as { error: string }).error).toBe("not_found");
  });
});
