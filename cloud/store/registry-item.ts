/**
 * The device registry's items, one per device in partition `_devices`: last-seen
 * time, latest reading, desired state and the newest reading dated too far
 * ahead to count, read into a DeviceRecord.
 */
import type { DesiredState, StoredReading } from "../../schema.ts";
import { toStoredReading } from "./reading-item.ts";
import { SORT_KEY } from "./table.ts";

export interface DeviceRecord {
  deviceId: string;
  /**
   * UTC instant of the newest reading that could become the latest, or undefined for a device
   * that has only a desired state or only readings dated too far ahead.
   */
  lastSeen: string | undefined;
  latest: StoredReading | undefined;
  desired: DesiredState | null;
  /**
   * UTC instant of the newest reading dated too far ahead of the server's clock to become the latest.
   * It is recorded only from ingests that carried no other reading, and is undefined when none was recorded.
   */
  newestFutureTime: string | undefined;
}

/** Registry attribute of DeviceRecord.newestFutureTime. */
export const NEWEST_FUTURE_ATTRIBUTE = "newest_future_time";

/** Returns the desired state stored in a registry item, or null when it has none or an unreadable one. */
export function parseDesired(value: unknown): DesiredState | null {
  if (value === null || typeof value !== "object") return null;
  const record = value as Record<string, unknown>;
  if (typeof record.setpoint !== "number" || (record.unit !== "F" && record.unit !== "C")) return null;
  return { setpoint: record.setpoint, unit: record.unit, updated_at: String(record.updated_at ?? "") };
}

/** Reads a registry item. */
export function toDeviceRecord(item: Record<string, unknown>): DeviceRecord {
  let latest: StoredReading | undefined;
  if (item.latest !== null && typeof item.latest === "object") {
    // The registry keeps the latest reading in its API form, where the instant is `time`.
    const stored = item.latest as Record<string, unknown>;
    latest = toStoredReading({ ...stored, [SORT_KEY]: stored.time });
  }
  return {
    deviceId: String(item[SORT_KEY]),
    lastSeen: typeof item.last_seen === "string" ? item.last_seen : undefined,
    latest,
    desired: parseDesired(item.desired),
    newestFutureTime: typeof item[NEWEST_FUTURE_ATTRIBUTE] === "string" ? item[NEWEST_FUTURE_ATTRIBUTE] : undefined,
  };
}
