/**
 * RFC 3339 timestamps with the real UTC offset of a zone from the system's tz
 * database. The output is the same as formatLocalRfc3339 in time/zone.ts,
 * which the cloud uses with Intl, but this needs no ICU.
 */
import type { TimeZone } from "./time-zone.ts";
import { formatWallTime, utcWallTime } from "./zone.ts";

/**
 * Formats `instantMs` as local time in `zone` with milliseconds and the offset
 * in force at that instant, e.g. `2026-03-08T01:59:59.123-06:00`. Years
 * outside 0000–9999 get six digits and a sign, as ISO 8601 extends them. An
 * offset with seconds (local mean time before about 1900) is rounded to
 * whole minutes in the suffix, as formatLocalRfc3339 does.
 * @throws {RangeError} when `instantMs` is not finite or the local time is outside the Date range
 */
export function formatZonedRfc3339(instantMs: number, zone: TimeZone): string {
  // A monotonic-clock instant has a fraction of a millisecond, which the text drops.
  const wholeMs = Math.floor(instantMs);
  const offsetSeconds = zone.offsetSecondsAt(wholeMs);
  const localMs = wholeMs + offsetSeconds * 1000;
  if (Number.isNaN(new Date(localMs).getTime())) throw new RangeError(`instant ${instantMs} in ${zone.name} is outside the range of Date`);

  return formatWallTime(utcWallTime(localMs), Math.round(offsetSeconds / 60));
}
