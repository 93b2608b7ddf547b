import { afterEach, describe, expect, test } from "bun:test";
import { formatLocalRfc3339, isValidTimeZone, localDay, offsetMinutesAt, resolveWallTime, wallTimeAt } from "../../time/zone.ts";

const realDateTimeFormat = Intl.DateTimeFormat;

/** Instants across the range that matters, with edges: the epoch, negative instants, leap days, year ends and far years. */
const INSTANTS = [
  0,
  -1,
  -86_400_001,
  Date.UTC(1969, 11, 31, 23, 59, 59, 999),
  Date.UTC(2024, 1, 29, 12, 30, 15, 7),
  Date.UTC(2026, 2, 8, 7, 59, 59, 123),
  Date.UTC(2026, 11, 31, 23, 59, 59, 999),
  Date.UTC(2100, 0, 1),
  Date.UTC(-50, 5, 15, 3, 4, 5, 6),
  Date.UTC(12_000, 0, 1),
];

afterEach(() => {
  Intl.DateTimeFormat = realDateTimeFormat;
});

describe("UTC zones", () => {
  for (const zone of ["UTC", "Etc/UTC"]) {
    test(`${zone} wall time matches Intl`, () => {
      const reference = new realDateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", era: "short" });
      for (const instant of INSTANTS) {
        const parts = Object.fromEntries(reference.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
        const year = parts.era === "BC" ? 1 - Number(parts.year) : Number(parts.year);
        const wall = wallTimeAt(instant, zone);
        expect(wall.year).toBe(year);
        expect(wall.month).toBe(Number(parts.month));
        expect(wall.day).toBe(Number(parts.day));
        expect(wall.hour).toBe(Number(parts.hour));
        expect(wall.minute).toBe(Number(parts.minute));
        expect(wall.second).toBe(Number(parts.second));
        expect(wall.millisecond).toBe(((instant % 1000) + 1000) % 1000);
      }
    });

    test(`${zone} never uses Intl.DateTimeFormat`, () => {
      Intl.DateTimeFormat = function forbidden(): never {
        throw new Error("Intl.DateTimeFormat was constructed for a UTC zone");
      } as unknown as typeof Intl.DateTimeFormat;
      // A formatter cached by an earlier test file would bypass the constructor, so its method is forbidden too.
      const prototype = realDateTimeFormat.prototype;
      const realFormatToParts = prototype.formatToParts;
      prototype.formatToParts = function forbidden(): never {
        throw new Error("Intl.DateTimeFormat formatted a date for a UTC zone");
      };
      try {
        expect(isValidTimeZone(zone)).toBe(true);
        expect(offsetMinutesAt(Date.UTC(2026, 2, 8, 8), zone)).toBe(0);
        expect(localDay(Date.UTC(2026, 2, 8, 23, 59, 59, 999), zone)).toBe("2026-03-08");
        expect(formatLocalRfc3339(Date.UTC(2026, 2, 8, 7, 59, 59, 123), zone)).toBe("2026-03-08T07:59:59.123+00:00");
        expect(resolveWallTime({ year: 2026, month: 3, day: 8, hour: 2, minute: 30, second: 0, millisecond: 0 }, zone)).toBe(Date.UTC(2026, 2, 8, 2, 30));
      } finally {
        prototype.formatToParts = realFormatToParts;
      }
    });
  }

  test("other zones still go through Intl", () => {
    // The module caches formatters across test files, so calls are counted on the prototype, not the constructor.
    const prototype = realDateTimeFormat.prototype;
    const realFormatToParts = prototype.formatToParts;
    let calls = 0;
    prototype.formatToParts = function counting(this: Intl.DateTimeFormat, date?: Date | number) {
      calls++;
      return realFormatToParts.call(this, date);
    };
    try {
      expect(offsetMinutesAt(Date.UTC(2026, 0, 15), "Pacific/Chatham")).toBe(13 * 60 + 45);
    } finally {
      prototype.formatToParts = realFormatToParts;
    }
    expect(calls).toBeGreaterThan(0);
  });
});
