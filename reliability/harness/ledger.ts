/**
 * Counts delivery: which readings the device took, which the table holds,
 * and from those the lost and duplicated columns.
 *
 * A reading is identified by its instant (the table's sort key). The table
 * cannot hold one key twice, so a reading stored twice would show up as an
 * item whose key matches no taken reading, for example one re-stamped on
 * retry. Every such extra item counts as duplicated.
 */
import { formatUtcKey, parseDateTime } from "../../time/rfc3339.ts";
import { localDay } from "../../time/zone.ts";
import type { StoredItem } from "./cloud.ts";

export interface Delivery {
  taken: number;
  stored: number;
  lost: number;
  duplicated: number;
  /** Sort keys of the lost readings (first those taken twice at one instant, then the missing), at most 10. */
  lostKeys: string[];
  /** Sort keys of stored items that match no taken reading, at most 10. */
  extraKeys: string[];
  /** Stored items whose fields differ from the reading taken at that instant, at most 10. */
  altered: string[];
  /** Whether readings reached the table in the order they were taken (`taken` order against `received_at`). */
  isInOrder: boolean;
}

/** A reading as the device took it, in wire form. */
export interface TakenReading {
  record_date: string;
  temperature?: number | string;
  thermostat_on?: boolean;
}

/** Returns the sort key of a wire `record_date`. @throws {RangeError} when it does not parse */
export function sortKeyOf(recordDate: string, timeZone = "UTC"): string {
  const parsed = parseDateTime(recordDate, timeZone);
  if (!parsed.ok) throw new RangeError(`record_date "${recordDate}" ${parsed.reason}`);
  return formatUtcKey(parsed.instantMs);
}

/** Returns the local days (in `timeZone`) that the readings fall on, for querying the table. */
export function daysOf(readings: readonly TakenReading[], timeZone = "UTC"): string[] {
  const days = new Set<string>();
  for (const reading of readings) {
    const parsed = parseDateTime(reading.record_date, timeZone);
    if (parsed.ok) days.add(localDay(parsed.instantMs, timeZone));
  }
  return [...days].sort();
}

/** Compares the readings taken with the items stored for the same device. */
export function countDelivery(taken: readonly TakenReading[], stored: readonly StoredItem[], timeZone = "UTC"): Delivery {
  const takenByKey = new Map<string, TakenReading>();
  // Two readings with one instant share a key, so the later one overwrites the earlier in the table.
  const collidedKeys: string[] = [];
  for (const reading of taken) {
    const key = sortKeyOf(reading.record_date, timeZone);
    if (takenByKey.has(key)) collidedKeys.push(key);
    takenByKey.set(key, reading);
  }
  const storedByKey = new Map<string, StoredItem>();
  for (const item of stored) storedByKey.set(item.sk, item);

  const lostKeys = [...takenByKey.keys()].filter((key) => !storedByKey.has(key)).sort();
  const extraKeys = [...storedByKey.keys()].filter((key) => !takenByKey.has(key)).sort();
  const altered: string[] = [];
  for (const [key, item] of storedByKey) {
    const reading = takenByKey.get(key);
    if (reading === undefined) continue;
    const isSameTemperature = reading.temperature === undefined || Math.abs(Number(reading.temperature) - item.temperature) < 1e-9;
    const isSameRelay = reading.thermostat_on === undefined || reading.thermostat_on === item.thermostat_on;
    if (!isSameTemperature || !isSameRelay || item.record_date !== reading.record_date) altered.push(key);
  }

  // In order means stored in the order taken: `received_at` never goes back along the taken list.
  let isInOrder = true;
  let previousReceivedAt = "";
  for (const reading of taken) {
    const receivedAt = storedByKey.get(sortKeyOf(reading.record_date, timeZone))?.received_at;
    if (receivedAt === undefined) continue;
    if (receivedAt < previousReceivedAt) isInOrder = false;
    previousReceivedAt = receivedAt;
  }

  return {
    taken: taken.length,
    stored: storedByKey.size,
    lost: lostKeys.length + collidedKeys.length,
    duplicated: extraKeys.length,
    lostKeys: [...collidedKeys, ...lostKeys].slice(0, 10),
    extraKeys: extraKeys.slice(0, 10),
    altered: altered.slice(0, 10),
    isInOrder,
  };
}

/** Builds `count` wire readings of one device, `stepMs` apart from `startMs`, as a harness client sends them. */
export function makeReadings(options: { deviceId: string; startMs: number; count: number; stepMs: number }): (TakenReading & Record<string, unknown>)[] {
  return Array.from({ length: options.count }, (_, index) => ({
    record_date: formatUtcKey(options.startMs + index * options.stepMs),
    thermostat_on: index % 3 === 0,
    temperature: Math.round((40 + (index % 50) / 10) * 10) / 10,
    thermostat_value: 45,
    device_id: options.deviceId,
    unit: "F",
  }));
}
