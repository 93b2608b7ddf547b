/**
 * The zone interface that the device formats timestamps with. Its zones come
 * from the system's compiled tz database (time/system-zone.ts), so the device
 * needs no ICU data.
 */

/** A local time type: the UTC offset, whether it is daylight saving time, and its abbreviation. */
export interface LocalTimeType {
  /** Seconds east of UTC (Chicago in winter: −21600). */
  readonly utoffSeconds: number;
  readonly isDst: boolean;
  /** Abbreviation such as `CST`, or a numeric one such as `+0330`. */
  readonly abbreviation: string;
}

/** An IANA time zone that maps instants to local time types. */
export interface TimeZone {
  /** The IANA name the zone was loaded under, e.g. `America/Chicago`. */
  readonly name: string;
  /**
   * Returns the local time type in force at `instantMs` (ms since the epoch).
   * @throws {RangeError} when `instantMs` is not a finite number
   */
  localTimeTypeAt(instantMs: number): LocalTimeType;
  /**
   * Returns the UTC offset in force at `instantMs`, in seconds east of UTC.
   * @throws {RangeError} when `instantMs` is not a finite number
   */
  offsetSecondsAt(instantMs: number): number;
}

/** Creates a zone that keeps one local time type at every instant, such as UTC. */
export function fixedTimeZone(name: string, type: LocalTimeType): TimeZone {
  return {
    name,
    localTimeTypeAt(instantMs) {
      checkInstant(instantMs);
      return type;
    },
    offsetSecondsAt(instantMs) {
      checkInstant(instantMs);
      return type.utoffSeconds;
    },
  };
}

/**
 * Checks that `instantMs` can be looked up.
 * @throws {RangeError} when it is NaN or infinite
 */
export function checkInstant(instantMs: number): void {
  if (!Number.isFinite(instantMs)) throw new RangeError(`instant must be a finite number of ms since the epoch, got ${instantMs}`);
}
