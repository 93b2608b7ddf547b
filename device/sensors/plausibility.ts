/**
 * Rejects measurements that a sensor reported but that cannot be true. These
 * are non-finite values and values outside the sensor's range. They include
 * −3276.7 °C, which a negative DHT22 reading becomes when its two's-complement
 * value is decoded as sign-and-magnitude. They also include implausible jumps,
 * such as the roughly doubled values of a garbage frame that passes the checksum.
 *
 * A jump is accepted when the next reading confirms it, so a real step (the
 * sensor moved to another spot) costs one poll instead of blocking for ever.
 */
import type { SensorSample, TemperatureRangeC } from "./sensor.ts";

/** Largest temperature change accepted between two readings regardless of the time between them, in °C. */
export const MAX_STEP_C = 3;
/** Further change accepted per minute since the last accepted reading, in °C/min. */
export const MAX_RATE_C_PER_MIN = 2;
/** Largest humidity change accepted between two readings, in percentage points. */
export const MAX_HUMIDITY_STEP_PERCENT = 15;
/** Further humidity change accepted per minute, in percentage points per minute. */
export const MAX_HUMIDITY_RATE_PERCENT_PER_MIN = 5;
/** A rejected jump is confirmed by a next reading within this distance of it, in °C. */
export const CONFIRM_TOLERANCE_C = 1;

/** Reasons for rejecting a measurement. */
export const REJECTION_REASONS = {
  notFinite: "not_finite",
  signDecoding: "sign_decoding_error",
  outOfRange: "out_of_range",
  humidityOutOfRange: "humidity_out_of_range",
  jump: "implausible_jump",
  humidityJump: "implausible_humidity_jump",
} as const;
export type RejectionReason = (typeof REJECTION_REASONS)[keyof typeof REJECTION_REASONS];

export type PlausibilityResult = { ok: true; sample: SensorSample } | { ok: false; reason: RejectionReason; message: string };

/** The value −32767 tenths: what a DHT22's two's-complement negative reading gives when read as sign-and-magnitude. */
const SIGN_DECODING_BAND_C = { minC: -3276.8, maxC: -3200 };

interface Accepted {
  sample: SensorSample;
  atMs: number;
}

export class PlausibilityFilter {
  private readonly rangeC: TemperatureRangeC;
  private last: Accepted | undefined;
  private pendingJump: SensorSample | undefined;

  constructor(rangeC: TemperatureRangeC) {
    this.rangeC = rangeC;
  }

  /** Checks one measurement taken at `atMs` (monotonic ms, so a wall-clock step cannot fake a rate) and remembers it when accepted. */
  check(sample: SensorSample, atMs: number): PlausibilityResult {
    const { temperatureC, humidityPercent } = sample;
    if (!Number.isFinite(temperatureC) || (humidityPercent !== undefined && !Number.isFinite(humidityPercent))) {
      return { ok: false, reason: REJECTION_REASONS.notFinite, message: `temperature ${temperatureC} °C or humidity ${humidityPercent} % is not a finite number` };
    }
    if (temperatureC >= SIGN_DECODING_BAND_C.minC && temperatureC <= SIGN_DECODING_BAND_C.maxC) {
      return { ok: false, reason: REJECTION_REASONS.signDecoding, message: `temperature ${temperatureC} °C is a negative reading decoded as sign-and-magnitude` };
    }
    if (temperatureC < this.rangeC.minC || temperatureC > this.rangeC.maxC) {
      return { ok: false, reason: REJECTION_REASONS.outOfRange, message: `temperature ${temperatureC} °C is outside the sensor's range ${this.rangeC.minC}…${this.rangeC.maxC} °C` };
    }
    if (humidityPercent !== undefined && (humidityPercent < 0 || humidityPercent > 100)) {
      return { ok: false, reason: REJECTION_REASONS.humidityOutOfRange, message: `humidity ${humidityPercent} % is outside 0…100 %` };
    }

    const jump = this.findJump(sample, atMs);
    if (jump !== undefined) {
      const isConfirmed = this.pendingJump !== undefined && Math.abs(this.pendingJump.temperatureC - temperatureC) <= CONFIRM_TOLERANCE_C;
      if (!isConfirmed) {
        this.pendingJump = sample;
        return jump;
      }
    }

    this.pendingJump = undefined;
    this.last = { sample, atMs };
    return { ok: true, sample };
  }

  private findJump(sample: SensorSample, atMs: number): PlausibilityResult | undefined {
    if (this.last === undefined) return undefined;
    const minutes = Math.max(0, atMs - this.last.atMs) / 60_000;

    const allowedC = MAX_STEP_C + MAX_RATE_C_PER_MIN * minutes;
    const changeC = sample.temperatureC - this.last.sample.temperatureC;
    if (Math.abs(changeC) > allowedC) {
      return {
        ok: false,
        reason: REJECTION_REASONS.jump,
        message: `temperature moved from ${this.last.sample.temperatureC} °C to ${sample.temperatureC} °C in ${minutes.toFixed(1)} min; at most ${allowedC.toFixed(1)} °C is plausible`,
      };
    }

    const before = this.last.sample.humidityPercent;
    if (before !== undefined && sample.humidityPercent !== undefined) {
      const allowedPercent = MAX_HUMIDITY_STEP_PERCENT + MAX_HUMIDITY_RATE_PERCENT_PER_MIN * minutes;
      if (Math.abs(sample.humidityPercent - before) > allowedPercent) {
        return {
          ok: false,
          reason: REJECTION_REASONS.humidityJump,
          message: `humidity moved from ${before} % to ${sample.humidityPercent} % in ${minutes.toFixed(1)} min; at most ${allowedPercent.toFixed(1)} points is plausible`,
        };
      }
    }
    return undefined;
  }
}
