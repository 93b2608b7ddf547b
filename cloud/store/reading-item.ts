/** Conversion between validated readings, DynamoDB items and the API's JSON form. */
import type { Reading, StoredReading, Unit } from "../../schema.ts";
import { formatUtcKey } from "../../time/rfc3339.ts";
import { localDay } from "../../time/zone.ts";
import { dayPartition, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from "./table.ts";

/** A reading as stored in DynamoDB. `day` and `expires_at` are reserved-word-safe only through ExpressionAttributeNames. */
export interface ReadingItem {
  [PARTITION_KEY]: string;
  [SORT_KEY]: string;
  device_id: string;
  day: string;
  record_date: string;
  thermostat_on: boolean;
  temperature: number;
  thermostat_value: number;
  humidity?: number;
  unit: Unit;
  /** When the API stored it, UTC ISO. */
  received_at: string;
  [TTL_ATTRIBUTE]?: number;
}

export interface ItemOptions {
  timeZone: string;
  retentionDays: number | undefined;
  nowMs: number;
}

/** Builds the item for `reading`: partition by local day in the zone, sort by the UTC instant. */
export function toItem(reading: Reading, options: ItemOptions): ReadingItem {
  const day = localDay(reading.instantMs, options.timeZone);
  const item: ReadingItem = {
    [PARTITION_KEY]: dayPartition(reading.deviceId, day),
    [SORT_KEY]: formatUtcKey(reading.instantMs),
    device_id: reading.deviceId,
    day,
    record_date: reading.recordDate,
    thermostat_on: reading.heaterOn,
    temperature: reading.temperature,
    thermostat_value: reading.setpoint,
    unit: reading.unit,
    received_at: new Date(options.nowMs).toISOString(),
  };
  if (reading.humidity !== undefined) item.humidity = reading.humidity;
  if (options.retentionDays !== undefined) {
    item[TTL_ATTRIBUTE] = Math.floor(reading.instantMs / 1000) + options.retentionDays * 86_400;
  }
  return item;
}

/** Returns the API form of a stored item. */
export function toStoredReading(item: Record<string, unknown>): StoredReading {
  const reading: StoredReading = {
    device_id: String(item.device_id),
    time: String(item[SORT_KEY]),
    record_date: String(item.record_date),
    thermostat_on: item.thermostat_on === true,
    temperature: Number(item.temperature),
    thermostat_value: Number(item.thermostat_value),
    unit: item.unit === "C" ? "C" : "F",
  };
  if (typeof item.humidity === "number") reading.humidity = item.humidity;
  return reading;
}
