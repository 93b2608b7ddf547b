/** Statistics of a day of readings, computed incrementally so a day can be read one page at a time. */
import type { DaySummary, StoredReading, Unit } from "../schema.ts";

/**
 * Longest interval a reading is taken to describe, in ms. A longer gap (the
 * device was off or offline) counts toward neither heater-on nor heater-off time.
 */
export const MAX_READING_INTERVAL_MS = 15 * 60_000;

function convert(value: number, from: Unit, to: Unit): number {
  if (from === to) return value;
  return to === "C" ? ((value - 32) * 5) / 9 : (value * 9) / 5 + 32;
}

export class DaySummaryBuilder {
  private count = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private sum = 0;
  private onMs = 0;
  private coveredMs = 0;
  private unit: Unit | undefined;
  private first: string | undefined;
  private previous: { atMs: number; heaterOn: boolean; time: string } | undefined;

  /** Adds readings, which must arrive in time order across calls. */
  add(readings: readonly StoredReading[]): void {
    for (const reading of readings) {
      // A device's unit is fixed, so mixed units are rare; the first unit seen wins and the rest are converted.
      this.unit ??= reading.unit;
      const temperature = convert(reading.temperature, reading.unit, this.unit);
      this.count++;
      this.min = Math.min(this.min, temperature);
      this.max = Math.max(this.max, temperature);
      this.sum += temperature;
      this.first ??= reading.time;

      const atMs = Date.parse(reading.time);
      if (this.previous !== undefined) {
        const intervalMs = atMs - this.previous.atMs;
        if (intervalMs > 0 && intervalMs <= MAX_READING_INTERVAL_MS) {
          this.coveredMs += intervalMs;
          if (this.previous.heaterOn) this.onMs += intervalMs;
        }
      }
      this.previous = { atMs, heaterOn: reading.thermostat_on, time: reading.time };
    }
  }

  build(): DaySummary {
    if (this.count === 0) {
      return { count: 0, min: null, max: null, mean: null, heater_on_fraction: null, first: null, last: null, unit: null };
    }
    let heaterOnFraction: number;
    if (this.coveredMs > 0) heaterOnFraction = this.onMs / this.coveredMs;
    // A single reading (or readings with only long gaps between them) describes a moment, not a span.
    else heaterOnFraction = this.previous?.heaterOn === true ? 1 : 0;
    return {
      count: this.count,
      min: round(this.min),
      max: round(this.max),
      mean: round(this.sum / this.count),
      heater_on_fraction: Math.round(heaterOnFraction * 10_000) / 10_000,
      first: this.first ?? null,
      last: this.previous?.time ?? null,
      unit: this.unit ?? null,
    };
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
