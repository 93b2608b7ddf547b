/**
 * Formats instants as wall-clock text in the server's time zone (not the
 * browser's), so the chart, the legend and the table agree with the days the
 * API returns. Output is fixed (24-hour clock, ISO dates) whatever the
 * browser's locale, so tests and screenshots compare across machines.
 */
import { wallTimeAt } from "../../time/zone.ts";

const zoneNameCache = new Map<string, Intl.DateTimeFormat>();
const monthDayCache = new Map<string, Intl.DateTimeFormat>();

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/** Returns the zone's short name at `instantMs`, such as `CST`, `CDT` or `GMT+1`. */
export function zoneAbbreviation(instantMs: number, zone: string): string {
  let formatter = zoneNameCache.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "short" });
    zoneNameCache.set(zone, formatter);
  }
  return formatter.formatToParts(new Date(instantMs)).find((part) => part.type === "timeZoneName")?.value ?? zone;
}

/** Formats `HH:MM`, or `HH:MM:SS` when `withSeconds` is set. */
export function formatClock(instantMs: number, zone: string, withSeconds = false): string {
  const wall = wallTimeAt(instantMs, zone);
  const clock = `${pad(wall.hour)}:${pad(wall.minute)}`;
  return withSeconds ? `${clock}:${pad(wall.second)}` : clock;
}

/** Formats a short date such as `Mar 8`. */
export function formatMonthDay(instantMs: number, zone: string): string {
  let formatter = monthDayCache.get(zone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone: zone, month: "short", day: "numeric" });
    monthDayCache.set(zone, formatter);
  }
  return formatter.format(new Date(instantMs));
}

/** The pieces of an exact local time, so a narrow table can hide some of them. */
export interface ExactTimeParts {
  /** `2026-03-08` */
  date: string;
  /** `01:59:59` */
  clock: string;
  /** `.123` */
  milliseconds: string;
  /** The zone's short name, such as `CST`. */
  zone: string;
}

/** Splits an instant into its local date, clock, milliseconds and zone name. */
export function exactTimeParts(instantMs: number, zone: string): ExactTimeParts {
  const wall = wallTimeAt(instantMs, zone);
  return {
    date: `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`,
    clock: `${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}`,
    milliseconds: `.${pad(wall.millisecond, 3)}`,
    zone: zoneAbbreviation(instantMs, zone),
  };
}

/** Formats the exact local time with milliseconds and the zone's short name: `2026-03-08 01:59:59.123 CST`. */
export function formatExactTime(instantMs: number, zone: string): string {
  const parts = exactTimeParts(instantMs, zone);
  return `${parts.date} ${parts.clock}${parts.milliseconds} ${parts.zone}`;
}

/** Formats a duration in seconds as the largest fitting unit: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function formatAge(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}
