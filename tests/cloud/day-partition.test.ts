/** Day partitions come from the instant in THERMO_TIMEZONE; sort keys are fixed-width UTC. */
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { parseDateTime } from "../../time/rfc3339.ts";
import { dayBounds, localDay } from "../../time/zone.ts";
import { startTestStack, type TestStack } from "../helpers/stack-fixture.ts";
import { wireReading } from "../helpers/wire-reading.ts";

const CHICAGO = "America/Chicago";
const HOUR_MS = 3_600_000;

const chicago = await startTestStack({ env: { THERMO_TIMEZONE: CHICAGO } });
const utc = await startTestStack();
afterAll(async () => {
  await chicago.stop();
  await utc.stop();
});

beforeEach(async () => {
  for (const api of [chicago, utc]) {
    for (const item of await api.scanItems()) {
      await api.documentClient.send(new DeleteCommand({ TableName: api.config.tableName, Key: { pk: item.pk, sk: item.sk } }));
    }
  }
});

async function storeOne(api: TestStack, recordDate: string): Promise<Record<string, unknown>> {
  const response = await api.ingest("/", wireReading({ record_date: recordDate }));
  expect(response.status).toBe(200);
  const items = await api.readingItems();
  expect(items).toHaveLength(1);
  return items[0] as Record<string, unknown>;
}

describe("day partition in America/Chicago", () => {
  test("spring gap moves forward", async () => {
    const item = await storeOne(chicago, "2026-03-08T02:30:00");

    expect(item.sk).toBe("2026-03-08T08:30:00.000Z");
    expect(item.pk).toBe("thermostat#2026-03-08");
    expect(item.record_date).toBe("2026-03-08T02:30:00");
  });

  test("autumn repeated hour takes earlier", async () => {
    const item = await storeOne(chicago, "2026-11-01T01:30:00");

    expect(item.sk).toBe("2026-11-01T06:30:00.000Z");
    expect(item.pk).toBe("thermostat#2026-11-01");
  });

  test("offset evening lands in local day", async () => {
    // 23:30 CDT on the 8th is 04:30Z on the 9th.
    const item = await storeOne(chicago, "2026-03-08T23:30:00-05:00");

    expect(item.sk).toBe("2026-03-09T04:30:00.000Z");
    expect(item.pk).toBe("thermostat#2026-03-08");
  });

  test("foreign offset not string-sliced", async () => {
    // 01:00 in Tokyo on 1 July is 11:00 on 30 June in Chicago.
    const item = await storeOne(chicago, "2026-07-01T01:00:00+09:00");

    expect(item.sk).toBe("2026-06-30T16:00:00.000Z");
    expect(item.pk).toBe("thermostat#2026-06-30");
  });

  test("spring-forward day has 23 hours", async () => {
    // Hourly readings in UTC from local midnight on the 8th to local midnight on the 9th.
    const startMs = Date.UTC(2026, 2, 8, 6);
    const readings = Array.from({ length: 25 }, (_, index) => wireReading({ record_date: new Date(startMs + index * HOUR_MS).toISOString() }));

    const response = await chicago.ingest("/readings", { readings });
    expect(response.status).toBe(200);
    const day = await chicago.read("/devices/thermostat/days/2026-03-08");
    const body = (await day.json()) as { readings: { time: string }[]; summary: { count: number; first: string; last: string }; time_zone: string };

    expect(body.time_zone).toBe(CHICAGO);
    expect(body.readings).toHaveLength(23);
    expect(body.summary.count).toBe(23);
    expect(body.summary.first).toBe("2026-03-08T06:00:00.000Z");
    expect(body.summary.last).toBe("2026-03-09T04:00:00.000Z");
    const next = (await (await chicago.read("/devices/thermostat/days/2026-03-09")).json()) as { readings: { time: string }[] };
    expect(next.readings.map((reading) => reading.time)).toEqual(["2026-03-09T05:00:00.000Z", "2026-03-09T06:00:00.000Z"]);
  });

  test("dayBounds spring day is 23 hours", () => {
    const { startMs, endMs } = dayBounds("2026-03-08", CHICAGO);

    expect(new Date(startMs).toISOString()).toBe("2026-03-08T06:00:00.000Z");
    expect(endMs - startMs).toBe(23 * HOUR_MS);
  });

  test("dayBounds autumn day is 25 hours", () => {
    const { startMs, endMs } = dayBounds("2026-11-01", CHICAGO);

    expect(new Date(startMs).toISOString()).toBe("2026-11-01T05:00:00.000Z");
    expect(endMs - startMs).toBe(25 * HOUR_MS);
  });
});

describe("day partition default zone", () => {
  test("UTC when unset", async () => {
    const item = await storeOne(utc, "2026-03-08T23:30:00");

    expect(utc.config.timeZone).toBe("UTC");
    expect(item.sk).toBe("2026-03-08T23:30:00.000Z");
    expect(item.pk).toBe("thermostat#2026-03-08");
  });

  test("offset crossing midnight uses UTC day", async () => {
    const item = await storeOne(utc, "2026-03-08T20:30:00-05:00");

    expect(item.sk).toBe("2026-03-09T01:30:00.000Z");
    expect(item.pk).toBe("thermostat#2026-03-09");
  });
});

describe("sort key", () => {
  test.each([
    ["2026-03-08T07:59:59Z", "2026-03-08T07:59:59.000Z"],
    ["2026-03-08T07:59:59.1Z", "2026-03-08T07:59:59.100Z"],
    ["2026-03-08T07:59:59.123456789Z", "2026-03-08T07:59:59.123Z"],
    ["2026-03-08T07:59:59.999999999Z", "2026-03-08T07:59:59.999Z"],
    ["2026-03-08t07:59:59z", "2026-03-08T07:59:59.000Z"],
    ["2026-03-08 07:59:59+00:00", "2026-03-08T07:59:59.000Z"],
    ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"],
    ["9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"],
  ])("%s keyed as %s", async (recordDate, sortKey) => {
    const item = await storeOne(utc, recordDate);

    expect(item.sk).toBe(sortKey);
    expect(item.record_date).toBe(recordDate);
    expect(item.sk as string).toHaveLength(24);
  });

  test("string order is time order", () => {
    const dates = ["2026-03-08T01:00:00-06:00", "2026-03-08T06:30:00Z", "2026-03-08T08:00:00+01:00", "2026-03-08T00:45:00-06:00"];
    const keys = dates.map((date) => {
      const parsed = parseDateTime(date, "UTC");
      if (!parsed.ok) throw new Error(parsed.reason);
      return new Date(parsed.instantMs).toISOString();
    });

    expect([...keys].sort()).toEqual(["2026-03-08T06:30:00.000Z", "2026-03-08T06:45:00.000Z", "2026-03-08T07:00:00.000Z", "2026-03-08T07:00:00.000Z"]);
  });

  test("localDay at Chicago midnight", () => {
    expect(localDay(Date.UTC(2026, 2, 8, 5, 59, 59, 999), CHICAGO)).toBe("2026-03-07");
    expect(localDay(Date.UTC(2026, 2, 8, 6), CHICAGO)).toBe("2026-03-08");
  });
});
