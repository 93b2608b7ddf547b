import { describe, expect, test } from "bun:test";
import { buildChartColumns, convertTemperature } from "../../dashboard/page/chart-data.ts";
import type { StoredReading } from "../../schema.ts";

function reading(time: string, temperature: number, isOn: boolean, extra: Partial<StoredReading> = {}): StoredReading {
  return { device_id: "shop", time, record_date: time, thermostat_on: isOn, temperature, thermostat_value: 68, unit: "F", ...extra };
}

describe("buildChartColumns", () => {
  test("one x value per reading in epoch seconds", () => {
    const columns = buildChartColumns([reading("2026-03-08T06:00:00.123Z", 67, true), reading("2026-03-08T06:00:15.123Z", 68.5, false)]);

    expect(columns.timesSec).toEqual([Date.parse("2026-03-08T06:00:00.123Z") / 1000, Date.parse("2026-03-08T06:00:15.123Z") / 1000]);
    expect(columns.temperature).toEqual([67, 68.5]);
    expect(columns.setpoint).toEqual([68, 68]);
    expect(columns.heater).toEqual([1, 0]);
    expect(columns.humidity).toBeNull();
    expect(columns.readingCount).toBe(2);
  });

  test("heater spans run from an on reading to the next reading", () => {
    const columns = buildChartColumns([
      reading("2026-03-08T06:00:00.000Z", 67, true),
      reading("2026-03-08T06:01:00.000Z", 67, true),
      reading("2026-03-08T06:02:00.000Z", 69, false),
      reading("2026-03-08T06:03:00.000Z", 67, true),
      reading("2026-03-08T06:04:00.000Z", 67, true),
    ]);

    const start = Date.parse("2026-03-08T06:00:00.000Z") / 1000;
    expect(columns.heaterSpansSec).toEqual([[start, start + 120], [start + 180, start + 240]]);
  });

  test("a long silence inserts a null row and ends the heater span", () => {
    const columns = buildChartColumns([
      reading("2026-03-08T06:00:00.000Z", 67, true),
      reading("2026-03-08T06:01:00.000Z", 67, true),
      reading("2026-03-08T07:01:00.000Z", 70, false),
    ]);

    expect(columns.gapCount).toBe(1);
    expect(columns.temperature).toEqual([67, 67, null, 70]);
    expect(columns.timesSec.length).toBe(4);
    expect(columns.readingCount).toBe(3);
    const start = Date.parse("2026-03-08T06:00:00.000Z") / 1000;
    expect(columns.heaterSpansSec).toEqual([[start, start + 60]]);
  });

  test("humidity column when any reading has it", () => {
    const columns = buildChartColumns([reading("2026-03-08T06:00:00.000Z", 67, false), reading("2026-03-08T06:00:15.000Z", 67, false, { humidity: 41.5 })]);

    expect(columns.humidity).toEqual([null, 41.5]);
  });

  test("converts to the first reading's unit", () => {
    const columns = buildChartColumns([reading("2026-03-08T06:00:00.000Z", 20, false, { unit: "C", thermostat_value: 20 }), reading("2026-03-08T06:00:15.000Z", 68, false)]);

    expect(columns.unit).toBe("C");
    expect(columns.temperature[1]).toBeCloseTo(20, 10);
  });
});

describe("convertTemperature", () => {
  test.each([
    [0, "C", "F", 32],
    [212, "F", "C", 100],
    [20, "C", "C", 20],
  ] as const)("%d °%s in °%s is %d", (value, from, to, expected) => {
    expect(convertTemperature(value, from, to)).toBeCloseTo(expected, 10);
  });
});
