/**
 * Places time-axis ticks on round local times in the server's zone. uPlot's
 * own time axis shifts dates into a zone with `tzDate`, which labels the hours
 * around a DST change wrongly, so the chart asks this module instead: ticks
 * are real instants whose local wall-clock reading is round, which skips
 * 02:00 on a spring-forward day and yields 01:00 twice on a fall-back day.
 */
import { dayBounds, localDay, offsetMinutesAt, resolveWallTime, wallTimeAt } from "../../time/zone.ts";
import { addDays } from "./days.ts";
import { formatClock, formatMonthDay, zoneAbbreviation } from "./time-format.ts";

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Tick spacings the axis can choose from, smallest first. */
export const TICK_STEPS_MS = [
  SECOND_MS, 5 * SECOND_MS, 15 * SECOND_MS, 30 * SECOND_MS,
  MINUTE_MS, 5 * MINUTE_MS, 10 * MINUTE_MS, 15 * MINUTE_MS, 30 * MINUTE_MS,
  HOUR_MS, 2 * HOUR_MS, 3 * HOUR_MS, 6 * HOUR_MS, 12 * HOUR_MS,
  DAY_MS, 2 * DAY_MS, 7 * DAY_MS,
] as const;

/** Bounds the work done for one axis, whatever range a caller passes. */
const MAX_TICKS = 500;

/** Returns the smallest step from {@link TICK_STEPS_MS} that puts at most `maxTicks` ticks in the span. */
export function chooseTickStep(spanMs: number, maxTicks: number): number {
  const limit = Math.max(1, maxTicks);
  for (const step of TICK_STEPS_MS) if (spanMs / step <= limit) return step;
  return TICK_STEPS_MS[TICK_STEPS_MS.length - 1] as number;
}

/** Ticks under an hour: round local minutes or seconds, realigned after each offset change. */
function subHourTicks(startMs: number, endMs: number, zone: string, stepMs: number): number[] {
  const ticks: number[] = [];
  let offsetMs = offsetMinutesAt(startMs, zone) * MINUTE_MS;
  let tick = Math.ceil((startMs + offsetMs) / stepMs) * stepMs - offsetMs;
  while (tick <= endMs && ticks.length < MAX_TICKS) {
    const currentOffsetMs = offsetMinutesAt(tick, zone) * MINUTE_MS;
    if (currentOffsetMs !== offsetMs) {
      // The offset changed since the last tick: realign on the new local grid (never moves backwards).
      offsetMs = currentOffsetMs;
      tick = Math.ceil((tick + offsetMs) / stepMs) * stepMs - offsetMs;
      continue;
    }
    ticks.push(tick);
    tick += stepMs;
  }
  return ticks;
}

/** Ticks of one or more hours: every `stepHours`-th local hour of each local day, both copies of a repeated hour. */
function hourTicks(startMs: number, endMs: number, zone: string, stepHours: number): number[] {
  const ticks: number[] = [];
  const lastDay = localDay(endMs, zone);
  for (let day = localDay(startMs, zone); day <= lastDay && ticks.length < MAX_TICKS; day = addDays(day, 1)) {
    const [year, month, date] = day.split("-").map(Number) as [number, number, number];
    for (let hour = 0; hour < 24; hour += stepHours) {
      const instant = resolveWallTime({ year, month, day: date, hour, minute: 0, second: 0, millisecond: 0 }, zone);
      const wall = wallTimeAt(instant, zone);
      if (wall.hour !== hour || wall.minute !== 0) continue; // the hour does not exist on a spring-forward day
      for (const candidate of [instant, instant + HOUR_MS]) {
        if (candidate !== instant) {
          const repeated = wallTimeAt(candidate, zone);
          if (repeated.hour !== hour || repeated.minute !== 0 || repeated.day !== date) continue;
        }
        if (candidate >= startMs && candidate <= endMs) ticks.push(candidate);
      }
    }
  }
  return ticks;
}

/** Ticks of whole days: local midnights of days whose epoch-day number is a multiple of the step, so panning keeps them stable. */
function dayTicks(startMs: number, endMs: number, zone: string, stepDays: number): number[] {
  const ticks: number[] = [];
  const lastDay = localDay(endMs, zone);
  for (let day = localDay(startMs, zone); day <= lastDay && ticks.length < MAX_TICKS; day = addDays(day, 1)) {
    const epochDay = Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
    if (epochDay % stepDays !== 0) continue;
    const { startMs: midnight } = dayBounds(day, zone);
    if (midnight >= startMs && midnight <= endMs) ticks.push(midnight);
  }
  return ticks;
}

/**
 * Returns tick instants (ms) between `startMs` and `endMs` inclusive, on round
 * local times in `zone`, spaced `stepMs` apart in wall-clock terms.
 * @throws {RangeError} when `stepMs` is not one of {@link TICK_STEPS_MS}
 */
export function localTimeTicks(startMs: number, endMs: number, zone: string, stepMs: number): number[] {
  if (!(TICK_STEPS_MS as readonly number[]).includes(stepMs)) {
    throw new RangeError(`invalid tick step ${stepMs} ms: choose one of ${TICK_STEPS_MS.join(", ")}`);
  }
  if (!(endMs >= startMs)) return [];
  if (stepMs < HOUR_MS) return subHourTicks(startMs, endMs, zone, stepMs);
  if (stepMs < DAY_MS) return hourTicks(startMs, endMs, zone, stepMs / HOUR_MS);
  return dayTicks(startMs, endMs, zone, stepMs / DAY_MS);
}

/**
 * Labels ticks: a date (`Mar 8`) at local midnight or for day steps, else the
 * clock (`HH:MM`, with seconds below a minute). Labels that would repeat, such
 * as the two 01:00 ticks of a fall-back day, get the zone's short name.
 */
export function labelTicks(ticks: readonly number[], zone: string, stepMs: number): string[] {
  const labels = ticks.map((tick) => {
    const wall = wallTimeAt(tick, zone);
    const isMidnight = wall.hour === 0 && wall.minute === 0 && wall.second === 0;
    if (stepMs >= DAY_MS || isMidnight) return formatMonthDay(tick, zone);
    return formatClock(tick, zone, stepMs < MINUTE_MS);
  });
  const seen = new Map<string, number>();
  for (const label of labels) seen.set(label, (seen.get(label) ?? 0) + 1);
  return labels.map((label, index) => ((seen.get(label) ?? 0) > 1 ? `${label} ${zoneAbbreviation(ticks[index] as number, zone)}` : label));
}
