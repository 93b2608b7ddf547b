import { describe, expect, test } from "bun:test";
import { describeCoverage } from "../../dashboard/page/coverage.ts";
import { csvFileName, joinCsvDays } from "../../dashboard/page/csv-download.ts";
import { addDays, daysEndingOn, isDay, todayIn } from "../../dashboard/page/days.ts";
import { combineSummaries } from "../../dashboard/page/range-summary.ts";
import { normaliseApiBase } from "../../dashboard/page/settings.ts";
import { formatViewHash, parseViewHash } from "../../dashboard/page/url-state.ts";
import type { DaySummary, StoredReading } from "../../schema.ts";
import { dayBounds } from "../../time/zone.ts";

const EMPTY: DaySummary = { count: 0, min: null, max: null, mean: null, heater_on_fraction: null, first: null, last: null, unit: null };

describe("days", () => {
  test("addDays crosses months and leap days", () => {
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });

  test("daysEndingOn lists oldest first", () => {
    expect(daysEndingOn("2026-03-02", 3)).toEqual(["2026-02-28", "2026-03-01", "2026-03-02"]);
  });

  test.each([0, 32, 1.5])("daysEndingOn rejects %d days", (count) => {
    expect(() => daysEndingOn("2026-03-02", count)).toThrow(RangeError);
  });

  test("isDay rejects impossible dates", () => {
    expect(isDay("2026-02-29")).toBe(false);
    expect(isDay("2026-2-1")).toBe(false);
    expect(isDay("2028-02-29")).toBe(true);
  });

  test("todayIn uses the given zone, not UTC", () => {
    // 2026-03-08T03:00Z is still March 7 in Chicago.
    expect(todayIn("America/Chicago", Date.parse("2026-03-08T03:00:00Z"))).toBe("2026-03-07");
    expect(todayIn("UTC", Date.parse("2026-03-08T03:00:00Z"))).toBe("2026-03-08");
  });
});

describe("combineSummaries", () => {
  const monday: DaySummary = { count: 2, min: 60, max: 70, mean: 65, heater_on_fraction: 0.5, first: "2026-03-02T06:00:00.000Z", last: "2026-03-02T08:00:00.000Z", unit: "F" };
  const tuesday: DaySummary = { count: 6, min: 58, max: 66, mean: 61, heater_on_fraction: 0.25, first: "2026-03-03T06:00:00.000Z", last: "2026-03-03T12:00:00.000Z", unit: "F" };

  test("one day passes through unchanged", () => {
    expect(combineSummaries([monday])).toBe(monday);
  });

  test("several days combine min, max, count and weighted figures", () => {
    const combined = combineSummaries([monday, EMPTY, tuesday]);

    expect(combined?.count).toBe(8);
    expect(combined?.min).toBe(58);
    expect(combined?.max).toBe(70);
    expect(combined?.mean).toBeCloseTo((65 * 2 + 61 * 6) / 8, 10);
    // Weighted by the hours each day's readings span: 2 h and 6 h.
    expect(combined?.heater_on_fraction).toBeCloseTo((0.5 * 2 + 0.25 * 6) / 8, 10);
    expect(combined?.first).toBe(monday.first);
    expect(combined?.last).toBe(tuesday.last);
  });

  test("mixed units give no combined summary", () => {
    expect(combineSummaries([monday, { ...tuesday, unit: "C" }])).toBeNull();
  });

  test("only empty days give an empty summary", () => {
    expect(combineSummaries([EMPTY, EMPTY])).toEqual({ ...EMPTY, unit: null });
  });
});

describe("url state", () => {
  test("round-trips device, day and range", () => {
    const state = { device: "shop", day: "2026-03-08", days: 7 };
    expect(parseViewHash(formatViewHash(state))).toEqual(state);
  });

  test("drops invalid parts instead of failing", () => {
    expect(parseViewHash("#device=Bad%20Id&day=2026-02-30&days=99")).toEqual({ device: null, day: null, days: 1 });
  });

  test("leaves defaults out of the fragment", () => {
    expect(formatViewHash({ device: null, day: null, days: 1 })).toBe("");
  });
});

describe("normaliseApiBase", () => {
  test.each([
    ["", ""],
    ["  https://abc.lambda-url.us-east-1.on.aws/ ", "https://abc.lambda-url.us-east-1.on.aws"],
    ["http://127.0.0.1:8787/prefix/", "http://127.0.0.1:8787/prefix"],
  ])("accepts %p", (input, expected) => {
    expect(normaliseApiBase(input)).toBe(expected);
  });

  test.each(["ftp://example.test", "not a url", "https://example.test/?token=x", "https://user:pw@example.test"])("rejects %p", (input) => {
    expect(() => normaliseApiBase(input)).toThrow(TypeError);
  });
});

describe("csv", () => {
  test("joinCsvDays keeps one header row", () => {
    const joined = joinCsvDays(["h1,h2\na,1\n", "h1,h2\nb,2", "h1,h2\n"]);
    expect(joined).toBe("h1,h2\na,1\nb,2\n");
  });

  test("joinCsvDays keeps CRLF line endings", () => {
    expect(joinCsvDays(["h\r\na\r\n", "h\r\nb"])).toBe("h\r\na\r\nb\r\n");
  });

  test("file names name the device and days", () => {
    expect(csvFileName("shop", ["2026-03-08"])).toBe("thermo-shop-2026-03-08.csv");
    expect(csvFileName("shop", ["2026-03-06", "2026-03-07", "2026-03-08"])).toBe("thermo-shop-2026-03-06-to-2026-03-08.csv");
  });
});

describe("describeCoverage", () => {
  const zone = "America/Chicago";
  const { startMs, endMs } = dayBounds("2026-03-10", zone);
  const at = (hour: number): StoredReading => ({
    device_id: "shop", time: new Date(startMs + hour * 3_600_000).toISOString(), record_date: "", thermostat_on: false, temperature: 68, thermostat_value: 68, unit: "F",
  });
  const base = { zone, rangeStartMs: startMs, rangeEndMs: endMs, nowMs: endMs + 1, gapCount: 0, gapThresholdMs: 600_000, dayCounts: [{ day: "2026-03-10", count: 2 }] };

  test("a full day without gaps needs no sentence", () => {
    expect(describeCoverage({ ...base, readings: [at(0), at(23.9)] })).toEqual([]);
  });

  test("a partial day says which hours it covers", () => {
    const sentences = describeCoverage({ ...base, readings: [at(6), at(12)], gapCount: 1 });
    expect(sentences[0]).toBe("Partial data: readings cover only 2026-03-10 06:00:00.000 CDT to 2026-03-10 12:00:00.000 CDT.");
    expect(sentences[1]).toBe("One gap of 10 minutes or more with no readings; the lines break there.");
  });

  test("a day in progress says so", () => {
    const sentences = describeCoverage({ ...base, readings: [at(0), at(5)], nowMs: startMs + 5.5 * 3_600_000 });
    expect(sentences[0]).toStartWith("The last day shown is still in progress");
  });

  test("empty days in a range are named", () => {
    const sentences = describeCoverage({ ...base, readings: [at(0), at(23.9)], dayCounts: [{ day: "2026-03-09", count: 0 }, { day: "2026-03-10", count: 2 }] });
    expect(sentences).toEqual(["No readings on 2026-03-09."]);
  });
});
