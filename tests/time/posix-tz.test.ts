import { describe, expect, test } from "bun:test";
import { PosixTzError } from "../../time/errors.ts";
import { parsePosixTz, PosixTzZone } from "../../time/posix-tz.ts";

const HOUR_S = 3600;

function zoneOf(tz: string): PosixTzZone {
  return new PosixTzZone("Test/Zone", parsePosixTz(tz));
}

/** Returns the PosixTzError that parsing `tz` throws. */
function parseError(tz: string): PosixTzError {
  try {
    parsePosixTz(tz);
  } catch (error) {
    expect(error).toBeInstanceOf(PosixTzError);
    return error as PosixTzError;
  }
  throw new Error(`expected ${JSON.stringify(tz)} to be rejected`);
}

describe("parsePosixTz", () => {
  test("reads the US rule", () => {
    const tz = parsePosixTz("CST6CDT,M3.2.0,M11.1.0");

    expect(tz.std).toEqual({ utoffSeconds: -6 * HOUR_S, isDst: false, abbreviation: "CST" });
    expect(tz.dst?.type).toEqual({ utoffSeconds: -5 * HOUR_S, isDst: true, abbreviation: "CDT" });
    expect(tz.dst?.start).toEqual({ date: { kind: "month-week-day", month: 3, week: 2, weekday: 0 }, timeSeconds: 2 * HOUR_S });
    expect(tz.dst?.end).toEqual({ date: { kind: "month-week-day", month: 11, week: 1, weekday: 0 }, timeSeconds: 2 * HOUR_S });
  });

  test("reads quoted names and minutes", () => {
    const tz = parsePosixTz("<+0330>-3:30");

    expect(tz.std).toEqual({ utoffSeconds: 12_600, isDst: false, abbreviation: "+0330" });
    expect(tz.dst).toBeUndefined();
  });

  test("reads seconds in an offset", () => {
    expect(parsePosixTz("<-004430>0:44:30").std.utoffSeconds).toBe(-2670);
  });

  test("reads an explicit DST offset", () => {
    expect(parsePosixTz("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0").dst?.type.utoffSeconds).toBe(11 * HOUR_S);
  });

  test("reads Jn and n dates", () => {
    const tz = parsePosixTz("AAA0BBB,J60/0,59/0");

    expect(tz.dst?.start.date).toEqual({ kind: "julian", day: 60 });
    expect(tz.dst?.end.date).toEqual({ kind: "zero-based", day: 59 });
  });

  test.each([
    ["<-02>2<-01>,M3.5.0/-1,M10.5.0/0", -HOUR_S],
    ["IST-2IDT,M3.4.4/26,M10.5.0", 26 * HOUR_S],
    ["AAA0BBB,M3.5.0/167,M10.5.0", 167 * HOUR_S],
    ["AAA0BBB,M3.5.0/-167,M10.5.0", -167 * HOUR_S],
    ["AAA0BBB,M3.5.0/+1:30:15,M10.5.0", 5415],
  ])("reads the rule time in %s", (text, seconds) => {
    expect(parsePosixTz(text).dst?.start.timeSeconds).toBe(seconds);
  });

  test("accepts a 24-hour offset", () => {
    expect(parsePosixTz("<-24>24").std.utoffSeconds).toBe(-24 * HOUR_S);
  });

  test.each<[string, string, number]>([
    ["", "standard time name must have at least 3 letters", 0],
    ["ES5", "must have at least 3 letters", 0],
    ["EST", "expected a number for the standard time offset", 3],
    ["<AB>5", 'must have at least 3 letters, digits, "+" or "-"', 0],
    ["<+03", 'has no closing ">"', 0],
    ["<+0_3>-3", 'has no closing ">"', 0],
    ["EST25", "standard time offset hours must be from 0 to 24, got 25", 5],
    ["EST5:60", "standard time offset minutes must be from 0 to 59, got 60", 7],
    ["EST5EDT", "expected a DST rule", 7],
    ["EST5EDT4", "expected a DST rule", 8],
    ["EST5EDT,M3.2.0", 'expected ","', 14],
    ["EST5 EDT", "DST name must have at least 3 letters", 4],
    ["EST5EDT,M13.1.0,M11.1.0", "DST start month must be from 1 to 12, got 13", 11],
    ["EST5EDT,M3.6.0,M11.1.0", "DST start week must be from 1 to 5 (5 is the last), got 6", 12],
    ["EST5EDT,M3.2.7,M11.1.0", "DST start weekday must be from 0 (Sunday) to 6, got 7", 14],
    ["EST5EDT,M3.2,M11.1.0", 'expected "."', 12],
    ["EST5EDT,J0,J300", "DST start day Jn must be from J1 to J365, got J0", 10],
    ["EST5EDT,J60,J366", "DST end day Jn must be from J1 to J365, got J366", 16],
    ["EST5EDT,60,366", "DST end day n must be from 0 to 365, got 366", 14],
    ["EST5EDT,M3.2.0/168,M11.1.0", "DST start time hours must be from 0 to 167, got 168", 18],
    ["EST5EDT,M3.2.0,M11.1.0x", "unexpected text after the DST end", 22],
    ["EST5EDT,M3.2.0,M11.1.0/1234", "DST end time has more than 3 digits", 26],
  ])("rejects %j", (text, fragment, position) => {
    const error = parseError(text);

    expect(error.message).toContain(fragment);
    expect(error.position).toBe(position);
    expect(error.tz).toBe(text);
  });

  test("names the string and position in the message", () => {
    expect(parseError("EST25").message).toBe('invalid POSIX TZ string "EST25" at character 6: standard time offset hours must be from 0 to 24, got 25');
  });
});

describe("PosixTzZone", () => {
  test("keeps a fixed offset without a rule", () => {
    const zone = zoneOf("<+0545>-5:45");

    expect(zone.offsetSecondsAt(Date.UTC(1900, 0, 1))).toBe(20_700);
    expect(zone.offsetSecondsAt(Date.UTC(2026, 6, 1))).toBe(20_700);
  });

  test.each([
    ["the US start", "CST6CDT,M3.2.0,M11.1.0", Date.UTC(2026, 2, 8, 8), -6, -5],
    ["the US end", "CST6CDT,M3.2.0,M11.1.0", Date.UTC(2026, 10, 1, 7), -5, -6],
    ["the Sydney start", "AEST-10AEDT,M10.1.0,M4.1.0/3", Date.UTC(2026, 9, 3, 16), 10, 11],
    ["the Sydney end", "AEST-10AEDT,M10.1.0,M4.1.0/3", Date.UTC(2026, 3, 4, 16), 11, 10],
    ["Dublin's winter time", "IST-1GMT0,M10.5.0,M3.5.0/1", Date.UTC(2026, 9, 25, 1), 1, 0],
    ["Dublin's summer time", "IST-1GMT0,M10.5.0,M3.5.0/1", Date.UTC(2026, 2, 29, 1), 0, 1],
    ["a negative rule time", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0", Date.UTC(2026, 2, 29, 1), -2, -1],
    ["a rule time past 24 h", "IST-2IDT,M3.4.4/26,M10.5.0", Date.UTC(2026, 2, 27, 0), 2, 3],
    ["a 30-minute DST", "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", Date.UTC(2026, 9, 3, 15, 30), 10.5, 11],
    ["week 5 of a month with 4 Sundays", "AAA0BBB,M10.5.0/0,M12.1.0/0", Date.UTC(2026, 9, 25), 0, 1],
    ["Jn in a leap year", "AAA0BBB,J60/0,J61/0", Date.UTC(2024, 2, 1), 0, 1],
    ["n in a leap year", "AAA0BBB,59/0,60/0", Date.UTC(2024, 1, 29), 0, 1],
    ["n in a common year", "AAA0BBB,59/0,60/0", Date.UTC(2023, 2, 1), 0, 1],
  ])("switches for %s", (_name, tz, switchMs, hoursBefore, hoursAfter) => {
    const zone = zoneOf(tz);

    expect(zone.offsetSecondsAt(switchMs - 1)).toBe(hoursBefore * HOUR_S);
    expect(zone.offsetSecondsAt(switchMs)).toBe(hoursAfter * HOUR_S);
  });

  test("marks the DST type of negative DST", () => {
    const zone = zoneOf("IST-1GMT0,M10.5.0,M3.5.0/1");

    expect(zone.localTimeTypeAt(Date.UTC(2026, 0, 15))).toEqual({ utoffSeconds: 0, isDst: true, abbreviation: "GMT" });
    expect(zone.localTimeTypeAt(Date.UTC(2026, 6, 15))).toEqual({ utoffSeconds: HOUR_S, isDst: false, abbreviation: "IST" });
  });

  test("keeps DST all year", () => {
    const zone = zoneOf("EST5EDT,0/0,J365/25");
    const instants = [Date.UTC(2025, 11, 31, 23), Date.UTC(2026, 0, 1, 4, 59, 59, 999), Date.UTC(2026, 0, 1, 5), Date.UTC(2026, 0, 1, 5, 0, 0, 1), Date.UTC(2026, 6, 1), Date.UTC(2028, 11, 31, 12)];

    for (const instantMs of instants) expect(zone.localTimeTypeAt(instantMs).abbreviation).toBe("EDT");
  });

  test("keeps standard time outside a southern summer", () => {
    const zone = zoneOf("AEST-10AEDT,M10.1.0,M4.1.0/3");

    expect(zone.offsetSecondsAt(Date.UTC(2026, 0, 1))).toBe(11 * HOUR_S);
    expect(zone.offsetSecondsAt(Date.UTC(2026, 6, 1))).toBe(10 * HOUR_S);
    expect(zone.offsetSecondsAt(Date.UTC(2026, 11, 31, 23))).toBe(11 * HOUR_S);
  });

  test("applies the rule in any year", () => {
    const zone = zoneOf("CST6CDT,M3.2.0,M11.1.0");

    // The second Sunday of March 2500 is March 14.
    expect(zone.offsetSecondsAt(Date.UTC(2500, 2, 14, 7, 59, 59))).toBe(-6 * HOUR_S);
    expect(zone.offsetSecondsAt(Date.UTC(2500, 2, 14, 8))).toBe(-5 * HOUR_S);
    expect(zone.offsetSecondsAt(Date.UTC(-1, 6, 1))).toBe(-5 * HOUR_S);
  });

  test("rejects a non-finite instant", () => {
    expect(() => zoneOf("UTC0").offsetSecondsAt(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
