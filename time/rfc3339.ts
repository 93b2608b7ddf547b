/**
 * Parser for RFC 3339 date-times as thermo's wire format accepts them: a
 * fraction of up to 9 digits and an optional offset. A time without an offset
 * is local to a configured IANA zone.
 */
import { isValidWallTime, resolveWallTime, wallTimeAsUtcMs, type WallTime } from "./zone.ts";

/** Instants whose UTC form has a four-digit year, the only ones a fixed-width sort key can hold. */
const MIN_INSTANT_MS = Date.parse("0000-01-01T00:00:00.000Z");
const MAX_INSTANT_MS = Date.parse("9999-12-31T23:59:59.999Z");

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})?$/;

export type ParsedDateTime =
  | { ok: true; instantMs: number; hadOffset: boolean }
  | { ok: false; reason: string };

/**
 * Parses `text` and returns its instant in ms since the epoch. Fractions finer
 * than a millisecond are truncated. A leap second (`:60`) is read as the last
 * millisecond of that minute, since JavaScript time has no leap seconds.
 */
export function parseDateTime(text: string, zone: string): ParsedDateTime {
  const match = PATTERN.exec(text);
  if (match === null) {
    return { ok: false, reason: "expected an RFC 3339 date-time such as 2026-03-08T07:59:59.123Z or 2026-03-08T01:59:59-06:00" };
  }
  const [, year, month, day, hour, minute, second, fraction, offset] = match as unknown as [string, string, string, string, string, string, string, string | undefined, string | undefined];
  const isLeapSecond = second === "60";
  const wall: WallTime = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: isLeapSecond ? 59 : Number(second),
    millisecond: isLeapSecond ? 999 : Number((fraction ?? "").padEnd(3, "0").slice(0, 3)),
  };
  if (!isValidWallTime(wall)) {
    return { ok: false, reason: "is not a real calendar date and time (check the month, day, hour, minute and second)" };
  }

  if (offset === undefined) return checkInstant(resolveWallTime(wall, zone), false);

  let offsetMinutes = 0;
  if (offset !== "Z" && offset !== "z") {
    const sign = offset.startsWith("-") ? -1 : 1;
    const offsetHours = Number(offset.slice(1, 3));
    const offsetRest = Number(offset.slice(4, 6));
    if (offsetHours > 23 || offsetRest > 59) return { ok: false, reason: `has an invalid UTC offset "${offset}" (hours 00–23, minutes 00–59)` };
    offsetMinutes = sign * (offsetHours * 60 + offsetRest);
  }
  return checkInstant(wallTimeAsUtcMs(wall) - offsetMinutes * 60_000, true);
}

/** Rejects instants outside the years 0000–9999 in UTC, which an offset or zone can push a valid local time into. */
function checkInstant(instantMs: number, hadOffset: boolean): ParsedDateTime {
  if (instantMs < MIN_INSTANT_MS || instantMs > MAX_INSTANT_MS) {
    return { ok: false, reason: "is outside the years 0000–9999 in UTC, so it cannot be stored" };
  }
  return { ok: true, instantMs, hadOffset };
}

/** Formats an instant as the fixed-width UTC sort key, e.g. `2026-03-08T07:59:59.123Z`. */
export function formatUtcKey(instantMs: number): string {
  return new Date(instantMs).toISOString();
}
