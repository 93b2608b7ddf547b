/** DaySummaryBuilder: statistics of a day, built page by page. */
import { describe, expect, test } from "bun:test";
import type { StoredReading } from "../../schema.ts";
import { DaySummaryBuilder, MAX_READING_INTERVAL_MS } from "../../cloud/summary.ts";

function reading(time: string, temperature: number, heaterOn: boolean, unit: "F" | "C" = "F"): StoredReading {
  return { device_id: "shop", time, record_date: time, thermostat_on: heaterOn, temperature, thermostat_value: 64, unit };
}

function summarize(...pages: StoredReading[][]) {
  const builder = new DaySummaryBuilder();
  for (const page of pages) builder.add(page);
  return builder.build();
}

describe("DaySummaryBuilder", () => {
  test("empty day is all null", () => {
    expect(summarize()).toEqual({ count: 0, min: null, max: null, mean: null, heater_on_fraction: null, first: null, last: null, unit: null });
  });

  test("heater time weighted by interval", () => {
    // On for 12 min, then off for 4 min: 12/16 of the time on, though 2 of 3 readings are on.
    const summary = summarize([
      reading("2026-03-10T00:00:00.000Z", 60, true),
      reading("2026-03-10T00:12:00.000Z", 62, false),
      reading("2026-03-10T00:16:00.000Z", 64, true),
    ]);

    expect(summary.heater_on_fraction).toBe(0.75);
    expect(summary.mean).toBe(62);
  });

  test.each([
    ["exactly 15 min counts", MAX_READING_INTERVAL_MS, 0.5],
    ["15 min plus 1 ms is a gap", MAX_READING_INTERVAL_MS + 1, 0],
  ])("%s", (_label, gapMs, fraction) => {
    // Off for 15 min, then on for the gap; an interval over 15 min counts as neither.
    const startMs = Date.UTC(2026, 2, 10);
    const summary = summarize([
      reading(new Date(startMs).toISOString(), 60, false),
      reading(new Date(startMs + MAX_READING_INTERVAL_MS).toISOString(), 60, true),
      reading(new Date(startMs + MAX_READING_INTERVAL_MS + gapMs).toISOString(), 60, false),
    ]);

    expect(summary.heater_on_fraction).toBe(fraction);
  });

  test("single reading gives its state", () => {
    expect(summarize([reading("2026-03-10T00:00:00.000Z", 60, true)]).heater_on_fraction).toBe(1);
    expect(summarize([reading("2026-03-10T00:00:00.000Z", 60, false)]).heater_on_fraction).toBe(0);
  });

  test("pages give same summary as one", () => {
    const readings = Array.from({ length: 50 }, (_, index) => reading(new Date(Date.UTC(2026, 2, 10) + index * 47_000).toISOString(), 50 + ((index * 7) % 13), index % 3 === 0));

    expect(summarize(readings.slice(0, 17), readings.slice(17, 18), readings.slice(18))).toEqual(summarize(readings));
  });

  test("mixed units converted to first", () => {
    const summary = summarize([reading("2026-03-10T00:00:00.000Z", 50, false, "F"), reading("2026-03-10T00:01:00.000Z", 20, false, "C")]);

    expect(summary.unit).toBe("F");
    expect(summary.max).toBe(68);
    expect(summary.mean).toBe(59);
  });

  test("values rounded to thousandths", () => {
    const summary = summarize([reading("2026-03-10T00:00:00.000Z", 60.1, true), reading("2026-03-10T00:01:00.000Z", 60.2, false), reading("2026-03-10T00:02:00.000Z", 60.2, true)]);

    expect(summary.mean).toBe(60.167);
  });
});
