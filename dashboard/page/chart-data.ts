/**
 * Turns the API's readings into uPlot's column layout: one shared x column in
 * epoch seconds and one column per series, plus the heater-on periods that the
 * chart shades. Pure, so it is tested without a browser.
 */
import type { StoredReading, Unit } from "../../schema.ts";

/** A gap between readings at least this long breaks the lines, whatever the polling rate. */
export const MIN_GAP_MS = 10 * 60_000;
/** A gap is also this many times the median interval between readings. */
const GAP_MEDIAN_FACTOR = 5;

/** The chart's columns. Every column has one entry per x value; `null` breaks a line at a gap. */
export interface ChartColumns {
  /** Reading instants in seconds since the epoch (uPlot's time unit), with one extra entry per gap. */
  timesSec: number[];
  temperature: (number | null)[];
  setpoint: (number | null)[];
  /** 1 while the heater is on, 0 while off; only the legend shows it. */
  heater: (number | null)[];
  /** `null` when no reading in the range carries humidity, so the chart drops the humidity axis. */
  humidity: (number | null)[] | null;
  /** Periods with the heater on, `[start, end]` in seconds: from an "on" reading to the next reading. */
  heaterSpansSec: Array<[number, number]>;
  /** Readings drawn, without the gap markers. */
  readingCount: number;
  /** Breaks inserted because readings stopped for a while. */
  gapCount: number;
  /** Silence between two readings that counts as a gap: 5 median intervals, at least {@link MIN_GAP_MS}. */
  gapThresholdMs: number;
  /** The unit every temperature in the columns is in. */
  unit: Unit;
}

/** Converts a temperature to `unit`. */
export function convertTemperature(value: number, from: Unit, to: Unit): number {
  if (from === to) return value;
  return to === "F" ? (value * 9) / 5 + 32 : ((value - 32) * 5) / 9;
}

function medianIntervalMs(instantsMs: readonly number[]): number {
  const intervals: number[] = [];
  for (let index = 1; index < instantsMs.length; index++) intervals.push((instantsMs[index] as number) - (instantsMs[index - 1] as number));
  if (intervals.length === 0) return 0;
  intervals.sort((a, b) => a - b);
  return intervals[Math.floor((intervals.length - 1) / 2)] as number; // the lower median, so one long gap cannot set the threshold
}

/**
 * Builds the chart columns from readings in time order. Temperatures and
 * setpoints are converted to the unit of the first reading, as the API's day
 * summary does, because one axis shows one unit.
 */
export function buildChartColumns(readings: readonly StoredReading[], fallbackUnit: Unit = "F"): ChartColumns {
  const unit = readings[0]?.unit ?? fallbackUnit;
  const instantsMs = readings.map((reading) => Date.parse(reading.time));
  const gapMs = Math.max(MIN_GAP_MS, GAP_MEDIAN_FACTOR * medianIntervalMs(instantsMs));
  const hasHumidity = readings.some((reading) => reading.humidity !== undefined);

  const columns: ChartColumns = {
    timesSec: [], temperature: [], setpoint: [], heater: [], humidity: hasHumidity ? [] : null,
    heaterSpansSec: [], readingCount: readings.length, gapCount: 0, gapThresholdMs: gapMs, unit,
  };
  let spanStartSec: number | null = null;

  readings.forEach((reading, index) => {
    const instantMs = instantsMs[index] as number;
    const previousMs = index > 0 ? (instantsMs[index - 1] as number) : undefined;
    const isAfterGap = previousMs !== undefined && instantMs - previousMs >= gapMs;

    if (isAfterGap) {
      // A null row halfway through the gap breaks every line there.
      columns.timesSec.push((previousMs + instantMs) / 2000);
      columns.temperature.push(null);
      columns.setpoint.push(null);
      columns.heater.push(null);
      columns.humidity?.push(null);
      columns.gapCount++;
      if (spanStartSec !== null) {
        // The heater's state while the device was silent is unknown, so the shading stops at the last reading.
        columns.heaterSpansSec.push([spanStartSec, previousMs / 1000]);
        spanStartSec = null;
      }
    }

    const timeSec = instantMs / 1000;
    if (spanStartSec !== null && !reading.thermostat_on) {
      columns.heaterSpansSec.push([spanStartSec, timeSec]);
      spanStartSec = null;
    }
    if (spanStartSec === null && reading.thermostat_on) spanStartSec = timeSec;

    columns.timesSec.push(timeSec);
    columns.temperature.push(convertTemperature(reading.temperature, reading.unit, unit));
    columns.setpoint.push(convertTemperature(reading.thermostat_value, reading.unit, unit));
    columns.heater.push(reading.thermostat_on ? 1 : 0);
    columns.humidity?.push(reading.humidity ?? null);
  });

  const lastMs = instantsMs.at(-1);
  if (spanStartSec !== null && lastMs !== undefined && lastMs / 1000 > spanStartSec) columns.heaterSpansSec.push([spanStartSec, lastMs / 1000]);
  return columns;
}
