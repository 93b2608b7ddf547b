/**
 * Calendar-day arithmetic on `YYYY-MM-DD` strings. A day here is a local day
 * in the server's time zone, so the arithmetic stays on the calendar and never
 * adds 24 hours (a DST day is 23 or 25 hours long).
 */
import { localDay } from "../../time/zone.ts";

/** Days the page shows at once. */
export const MAX_RANGE_DAYS = 31;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Returns whether `text` is a real calendar date written as `YYYY-MM-DD`. */
export function isDay(text: string): boolean {
  const match = DAY_PATTERN.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Returns the day `count` calendar days after `day` (before it when negative).
 * @throws {RangeError} when `day` is not a `YYYY-MM-DD` date
 */
export function addDays(day: string, count: number): string {
  if (!isDay(day)) throw new RangeError(`invalid day "${day}": expected YYYY-MM-DD`);
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  const shifted = new Date(Date.UTC(year, month - 1, date + count));
  return shifted.toISOString().slice(0, 10);
}

/** Returns today's date in `zone` at `nowMs` (ms since the epoch). */
export function todayIn(zone: string, nowMs: number): string {
  return localDay(nowMs, zone);
}

/**
 * Lists the `count` days that end on `lastDay`, oldest first.
 * @throws {RangeError} when `count` is not an integer from 1 to {@link MAX_RANGE_DAYS}
 */
export function daysEndingOn(lastDay: string, count: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_RANGE_DAYS) {
    throw new RangeError(`invalid number of days ${count}: choose 1 to ${MAX_RANGE_DAYS}`);
  }
  const days: string[] = [];
  for (let offset = count - 1; offset >= 0; offset--) days.push(addDays(lastDay, -offset));
  return days;
}
