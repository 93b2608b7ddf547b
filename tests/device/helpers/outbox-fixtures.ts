/** Builders shared by the outbox tests and their crash child process. */
import type { WireReading } from "../../../schema.ts";
import { formatLocalRfc3339 } from "../../../time/zone.ts";

/** 2026-03-08 06:00 UTC: the US spring-forward day, so offsets change inside the sequence. */
export const SEQUENCE_START_MS = Date.UTC(2026, 2, 8, 6, 0, 0);
export const SEQUENCE_STEP_MS = 15_000;

/** The reading number `index` of a deterministic sequence, 15 s apart. */
export function sequenceReading(index: number, deviceId = "crash"): { reading: WireReading; instantMs: number } {
  const instantMs = SEQUENCE_START_MS + index * SEQUENCE_STEP_MS;
  return {
    instantMs,
    reading: {
      record_date: formatLocalRfc3339(instantMs, "America/Chicago"),
      thermostat_on: index % 2 === 0,
      temperature: 50 + (index % 10) / 10,
      thermostat_value: 50,
      device_id: deviceId,
      humidity: 40,
      unit: "F",
    },
  };
}
