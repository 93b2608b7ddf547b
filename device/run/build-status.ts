/** Assembles `GET /status` from the service's parts. */
import { formatZonedRfc3339 } from "../../time/zoned-rfc3339.ts";
import type { DeviceStatus } from "../api/status.ts";
import type { DeviceConfig } from "../config/load.ts";
import type { Controller } from "../control/controller.ts";
import type { Decision } from "../control/decision.ts";
import type { Outbox } from "../outbox/outbox.ts";
import type { UploadStatus } from "../outbox/upload-loop.ts";
import { monotonicToWallMs, type Clock } from "../time/clock.ts";
import type { RelayGuard } from "../relays/relay-guard.ts";
import type { SensorHealth } from "./sensor-health.ts";

export interface StatusParts {
  config: DeviceConfig;
  version: string;
  clock: Clock;
  /** Monotonic ms, as are the relay's and the controller's times. */
  startedAtMs: number;
  latest: { temperature: number; humidity: number | undefined; atMs: number; atMonotonicMs: number } | undefined;
  relay: RelayGuard;
  controller: Controller;
  lastDecision: Decision | undefined;
  setpointSource: string;
  sensorDescription: string;
  sensorHealth: SensorHealth;
  upload: UploadStatus | undefined;
  uploadsConfigured: boolean;
  /** Undefined while the database is unavailable. */
  outbox: Outbox | undefined;
  /** The reason the database is unavailable. */
  outboxError: unknown;
}

function describeOutbox(outbox: Outbox | undefined, error: unknown, time: (ms: number | undefined) => string | null): DeviceStatus["outbox"] {
  if (outbox === undefined) {
    const message = error instanceof Error ? error.message : String(error);
    return { available: false, error: message, depth: null, dead_letters: null, evicted_total: null, oldest_at: null };
  }
  return { available: true, error: null, depth: outbox.depth, dead_letters: outbox.deadLetterCount, evicted_total: outbox.evictedTotal, oldest_at: time(outbox.oldestInstantMs) };
}

export function buildStatus(parts: StatusParts): DeviceStatus {
  const { config, latest, clock } = parts;
  const monotonicMs = clock.monotonicNow();
  const time = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? null : formatZonedRfc3339(ms, config.zone));
  const monotonicTime = (ms: number | undefined) => time(ms === undefined || !Number.isFinite(ms) ? undefined : monotonicToWallMs(clock, ms));
  const faults = parts.controller.faults;
  return {
    device_id: config.device_id,
    version: parts.version,
    unit: config.unit,
    temperature: latest?.temperature ?? null,
    humidity: latest?.humidity ?? null,
    reading_at: time(latest?.atMs),
    reading_age_s: latest === undefined ? null : Math.round((monotonicMs - latest.atMonotonicMs) / 1000),
    setpoint: parts.controller.setpoint,
    setpoint_source: parts.setpointSource,
    heater: { on: parts.relay.isOn, since: monotonicTime(parts.relay.sinceMs) ?? "", reason: parts.lastDecision?.reason ?? null },
    relay: { driver: parts.relay.description, bcm: config.relay_bcm, header_pin: config.relay_header_pin, active_low: config.relay_active_low },
    sensor: {
      driver: parts.sensorDescription,
      healthy: parts.sensorHealth.isLatestAccepted,
      consecutive_failures: parts.sensorHealth.consecutiveFailures,
      last_error: parts.sensorHealth.lastError ?? null,
      rejected_total: parts.sensorHealth.rejectedTotal,
      last_rejection: parts.sensorHealth.lastRejection ?? null,
    },
    upload: {
      configured: parts.uploadsConfigured,
      last_success_at: time(parts.upload?.lastSuccessAtMs),
      last_attempt_at: time(parts.upload?.lastAttemptAtMs),
      last_error: parts.upload?.lastError ?? null,
      consecutive_failures: parts.upload?.consecutiveFailures ?? 0,
    },
    outbox: describeOutbox(parts.outbox, parts.outboxError, time),
    safety: {
      runaway_lockout_until: faults.runawayLockoutUntilMs === Number.POSITIVE_INFINITY ? "until restart" : monotonicTime(faults.runawayLockoutUntilMs),
      max_on_cooldown_until: monotonicTime(faults.maxOnCooldownUntilMs),
      last_over_temperature_at: monotonicTime(faults.lastOverTemperatureAtMs),
    },
    uptime_s: Math.round((monotonicMs - parts.startedAtMs) / 1000),
  };
}
