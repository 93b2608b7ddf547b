/** The shape of `GET /status`, shared by the local API and `thermo status`. */
import { z } from "zod";

export const deviceStatusSchema = z.object({
  device_id: z.string(),
  version: z.string(),
  unit: z.enum(["F", "C"]),
  /** Newest accepted reading in `unit`, or null before the first. */
  temperature: z.number().nullable(),
  humidity: z.number().nullable(),
  reading_at: z.string().nullable(),
  reading_age_s: z.number().nullable(),
  setpoint: z.number(),
  setpoint_source: z.string(),
  heater: z.object({
    on: z.boolean(),
    since: z.string(),
    reason: z.string().nullable(),
  }),
  relay: z.object({ driver: z.string(), bcm: z.number(), header_pin: z.number(), active_low: z.boolean() }),
  sensor: z.object({
    driver: z.string(),
    healthy: z.boolean(),
    consecutive_failures: z.number(),
    last_error: z.string().nullable(),
    rejected_total: z.number(),
    last_rejection: z.string().nullable(),
  }),
  upload: z.object({
    configured: z.boolean(),
    last_success_at: z.string().nullable(),
    last_attempt_at: z.string().nullable(),
    last_error: z.string().nullable(),
    consecutive_failures: z.number(),
  }),
  /** Counts are null while the database cannot be opened (read-only or full disk); readings are then lost, not queued. */
  outbox: z.object({
    available: z.boolean(),
    /** The reason the database cannot be opened, while it is unavailable. */
    error: z.string().nullable(),
    depth: z.number().nullable(),
    dead_letters: z.number().nullable(),
    evicted_total: z.number().nullable(),
    oldest_at: z.string().nullable(),
  }),
  safety: z.object({
    runaway_lockout_until: z.string().nullable(),
    max_on_cooldown_until: z.string().nullable(),
    last_over_temperature_at: z.string().nullable(),
  }),
  uptime_s: z.number(),
});
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;
