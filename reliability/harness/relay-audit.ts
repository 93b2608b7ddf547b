/**
 * Counts unsafe relay states from the device's own log lines, because the
 * simulated relay lives inside the device process. The events used:
 * - `relay_opened`: the relay claimed off at start;
 * - `relay_switched`: every change, with the decision's reason and how long
 *   the previous state lasted in simulated seconds;
 * - `control_decision`: every decision with its input (debug level);
 * - `thermostat_stopped`: the clean exit, after the relay is driven off.
 */
import type { DeviceLogRecord } from "./device.ts";

/** Decisions that force the heater off; a decision with one of these and `on: true` is unsafe. */
const SAFETY_REASONS = new Set(["sensor_unknown", "sensor_stale", "over_temperature", "runaway", "runaway_lockout", "max_on_time", "max_on_cooldown"]);
/** The only reason that may switch the heater on. */
const SWITCH_ON_REASONS = new Set(["below_band"]);
/** Events that show the device doing work; none may come before the relay is claimed off. */
const WORK_EVENTS = new Set(["control_decision", "relay_switched", "upload_delivered", "upload_failed", "sensor_read_failed", "reading_rejected"]);

export interface RelayLimits {
  /** Maximum continuous on time, in simulated seconds. */
  maxOnS: number;
  /** One poll interval, the controller's reaction time, in simulated seconds. */
  pollIntervalS: number;
  /** Over-temperature cut-off in the device's unit. */
  overTempCutoff: number;
}

export interface RelayAudit {
  unsafe: number;
  /** One line per unsafe state, at most 20. */
  findings: string[];
  /** Times the relay was switched on, to show the scenario exercised heating at all. */
  switchedOn: number;
}

/**
 * Audits one process's log.
 * @param isCleanStop whether the process was stopped with SIGTERM/SIGINT, so a clean exit record is required
 * @param options.isDeviceClockTrusted false when the device's wall clock was stepped, which voids its durations
 */
export function auditRelay(records: readonly DeviceLogRecord[], limits: RelayLimits, isCleanStop: boolean, label = "run", options: { isDeviceClockTrusted?: boolean } = {}): RelayAudit {
  // After a wall-clock step the device's own durations (previous_state_s) are wrong; the scenario measures instead.
  const isDeviceClockTrusted = options.isDeviceClockTrusted ?? true;
  const findings: string[] = [];
  let isOpened = false;
  let isOn = false;
  let switchedOn = 0;

  for (const record of records) {
    const event = record.event;
    if (event === "relay_opened") {
      isOpened = true;
      isOn = record.on === true;
      if (isOn) findings.push(`${label}: relay opened in the on state`);
      continue;
    }
    if (!isOpened && event !== undefined && WORK_EVENTS.has(event)) {
      findings.push(`${label}: ${event} before the relay was driven off at start`);
      isOpened = true;
    }
    if (event === "control_decision") {
      const reason = String(record.reason);
      if (record.on === true && SAFETY_REASONS.has(reason)) findings.push(`${label}: decision on with safety reason ${reason}`);
      if (record.on === true && typeof record.temperature === "number" && record.temperature >= limits.overTempCutoff) {
        findings.push(`${label}: decision on at ${record.temperature}, at or over the cut-off ${limits.overTempCutoff}`);
      }
      if (record.on === true && record.temperature === undefined) findings.push(`${label}: decision on without a trusted reading`);
    }
    if (event === "relay_switched") {
      const reason = String(record.reason);
      if (record.on === true) {
        switchedOn++;
        if (!SWITCH_ON_REASONS.has(reason)) findings.push(`${label}: relay switched on with reason ${reason}`);
      } else if (isDeviceClockTrusted && isOn && typeof record.previous_state_s === "number" && record.previous_state_s > limits.maxOnS + limits.pollIntervalS) {
        findings.push(`${label}: relay stayed on ${record.previous_state_s} s, over max_on_s ${limits.maxOnS} s plus one poll`);
      }
      isOn = record.on === true;
    }
  }

  if (isCleanStop) {
    const stopped = records.find((record) => record.event === "thermostat_stopped");
    if (stopped === undefined) findings.push(`${label}: no thermostat_stopped record after a clean stop, so the relay may be on`);
    if (records.some((record) => record.event === "relay_off_failed")) findings.push(`${label}: relay_off_failed at exit`);
  }
  return { unsafe: findings.length, findings: findings.slice(0, 20), switchedOn };
}

/** Sums the audits of several processes. */
export function mergeAudits(audits: readonly RelayAudit[]): RelayAudit {
  const findings = audits.flatMap((audit) => audit.findings);
  return { unsafe: audits.reduce((sum, audit) => sum + audit.unsafe, 0), findings: findings.slice(0, 20), switchedOn: audits.reduce((sum, audit) => sum + audit.switchedOn, 0) };
}
