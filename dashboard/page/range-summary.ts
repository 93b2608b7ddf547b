/**
 * Combines the API's per-day summaries into one for a range of days. Single
 * days pass through unchanged, so the page shows exactly what the API
 * computed. Over several days, min, max, count, first and last are exact. The
 * mean weights each day's mean by its reading count, which is exact for a mean
 * over readings. Heater duty weights each day's fraction by the time its
 * readings span, so it leaves out the minutes between one day's last reading
 * and the next day's first.
 */
import type { DaySummary } from "../../schema.ts";

/** Combines per-day summaries; returns null when the days use different units, so the page shows per-day figures only. */
export function combineSummaries(summaries: readonly DaySummary[]): DaySummary | null {
  if (summaries.length === 1) return summaries[0] as DaySummary;
  const withData = summaries.filter((summary) => summary.count > 0);
  const units = new Set(withData.map((summary) => summary.unit));
  if (units.size > 1) return null;

  let count = 0;
  let weightedMean = 0;
  let dutyWeightMs = 0;
  let dutyOnMs = 0;
  let dutyFallbackCount = 0;
  let dutyFallbackSum = 0;
  let min: number | null = null;
  let max: number | null = null;
  let first: string | null = null;
  let last: string | null = null;

  for (const summary of withData) {
    count += summary.count;
    if (summary.mean !== null) weightedMean += summary.mean * summary.count;
    if (summary.min !== null) min = min === null ? summary.min : Math.min(min, summary.min);
    if (summary.max !== null) max = max === null ? summary.max : Math.max(max, summary.max);
    if (summary.first !== null && (first === null || summary.first < first)) first = summary.first;
    if (summary.last !== null && (last === null || summary.last > last)) last = summary.last;
    if (summary.heater_on_fraction !== null) {
      const spanMs = summary.first !== null && summary.last !== null ? Date.parse(summary.last) - Date.parse(summary.first) : 0;
      dutyWeightMs += spanMs;
      dutyOnMs += summary.heater_on_fraction * spanMs;
      dutyFallbackCount++;
      dutyFallbackSum += summary.heater_on_fraction;
    }
  }

  let duty: number | null = null;
  if (dutyWeightMs > 0) duty = dutyOnMs / dutyWeightMs;
  else if (dutyFallbackCount > 0) duty = dutyFallbackSum / dutyFallbackCount; // every day had a single reading
  return {
    count,
    min,
    max,
    mean: count > 0 ? weightedMean / count : null,
    heater_on_fraction: duty,
    first,
    last,
    unit: withData[0]?.unit ?? summaries[0]?.unit ?? null,
  };
}
