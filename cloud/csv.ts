/** CSV export of readings (RFC 4180, CRLF line ends). */
import type { StoredReading } from "../schema.ts";

export const CSV_HEADER = "time,record_date,device_id,thermostat_on,temperature,thermostat_value,humidity,unit";

/**
 * Quotes a text cell. A cell that starts with `=`, `+`, `-`, `@`, tab or CR is
 * prefixed with `'` so spreadsheets do not run it as a formula.
 */
export function csvText(value: string): string {
  const neutralised = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(neutralised) ? `"${neutralised.replaceAll('"', '""')}"` : neutralised;
}

/** Formats one reading as a CSV row; numbers stay numbers so negative temperatures are not altered. */
export function csvRow(reading: StoredReading): string {
  return [
    csvText(reading.time),
    csvText(reading.record_date),
    csvText(reading.device_id),
    reading.thermostat_on ? "true" : "false",
    String(reading.temperature),
    String(reading.thermostat_value),
    reading.humidity === undefined ? "" : String(reading.humidity),
    csvText(reading.unit),
  ].join(",");
}
