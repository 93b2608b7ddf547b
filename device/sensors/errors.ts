/** Errors of the sensor drivers. */

/** Failure reason of a reading as a short machine-readable code: an errno name or one of ours. */
export type SensorFailureCode =
  | "EIO"
  | "ETIMEDOUT"
  | "EAGAIN"
  | "EINTR"
  | "ENODEV"
  | "ENOENT"
  | "EMPTY_READ"
  | "CRC_MISMATCH"
  | "MALFORMED"
  | "POWER_ON_RESET"
  | "ALL_ZERO_SCRATCHPAD"
  | "NOT_FOUND"
  | "TIMED_OUT"
  | "DRIVER_ERROR";

/** Failure codes worth another attempt within the same poll. */
const RETRIABLE_CODES: ReadonlySet<SensorFailureCode> = new Set([
  "EIO",
  "ETIMEDOUT",
  "EAGAIN",
  "EINTR",
  "EMPTY_READ",
  "CRC_MISMATCH",
  "POWER_ON_RESET",
  "TIMED_OUT",
  "DRIVER_ERROR",
]);

/** One failed attempt to read a sensor. */
export class SensorReadError extends Error {
  override readonly name = "SensorReadError";
  /** The sensor, as its driver describes it (`iio-dht dht11@4`). */
  readonly sensor: string;
  readonly code: SensorFailureCode;

  constructor(sensor: string, code: SensorFailureCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.sensor = sensor;
    this.code = code;
  }

  /** Whether another attempt within the same poll may succeed. */
  get isRetriable(): boolean {
    return RETRIABLE_CODES.has(this.code);
  }
}

/** A native package the selected driver needs is missing or not built for this machine. */
export class NativeModuleError extends Error {
  override readonly name = "NativeModuleError";
  readonly packageName: string;

  constructor(packageName: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.packageName = packageName;
  }
}

/** Maps a file-system error to a sensor failure code, keeping errno names we expect from sysfs. */
export function failureCodeOf(error: unknown): SensorFailureCode {
  const code = (error as { code?: unknown }).code;
  if (code === "EIO" || code === "ETIMEDOUT" || code === "EAGAIN" || code === "EINTR" || code === "ENODEV" || code === "ENOENT") return code;
  return "DRIVER_ERROR";
}
