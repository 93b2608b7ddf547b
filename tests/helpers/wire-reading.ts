/** Builders of wire-format readings for ingest tests. */
import type { WireReading } from "../../schema.ts";

/** Builds a valid reading in the predecessor's form, numbers as strings. `overrides` replace or add fields. */
export function wireReading(overrides: Partial<Record<keyof WireReading, unknown>> & Record<string, unknown> = {}): Record<string, unknown> {
  return { record_date: "2026-03-10T12:00:00Z", thermostat_on: true, temperature: "65", thermostat_value: "64", ...overrides };
}

/**
 * `count` valid readings of one device, one every `stepMs` from `startMs`,
 * with record_date in UTC (`Z`).
 */
export function wireReadings(count: number, options: { startMs: number; stepMs?: number; deviceId?: string }): Record<string, unknown>[] {
  const stepMs = options.stepMs ?? 1000;
  return Array.from({ length: count }, (_, index) =>
    wireReading({
      record_date: new Date(options.startMs + index * stepMs).toISOString(),
      temperature: 60 + (index % 10),
      thermostat_value: 64,
      thermostat_on: index % 2 === 0,
      ...(options.deviceId === undefined ? {} : { device_id: options.deviceId }),
    }),
  );
}
