/** Turns the configuration into controller settings. */
import type { DeviceConfig } from "../config/load.ts";
import type { ControlSettings } from "./controller.ts";

export function controlSettingsFromConfig(config: DeviceConfig, setpoint = config.setpoint): ControlSettings {
  return {
    setpoint,
    coldTolerance: config.cold_tolerance_deg,
    hotTolerance: config.hot_tolerance_deg,
    minOnMs: config.min_on_s * 1000,
    minOffMs: config.min_off_s * 1000,
    maxOnMs: config.max_on_s * 1000,
    overTempCutoff: config.over_temp_cutoff,
    runawayWindowMs: config.runaway_window_s * 1000,
    runawayMinRise: config.runaway_min_rise_deg,
    runawayLockoutMs: config.runaway_lockout_s * 1000,
    staleAfterMs: config.stale_after_s * 1000,
  };
}
