/** Counters about the sensor for `GET /status`. */
export interface SensorHealth {
  consecutiveFailures: number;
  lastError: string | undefined;
  rejectedTotal: number;
  lastRejection: string | undefined;
  /** Whether the newest attempt produced an accepted reading. */
  isLatestAccepted: boolean;
}

export function createSensorHealth(): SensorHealth {
  return { consecutiveFailures: 0, lastError: undefined, rejectedTotal: 0, lastRejection: undefined, isLatestAccepted: false };
}
