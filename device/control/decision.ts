/** The controller's decisions and their reasons; every reason is logged with the relay change it caused. */

export const DECISION_REASONS = {
  sensorUnknown: "sensor_unknown",
  sensorStale: "sensor_stale",
  overTemperature: "over_temperature",
  runaway: "runaway",
  runawayLockout: "runaway_lockout",
  maxOnTime: "max_on_time",
  maxOnCooldown: "max_on_cooldown",
  minOnTime: "min_on_time",
  minOffTime: "min_off_time",
  belowBand: "below_band",
  aboveBand: "above_band",
  heating: "heating",
  idle: "idle",
} as const;
export type DecisionReason = (typeof DECISION_REASONS)[keyof typeof DECISION_REASONS];

/** Reasons that force the heater off regardless of the minimum times. */
export const SAFETY_REASONS: ReadonlySet<DecisionReason> = new Set([
  DECISION_REASONS.sensorUnknown,
  DECISION_REASONS.sensorStale,
  DECISION_REASONS.overTemperature,
  DECISION_REASONS.runaway,
  DECISION_REASONS.runawayLockout,
  DECISION_REASONS.maxOnTime,
  DECISION_REASONS.maxOnCooldown,
]);

export interface Decision {
  /** Whether the heater should be on. */
  isOn: boolean;
  reason: DecisionReason;
  /** When the decision will change by itself if nothing else does (a minimum time or lockout ending), in ms since the epoch. */
  recheckAtMs?: number;
}
