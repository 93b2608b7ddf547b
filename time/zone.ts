/**
 * IANA time-zone arithmetic on top of Intl, for runtimes without Temporal
 * (the Lambda Node.js runtime has none). Covers what thermo needs: a zone's
 * UTC offset at an instant, the local calendar day of an instant, local
 * wall-clock times resolved to instants, and RFC 3339 strings with the real
 * offset.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const formatterCache = new Map<string, Intl.DateTimeFormat>();

/**
 * Names of UTC itself, which are served from Date's UTC fields without Intl.
 * Creating the first Intl.DateTimeFormat in a process initializes ICU, which
 * took about 12 ms on Node.js 20 (x64) and is part of every Lambda cold start otherwise.
 * The device's tz database loader (time/system-zone.ts) accepts them without a zone file.
 */
export const UTC_ZONES: ReadonlySet<string> = new Set(["UTC", "Etc/UTC"]);

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatterCache.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      era: "short",
    });
    formatterCache.set(zone, formatter);
  }
  return formatter;
}

/** Returns whether `zone` is an IANA time-zone name this runtime supports. */
export function isValidTimeZone(zone: string): boolean {
  if (UTC_ZONES.has(zone)) return true;
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks `zone` and returns it unchanged.
 * @throws {RangeError} naming the zone when the runtime does not know it
 */
export function assertTimeZone(zone: string): string {
  if (!isValidTimeZone(zone)) {
    throw new RangeError(`unknown time zone "${zone}": use an IANA name such as "UTC" or "America/Chicago"`);
  }
  return zone;
}

/** A wall-clock date and time with no zone attached. Months are 1–12. */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** Returns the local wall-clock time in `zone` at `instantMs` (ms since the epoch). */
export function wallTimeAt(instantMs: number, zone: string): WallTime {
  if (UTC_ZONES.has(zone)) return utcWallTime(instantMs);
  const parts = formatterFor(zone).formatToParts(new Date(instantMs));
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((part) => part.type === type)?.value);
  const era = parts.find((part) => part.type === "era")?.value;
  const rawYear = field("year");
  return {
    year: era === "BC" || era === "B" ? 1 - rawYear : rawYear,
    month: field("month"),
    day: field("day"),
    hour: field("hour"),
    minute: field("minute"),
    second: field("second"),
    millisecond: ((instantMs % 1000) + 1000) % 1000,
  };
}

/** Returns the wall time of `instantMs` in UTC, from Date's UTC fields. */
export function utcWallTime(instantMs: number): WallTime {
  const date = new Date(instantMs);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
  };
}

/** Interprets a wall time as if it were UTC and returns ms since the epoch. */
export function wallTimeAsUtcMs(wall: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, wall.millisecond);
  return date.getTime();
}

/** Returns the UTC offset of `zone` at `instantMs`, in minutes east of UTC (Chicago in winter: −360). */
export function offsetMinutesAt(instantMs: number, zone: string): number {
  const wholeSecond = instantMs - (((instantMs % 1000) + 1000) % 1000);
  const wall = wallTimeAt(wholeSecond, zone);
  return Math.round((wallTimeAsUtcMs({ ...wall, millisecond: 0 }) - wholeSecond) / MINUTE_MS);
}

/** Returns whether the parts name a real calendar date and time (no 30 February, no hour 24). */
export function isValidWallTime(wall: WallTime): boolean {
  const { year, month, day, hour, minute, second, millisecond } = wall;
  if (![year, month, day, hour, minute, second, millisecond].every(Number.isInteger)) return false;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  if (hour < 0 || minute < 0 || second < 0 || millisecond < 0 || millisecond > 999) return false;
  // Day 0 of the following month is the last day of this one. February depends on the year, so it is checked apart.
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate();
  if (month !== 2) return day <= daysInMonth;
  const isLeap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (isLeap ? 29 : 28);
}

/**
 * Resolves a local wall time in `zone` to an instant the way Temporal's
 * `compatible` disambiguation does: in a repeated hour (autumn) the earlier
 * occurrence, in a skipped hour (spring) the time moved forward by the gap.
 */
export function resolveWallTime(wall: WallTime, zone: string): number {
  const asUtc = wallTimeAsUtcMs(wall);
  // Offsets a day either side cover every transition that can affect this wall time.
  const offsetBefore = offsetMinutesAt(asUtc - DAY_MS, zone);
  const offsetAfter = offsetMinutesAt(asUtc + DAY_MS, zone);
  const candidates = [...new Set([offsetBefore, offsetAfter])]
    .map((offset) => asUtc - offset * MINUTE_MS)
    .filter((instant) => wallTimeAsUtcMs(wallTimeAt(instant, zone)) === asUtc)
    .sort((a, b) => a - b);
  const earliest = candidates[0];
  if (earliest !== undefined) return earliest;
  // In a gap: reading the wall time with the offset in force before the gap moves it forward by the gap.
  return asUtc - offsetBefore * MINUTE_MS;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/** Formats a year for ISO 8601: four digits, or six with a sign outside 0000–9999. */
function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return pad(year, 4);
  return (year < 0 ? "-" : "+") + pad(Math.abs(year), 6);
}

/** Returns the local calendar day of `instantMs` in `zone` as `YYYY-MM-DD`. */
export function localDay(instantMs: number, zone: string): string {
  const wall = wallTimeAt(instantMs, zone);
  return `${formatYear(wall.year)}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** Formats an offset in minutes as `+HH:MM` / `-HH:MM`, or `Z` for zero when `zuluForZero` is set. */
export function formatOffset(offsetMinutes: number, zuluForZero = false): string {
  if (offsetMinutes === 0 && zuluForZero) return "Z";
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * Formats `instantMs` as RFC 3339 local time in `zone` with milliseconds and the
 * offset in force at that instant, e.g. `2026-03-08T01:59:59.500-06:00`.
 */
export function formatLocalRfc3339(instantMs: number, zone: string): string {
  // A monotonic-clock instant has a fraction of a millisecond, which RFC 3339 text here does not carry.
  const wholeMs = Math.floor(instantMs);
  return formatWallTime(wallTimeAt(wholeMs, zone), offsetMinutesAt(wholeMs, zone));
}

/** Formats a wall time and its offset as RFC 3339 with milliseconds, e.g. `2026-03-08T01:59:59.500-06:00`. */
export function formatWallTime(wall: WallTime, offsetMinutes: number): string {
  const date = `${formatYear(wall.year)}-${pad(wall.month)}-${pad(wall.day)}`;
  const time = `${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}.${pad(wall.millisecond, 3)}`;
  return `${date}T${time}${formatOffset(offsetMinutes)}`;
}

/** Returns the first instant of local day `day` (`YYYY-MM-DD`) in `zone`, and the first instant of the next day. */
export function dayBounds(day: string, zone: string): { startMs: number; endMs: number } {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const midnight = { year, month, day: date, hour: 0, minute: 0, second: 0, millisecond: 0 };
  const next = new Date(Date.UTC(year, month - 1, date + 1));
  const nextMidnight = { ...midnight, year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
  return { startMs: resolveWallTime(midnight, zone), endMs: resolveWallTime(nextMidnight, zone) };
}
