/**
 * The thermostat's decision rule, free of I/O so tests can run a simulated
 * day in milliseconds. Temperatures are in the device's unit. Every time is
 * on the monotonic clock (`Clock.monotonicNow`), so a step of the wall clock
 * cannot shorten or stretch the minimum and maximum times, the runaway
 * window or the stale cut-off.
 *
 * Order of the rules, first match wins:
 *   1. unknown reading (failed or rejected)       → off
 *   2. last good reading older than staleAfterMs  → off
 *   3. at or above the over-temperature cut-off   → off
 *   4. runaway lockout in force                   → off
 *   5. cooldown after the maximum on time         → off
 *   6. on: maximum on time reached                → off, cooldown of minOffMs
 *      on: no rise of runawayMinRise within runawayWindowMs → off, lockout
 *      on: at or above setpoint + hotTolerance   → off once minOnMs has passed
 *   7. off: at or below setpoint − coldTolerance → on once minOffMs has passed
 * Rules 1–6 are safety limits and ignore the minimum on time.
 *
 *           on ────────────────┐          ┌──── heater
 *   setpoint + hot  ─ ─ ─ ─ ─ ─│─ ─ ─ ─ ─ ─│─ ─
 *   setpoint                   │          │
 *   setpoint − cold ─ ─ ─ ─ ─ ─│─ ─ ─ ─ ─ ─┘─ ─
 */
import { DECISION_REASONS, type Decision } from "./decision.ts";

export interface ControlSettings {
  setpoint: number;
  coldTolerance: number;
  hotTolerance: number;
  minOnMs: number;
  minOffMs: number;
  maxOnMs: number;
  overTempCutoff: number;
  runawayWindowMs: number;
  runawayMinRise: number;
  /** How long a runaway keeps the heater off, in ms; 0 keeps it off until the process restarts. */
  runawayLockoutMs: number;
  staleAfterMs: number;
}

export interface ControlInput {
  /** Monotonic ms, as are all times here. */
  nowMs: number;
  /** Whether the relay is on now, and since when. */
  isOn: boolean;
  sinceMs: number;
  /** The newest accepted reading, or undefined when the latest attempt failed or was rejected. */
  reading: { temperature: number; atMs: number } | undefined;
}

/** Safety state the controller keeps between decisions, for status and logs. */
export interface ControllerFaults {
  /** When a runaway lockout ends (monotonic ms); Infinity until restart; undefined when none. */
  runawayLockoutUntilMs: number | undefined;
  maxOnCooldownUntilMs: number | undefined;
  lastOverTemperatureAtMs: number | undefined;
}

export class Controller {
  private settings: ControlSettings;
  private runawayReference: { temperature: number; atMs: number } | undefined;
  private readonly faultState: ControllerFaults = { runawayLockoutUntilMs: undefined, maxOnCooldownUntilMs: undefined, lastOverTemperatureAtMs: undefined };

  constructor(settings: ControlSettings) {
    this.settings = { ...settings };
  }

  get setpoint(): number {
    return this.settings.setpoint;
  }

  /** Changes the setpoint; the caller has checked its range against the cut-off. */
  setSetpoint(setpoint: number): void {
    this.settings = { ...this.settings, setpoint };
  }

  get faults(): Readonly<ControllerFaults> {
    return { ...this.faultState };
  }

  decide(input: ControlInput): Decision {
    const { nowMs, isOn, sinceMs, reading } = input;
    const s = this.settings;
    const off = (reason: Decision["reason"], recheckAtMs?: number): Decision => {
      this.runawayReference = undefined;
      return recheckAtMs === undefined ? { isOn: false, reason } : { isOn: false, reason, recheckAtMs };
    };

    // Safety limits first; they override the minimum on time.
    if (reading === undefined) return off(DECISION_REASONS.sensorUnknown);
    if (nowMs - reading.atMs > s.staleAfterMs) return off(DECISION_REASONS.sensorStale);
    const { temperature } = reading;
    if (temperature >= s.overTempCutoff) {
      this.faultState.lastOverTemperatureAtMs = nowMs;
      return off(DECISION_REASONS.overTemperature);
    }
    const lockoutUntilMs = this.faultState.runawayLockoutUntilMs;
    if (lockoutUntilMs !== undefined) {
      if (nowMs < lockoutUntilMs) return off(DECISION_REASONS.runawayLockout, Number.isFinite(lockoutUntilMs) ? lockoutUntilMs : undefined);
      this.faultState.runawayLockoutUntilMs = undefined;
    }
    const cooldownUntilMs = this.faultState.maxOnCooldownUntilMs;
    if (cooldownUntilMs !== undefined) {
      if (nowMs < cooldownUntilMs) return off(DECISION_REASONS.maxOnCooldown, cooldownUntilMs);
      this.faultState.maxOnCooldownUntilMs = undefined;
    }

    if (isOn) return this.decideWhileOn(input, temperature);

    // Off: turn on below the band once the minimum off time has passed.
    if (temperature > s.setpoint - s.coldTolerance) return off(DECISION_REASONS.idle);
    if (nowMs - sinceMs < s.minOffMs) return off(DECISION_REASONS.minOffTime, sinceMs + s.minOffMs);
    this.runawayReference = { temperature, atMs: nowMs };
    return { isOn: true, reason: DECISION_REASONS.belowBand };
  }

  private decideWhileOn(input: ControlInput, temperature: number): Decision {
    const { nowMs, sinceMs } = input;
    const s = this.settings;

    if (nowMs - sinceMs >= s.maxOnMs) {
      this.faultState.maxOnCooldownUntilMs = nowMs + s.minOffMs;
      this.runawayReference = undefined;
      return { isOn: false, reason: DECISION_REASONS.maxOnTime, recheckAtMs: nowMs + s.minOffMs };
    }

    // Runaway: each window of heating must raise the temperature by runawayMinRise.
    this.runawayReference ??= { temperature, atMs: sinceMs };
    if (nowMs - this.runawayReference.atMs >= s.runawayWindowMs) {
      if (temperature - this.runawayReference.temperature < s.runawayMinRise) {
        this.faultState.runawayLockoutUntilMs = s.runawayLockoutMs === 0 ? Number.POSITIVE_INFINITY : nowMs + s.runawayLockoutMs;
        this.runawayReference = undefined;
        return { isOn: false, reason: DECISION_REASONS.runaway };
      }
      this.runawayReference = { temperature, atMs: nowMs };
    }

    if (temperature < s.setpoint + s.hotTolerance) return { isOn: true, reason: DECISION_REASONS.heating };
    if (nowMs - sinceMs < s.minOnMs) return { isOn: true, reason: DECISION_REASONS.minOnTime, recheckAtMs: sinceMs + s.minOnMs };
    this.runawayReference = undefined;
    return { isOn: false, reason: DECISION_REASONS.aboveBand };
  }
}
