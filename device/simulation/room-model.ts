/**
 * A first-order thermal model of a room with a heater, shared by the
 * simulated sensor and relay. Heat leaks to the outdoors with time constant
 * `lossTimeConstantS`; the heater adds `heaterRiseCPerS` while on. Between two
 * instants the exact solution is used, so large clock jumps stay accurate.
 */

export interface RoomModelOptions {
  /** Room temperature at the start, in °C. @default 12 */
  initialC?: number;
  /** Outdoor temperature, in °C. @default -5 */
  outdoorC?: number;
  /** Time constant of heat loss, in s. @default 3600 */
  lossTimeConstantS?: number;
  /** Warming rate of the heater alone (no losses), in °C/s. @default 0.01 */
  heaterRiseCPerS?: number;
  /** Relative humidity at 20 °C, in percent. @default 45 */
  humidityAt20CPercent?: number;
  startMs: number;
}

export class RoomModel {
  private temperatureC: number;
  private atMs: number;
  private heaterOn = false;
  /** When true the heater has no effect, as with a burnt-out element or a sensor outside the room. */
  heaterBroken = false;
  readonly outdoorC: number;
  private readonly lossTimeConstantS: number;
  private readonly heaterRiseCPerS: number;
  private readonly humidityAt20CPercent: number;

  constructor(options: RoomModelOptions) {
    this.temperatureC = options.initialC ?? 12;
    this.outdoorC = options.outdoorC ?? -5;
    this.lossTimeConstantS = options.lossTimeConstantS ?? 3600;
    this.heaterRiseCPerS = options.heaterRiseCPerS ?? 0.01;
    this.humidityAt20CPercent = options.humidityAt20CPercent ?? 45;
    this.atMs = options.startMs;
  }

  /** Moves the model to `nowMs` and returns the room temperature in °C. */
  temperatureAt(nowMs: number): number {
    const elapsedS = Math.max(0, (nowMs - this.atMs) / 1000);
    if (elapsedS > 0) {
      const heating = this.heaterOn && !this.heaterBroken ? this.heaterRiseCPerS * this.lossTimeConstantS : 0;
      const equilibriumC = this.outdoorC + heating;
      this.temperatureC = equilibriumC + (this.temperatureC - equilibriumC) * Math.exp(-elapsedS / this.lossTimeConstantS);
      this.atMs = nowMs;
    }
    return this.temperatureC;
  }

  /** Relative humidity in percent: the same moisture reads lower in warmer air (about 5 % per °C). */
  humidityAt(nowMs: number): number {
    const percent = this.humidityAt20CPercent * Math.exp(-0.065 * (this.temperatureAt(nowMs) - 20));
    return Math.min(100, Math.max(0, percent));
  }

  /** Switches the heater at `nowMs`. */
  setHeater(on: boolean, nowMs: number): void {
    this.temperatureAt(nowMs);
    this.heaterOn = on;
  }

  get isHeaterOn(): boolean {
    return this.heaterOn;
  }
}
