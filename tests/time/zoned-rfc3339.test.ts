import { describe, expect, test } from "bun:test";
import { loadZone } from "../../time/system-zone.ts";
import { fixedTimeZone, type TimeZone } from "../../time/time-zone.ts";
import { formatZonedRfc3339 } from "../../time/zoned-rfc3339.ts";
import { formatLocalRfc3339 } from "../../time/zone.ts";
import { aroundEach, intlOffsetSeconds, randomInstants, scanChanges } from "./helpers/reference.ts";

/** Zones whose tzdata and ICU data agree from 1970 to 2100 (tzif-intl.test.ts checks that). */
const ZONES = ["America/Chicago", "America/St_Johns", "Australia/Lord_Howe", "Europe/Dublin", "Africa/Casablanca", "Pacific/Apia", "Asia/Kathmandu", "Pacific/Chatham", "America/Sao_Paulo", "Antarctica/Troll", "Asia/Tehran", "Europe/London", "Africa/Monrovia", "UTC"];

/** Creates a zone whose offsets come from Intl, so only the formatting differs from formatLocalRfc3339. */
function intlZone(name: string): TimeZone {
  return {
    name,
    localTimeTypeAt: (instantMs) => ({ utoffSeconds: intlOffsetSeconds(instantMs, name), isDst: false, abbreviation: "" }),
    offsetSecondsAt: (instantMs) => intlOffsetSeconds(instantMs, name),
  };
}

describe("formatZonedRfc3339", () => {
  test.each([
    [Date.UTC(2026, 2, 8, 7, 59, 59, 123), "2026-03-08T01:59:59.123-06:00"],
    [Date.UTC(2026, 2, 8, 8), "2026-03-08T03:00:00.000-05:00"],
    [Date.UTC(2026, 10, 1, 6, 59, 59, 999), "2026-11-01T01:59:59.999-05:00"],
    [Date.UTC(2026, 10, 1, 7), "2026-11-01T01:00:00.000-06:00"],
    [Date.UTC(2026, 0, 15, 6, 0, 0, 5), "2026-01-15T00:00:00.005-06:00"],
  ])("formats %d in Chicago", (instantMs, expected) => {
    expect(formatZonedRfc3339(instantMs, loadZone("America/Chicago"))).toBe(expected);
  });

  test("formats half-hour and 45-minute offsets", () => {
    expect(formatZonedRfc3339(Date.UTC(2026, 0, 15, 12), loadZone("America/St_Johns"))).toBe("2026-01-15T08:30:00.000-03:30");
    expect(formatZonedRfc3339(Date.UTC(2026, 0, 15, 12), loadZone("Pacific/Chatham"))).toBe("2026-01-16T01:45:00.000+13:45");
  });

  test("drops a fraction of a millisecond", () => {
    const instantMs = Date.UTC(2026, 11, 4, 18, 37, 55, 949) + 0.648681640625;

    expect(formatZonedRfc3339(instantMs, loadZone("America/Chicago"))).toBe("2026-12-04T12:37:55.949-06:00");
    expect(formatLocalRfc3339(instantMs, "America/Chicago")).toBe("2026-12-04T12:37:55.949-06:00");
    expect(formatZonedRfc3339(-0.5, loadZone("UTC"))).toBe("1969-12-31T23:59:59.999+00:00");
    expect(formatLocalRfc3339(-0.5, "UTC")).toBe("1969-12-31T23:59:59.999+00:00");
  });

  test("writes +00:00 for UTC, never Z", () => {
    expect(formatZonedRfc3339(Date.UTC(2026, 0, 1), loadZone("UTC"))).toBe("2026-01-01T00:00:00.000+00:00");
  });

  test("rounds an offset with seconds in the suffix only", () => {
    const zone = fixedTimeZone("Test/Monrovia", { utoffSeconds: -2670, isDst: false, abbreviation: "MMT" });

    expect(formatZonedRfc3339(Date.UTC(1971, 0, 1, 12), zone)).toBe("1971-01-01T11:15:30.000-00:44");
  });

  test.each([
    [Date.UTC(-1, 0, 1), "-000001-01-01T00:00:00.000+00:00"],
    [Date.UTC(10_000, 0, 1), "+010000-01-01T00:00:00.000+00:00"],
  ])("writes six-digit years outside 0000–9999 (%d)", (instantMs, expected) => {
    expect(formatZonedRfc3339(instantMs, loadZone("UTC"))).toBe(expected);
  });

  test("rejects a non-finite instant", () => {
    expect(() => formatZonedRfc3339(Number.NaN, loadZone("UTC"))).toThrow(RangeError);
  });
});

describe("formatZonedRfc3339 against formatLocalRfc3339", () => {
  test.each(ZONES)("%s matches with Intl's offsets from 1800 to 2200", (name) => {
    const zone = intlZone(name);
    const instants = randomInstants(2000, 17, Date.UTC(1800, 0, 1), Date.UTC(2200, 0, 1));

    for (const instantMs of instants) expect(formatZonedRfc3339(instantMs, zone)).toBe(formatLocalRfc3339(instantMs, name));
  });

  test.each(ZONES)("%s matches with tzdata's offsets from 1970 to 2100", (name) => {
    const zone = loadZone(name);
    const instants = [...aroundEach(scanChanges((instantMs) => zone.offsetSecondsAt(instantMs))), ...randomInstants(1000, 23)];

    for (const instantMs of instants) expect(formatZonedRfc3339(instantMs, zone)).toBe(formatLocalRfc3339(instantMs, name));
  });
});
