/** Known readings for the dashboard tests: generated days with a fixed pattern, so expected figures can be computed. */
import type { StoredReading } from "../../schema.ts";
import { dayBounds, formatLocalRfc3339 } from "../../time/zone.ts";

export interface DayFixtureOptions {
  deviceId: string;
  day: string;
  zone: string;
  /** Seconds between readings. */
  intervalS: number;
  /** Start this many seconds after local midnight. @default 0 */
  startOffsetS?: number;
  /** Stop after this many readings. @default the whole day */
  maxReadings?: number;
  withHumidity?: boolean;
  unit?: "F" | "C";
}

/**
 * Generates a day of readings: temperature on a slow wave, heater on while
 * below the 68° setpoint, humidity when asked. Times carry milliseconds so the
 * tests see exact instants survive the round trip.
 */
export function generateDay(options: DayFixtureOptions): StoredReading[] {
  const { startMs, endMs } = dayBounds(options.day, options.zone);
  const readings: StoredReading[] = [];
  const unit = options.unit ?? "F";
  for (let instantMs = startMs + (options.startOffsetS ?? 0) * 1000 + 123; instantMs < endMs; instantMs += options.intervalS * 1000) {
    if (options.maxReadings !== undefined && readings.length >= options.maxReadings) break;
    const index = readings.length;
    const temperature = Math.round((68 + 3 * Math.sin(index / 40)) * 100) / 100;
    const reading: StoredReading = {
      device_id: options.deviceId,
      time: new Date(instantMs).toISOString(),
      record_date: formatLocalRfc3339(instantMs, options.zone),
      thermostat_on: temperature < 68,
      temperature,
      thermostat_value: 68,
      unit,
    };
    if (options.withHumidity === true) reading.humidity = Math.round((40 + 10 * Math.cos(index / 60)) * 10) / 10;
    readings.push(reading);
  }
  return readings;
}
