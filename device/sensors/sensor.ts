/** The interface every sensor driver implements. */

/** One raw measurement, before plausibility checks. */
export interface SensorSample {
  temperatureC: number;
  /** Relative humidity in percent, from sensors that measure it. */
  humidityPercent?: number;
}

/** Plausible temperatures of a sensor model, in °C. */
export interface TemperatureRangeC {
  minC: number;
  maxC: number;
}

export interface Sensor {
  /** Driver and device, for logs: `iio-dht dht11@4`. */
  readonly description: string;
  /** Shortest wait between two reads of the hardware, in ms; retries are spaced by it. */
  readonly minIntervalMs: number;
  /** Range the sensor can measure; values outside it are rejected. */
  readonly rangeC: TemperatureRangeC;
  /**
   * Takes one measurement.
   * @throws {SensorReadError} with the failure code when the read fails
   */
  read(): Promise<SensorSample>;
}

/** Reads text files and folders under sysfs; injectable so tests can raise errno failures. */
export interface SysfsReader {
  readText(path: string): Promise<string>;
  list(dir: string): Promise<string[]>;
}
