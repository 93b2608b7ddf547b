import { describe, expect, test } from "bun:test";
import { describeIgnoredPart } from "../../dashboard/page/address-notice.ts";
import { describeCoverage, describeEmptyView } from "../../dashboard/page/coverage.ts";
import { csvFileName, joinCsvDays } from "../../dashboard/page/csv-download.ts";
import { addDays, daysEndingOn, isDay, todayIn } from "../../dashboard/page/days.ts";
import { chooseDevice, deviceLabel, type Device } from "../../dashboard/page/devices.ts";
import { countOf } from "../../dashboard/page/plural.ts";
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
    expect(parseViewHash(formatViewHash(state))).toEqual({ state, ignored: [] });
  });

  test("drops invalid parts and names them", () => {
    const { state, ignored } = parseViewHash("#device=Bad%20Id&day=2026-02-30&days=999");

    expect(state).toEqual({ device: null, day: null, days: 1 });
    expect(ignored).toEqual([
      { key: "device", reason: 'device "Bad Id" is not a valid device id (lowercase letters, digits, - and _)' },
      { key: "day", reason: "day 2026-02-30 is not a real date" },
      { key: "days", reason: "days 999 is outside 1–31" },
    ]);
  });

  test.each([
    ["#day=yesterday", 'day "yesterday" is not a date in the form YYYY-MM-DD'],
    ["#days=1.5", 'days "1.5" is not a whole number'],
    ["#days=", 'days "" is not a whole number'],
    ["#days=0", "days 0 is outside 1–31"],
    ["#zoom=2", '"zoom" is not a setting of this page (it knows device, day and days)'],
  ])("names the problem in %p", (hash, reason) => {
    expect(parseViewHash(hash).ignored.map((part) => part.reason)).toEqual([reason]);
  });

  test("valid fragment ignores nothing", () => {
    expect(parseViewHash("#device=shop&day=2028-02-29&days=31").ignored).toEqual([]);
    expect(parseViewHash("").ignored).toEqual([]);
  });

  test("notice names each fallback", () => {
    const fallbacks = { device: "attic", today: "2026-03-12" };

    expect(describeIgnoredPart({ key: "device", reason: 'unknown device "nosuch"' }, fallbacks)).toBe('Unknown device "nosuch": showing attic instead.');
    expect(describeIgnoredPart({ key: "day", reason: "day 2026-02-30 is not a real date" }, fallbacks)).toBe("Day 2026-02-30 is not a real date: showing today (2026-03-12) instead.");
    expect(describeIgnoredPart({ key: "days", reason: "days 999 is outside 1–31" }, fallbacks)).toBe("Days 999 is outside 1–31: showing 1 day instead.");
  });

  test("leaves defaults out of the fragment", () => {
    expect(formatViewHash({ device: null, day: null, days: 1 })).toBe("");
  });
});

describe("devices", () => {
  const ghost: Device = { device_id: "aaa-ghost", last_seen: null, desired: { setpoint: 70, unit: "F", updated_at: "2026-03-01T00:00:00.000Z" } };
  const shop: Device = { device_id: "shop", last_seen: "2026-03-08T12:00:00.000Z", desired: null };

  test("label marks a device without readings", () => {
    expect(deviceLabel(ghost)).toBe("aaa-ghost (no readings yet)");
    expect(deviceLabel(shop)).toBe("shop");
  });

  test("requested device wins when listed", () => {
    expect(chooseDevice([ghost, shop], "aaa-ghost", "shop")).toEqual({ deviceId: "aaa-ghost", ignored: null });
  });

  test("unknown requested device is reported", () => {
    expect(chooseDevice([ghost, shop], "nosuch", null)).toEqual({ deviceId: "shop", ignored: { key: "device", reason: 'unknown device "nosuch"' } });
  });

  test("remembered device comes before the first", () => {
    expect(chooseDevice([shop, { ...shop, device_id: "attic" }], null, "attic").deviceId).toBe("attic");
  });

  test("fallback skips devices without readings", () => {
    expect(chooseDevice([ghost, shop], null, "gone").deviceId).toBe("shop");
    expect(chooseDevice([ghost], null, null).deviceId).toBe("aaa-ghost");
  });

  test("empty list throws", () => {
    expect(() => chooseDevice([], null, null)).toThrow(RangeError);
  });
});

describe("countOf", () => {
  test.each([
    [0, "0 readings"],
    [1, "1 reading"],
    [2, "2 readings"],
    [5520, "5,520 readings"],
  ])("%d", (count, expected) => {
    expect(countOf(count, "reading")).toBe(expected);
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

  test("a future day has not started", () => {
    // "Now" is the day before, so both readings come from the future.
    const sentences = describeCoverage({ ...base, readings: [at(6), at(12)], nowMs: startMs - 3_600_000 });

    expect(sentences[0]).toBe("The last day shown, 2026-03-10, has not started yet in America/Chicago (today is 2026-03-09 there).");
    expect(sentences[1]).toStartWith("2 readings are dated later than now (the last at 2026-03-10 12:00:00.000 CDT). A reading cannot come from the future");
    expect(sentences.join(" ")).not.toContain("in progress");
  });

  test("one reading from the future is singular", () => {
    const sentences = describeCoverage({ ...base, readings: [at(12)], nowMs: startMs - 3_600_000 });
    expect(sentences[1]).toStartWith("1 reading is dated later than now");
  });

  test("readings later today are from the future", () => {
    const sentences = describeCoverage({ ...base, readings: [at(1), at(20)], nowMs: startMs + 2 * 3_600_000 });

    expect(sentences[0]).toStartWith("The last day shown is still in progress");
    expect(sentences[1]).toStartWith("1 reading is dated later than now");
  });

  test("a reading just ahead of the clock is tolerated", () => {
    const sentences = describeCoverage({ ...base, readings: [at(1), at(2)], nowMs: startMs + 2 * 3_600_000 - 60_000 });
    expect(sentences.join(" ")).not.toContain("later than now");
  });

  test("empty view explains a future day", () => {
    const options = { deviceId: "shop", daysText: "2026-03-10", lastDay: "2026-03-10", hasReadings: true, zone, nowMs: startMs - 3_600_000 };

    expect(describeEmptyView(options)).toBe("No readings for shop on 2026-03-10. The last day shown has not started yet in America/Chicago (today is 2026-03-09 there). Pick another day or device.");
    expect(describeEmptyView({ ...options, nowMs: endMs + 1 })).toBe("No readings for shop on 2026-03-10. Pick another day or device.");
    expect(describeEmptyView({ ...options, hasReadings: false })).toBe("shop has not sent any readings yet. Its readings appear here after its first upload.");
  });

  test("empty days in a range are named", () => {
    const sentences = describeCoverage({ ...base, readings: [at(0), at(23.9)], dayCounts: [{ day: "2026-03-09", count: 0 }, { day: "2026-03-10", count: 2 }] });
    expect(sentences).toEqual(["No readings on 2026-03-09."]);
  });
});
