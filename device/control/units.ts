/** Temperature unit conversions. Sensors report °C; the device works in its configured unit. */
import { SETPOINT_RANGE, type Unit } from "../../schema.ts";

/** Converts °C to `unit`. */
export function fromCelsius(celsius: number, unit: Unit): number {
  return unit === "C" ? celsius : (celsius * 9) / 5 + 32;
}

/** Converts a temperature between units. */
export function convertTemperature(value: number, from: Unit, to: Unit): number {
  if (from === to) return value;
  return from === "C" ? (value * 9) / 5 + 32 : ((value - 32) * 5) / 9;
}

/** Rounds to one decimal, the resolution of the sensors, for the wire and logs. */
export function roundTenth(value: number): number {
  return Math.round(value * 10) / 10;
}

export type SetpointCheck = { ok: true; setpoint: number } | { ok: false; message: string };

/**
 * Converts a requested setpoint to the device's unit as a whole number (the
 * wire format's setpoints are integers) and checks it against the plausible
 * range and the over-temperature cut-off.
 */
export function checkSetpoint(options: { value: number; unit: Unit; deviceUnit: Unit; overTempCutoff: number; hotTolerance: number }): SetpointCheck {
  const { value, unit, deviceUnit } = options;
  if (!Number.isFinite(value)) return { ok: false, message: `setpoint must be a finite number, got ${value}` };
  const converted = Math.round(convertTemperature(value, unit, deviceUnit));
  const range = SETPOINT_RANGE[deviceUnit];
  const shown = unit === deviceUnit ? `${value} °${unit}` : `${value} °${unit} (${converted} °${deviceUnit})`;
  if (converted < range.min || converted > range.max) {
    return { ok: false, message: `setpoint ${shown} is outside ${range.min}–${range.max} °${deviceUnit}` };
  }
  if (converted + options.hotTolerance >= options.overTempCutoff) {
    return { ok: false, message: `setpoint ${shown} plus hot_tolerance_deg ${options.hotTolerance} reaches over_temp_cutoff ${options.overTempCutoff} °${deviceUnit}; choose a setpoint below ${options.overTempCutoff - options.hotTolerance} °${deviceUnit}` };
  }
  return { ok: true, setpoint: converted };
}
