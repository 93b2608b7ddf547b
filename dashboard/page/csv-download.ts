/**
 * Downloads the shown days as one CSV file. The request needs the token in a
 * header, so the page fetches the CSV itself and hands the browser a Blob URL;
 * a plain link would have to put the token in the URL.
 */
import type { ApiClient } from "./api.ts";

/** A Blob URL is revoked this long after the click, once the browser has started the download. */
const REVOKE_AFTER_MS = 60_000;

/** Joins day CSVs into one, keeping only the first header row and the files' line ending (CRLF or LF). */
export function joinCsvDays(csvDays: readonly string[]): string {
  const parts: string[] = [];
  const lineEnd = csvDays.some((csv) => csv.includes("\r\n")) ? "\r\n" : "\n";
  csvDays.forEach((csv, index) => {
    const text = csv.endsWith("\n") || csv === "" ? csv : `${csv}${lineEnd}`;
    if (index === 0) {
      parts.push(text);
      return;
    }
    const headerEnd = text.indexOf("\n");
    parts.push(headerEnd === -1 ? "" : text.slice(headerEnd + 1));
  });
  return parts.join("");
}

/** Returns the file name for a download: `thermo-shop-2026-03-08.csv`, or with the last day for a range. */
export function csvFileName(deviceId: string, days: readonly string[]): string {
  const first = days[0] ?? "day";
  const last = days.at(-1) ?? first;
  return first === last ? `thermo-${deviceId}-${first}.csv` : `thermo-${deviceId}-${first}-to-${last}.csv`;
}

/** Fetches each day's CSV in order and starts a download of the joined file. Returns the number of data rows. */
export async function downloadDaysCsv(client: ApiClient, deviceId: string, days: readonly string[], signal?: AbortSignal): Promise<number> {
  const csvDays: string[] = [];
  for (const day of days) csvDays.push(await client.dayCsv(deviceId, day, signal));
  const csv = joinCsvDays(csvDays);

  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = csvFileName(deviceId, days);
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);

  const lines = csv.split("\n").filter((line) => line.trim() !== "");
  return Math.max(0, lines.length - 1);
}
