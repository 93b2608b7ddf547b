/** Renders the summary panel: the day's statistics from the API, last seen, and the stale-device warning. */
import type { DaySummary, LatestResponse } from "../../schema.ts";
import { FUTURE_TOLERANCE_MS } from "./coverage.ts";
import { element } from "./dom.ts";
import { formatAge, formatExactTime } from "./time-format.ts";

/**
 * A device silent for longer than this gets a visible warning. Devices upload
 * every few minutes at most when healthy, so 15 minutes means a missed upload
 * cycle or more, not a slow network.
 */
export const STALE_AFTER_S = 15 * 60;

/** Formats a temperature with its unit, rounded to 2 decimals for the summary. */
function formatTemperature(value: number | null, unit: string | null): string {
  if (value === null) return "—";
  return `${Math.round(value * 100) / 100} °${unit ?? ""}`.trim();
}

/** Formats the heater-on fraction as a percentage with one decimal. */
export function formatDuty(fraction: number | null): string {
  return fraction === null ? "—" : `${(Math.round(fraction * 1000) / 10).toFixed(1)} %`;
}

function addTerm(list: HTMLDListElement, term: string, value: string, testId: string): void {
  const definition = element("dd", value);
  definition.dataset.testid = testId;
  const pair = element("div");
  pair.append(element("dt", term), definition);
  list.append(pair);
}

/** Fills the summary list; `summary` null means the days use different units and have no combined figures. */
export function renderSummary(list: HTMLDListElement, summary: DaySummary | null): void {
  list.replaceChildren();
  if (summary === null) {
    addTerm(list, "Summary", "The days shown use different units, so there is no combined summary; pick one day at a time", "summary-mixed");
    return;
  }
  addTerm(list, "Minimum", formatTemperature(summary.min, summary.unit), "summary-min");
  addTerm(list, "Maximum", formatTemperature(summary.max, summary.unit), "summary-max");
  addTerm(list, "Mean", formatTemperature(summary.mean, summary.unit), "summary-mean");
  addTerm(list, "Heater on", formatDuty(summary.heater_on_fraction), "summary-duty");
  addTerm(list, "Readings", summary.count.toLocaleString("en-US"), "summary-count");
}

/** Fills the last-seen line and shows or hides the stale warning. */
export function renderLastSeen(options: { line: HTMLElement; warning: HTMLElement; deviceId: string; latest: LatestResponse | null; zone: string }): void {
  const { line, warning, deviceId, latest, zone } = options;
  if (latest === null) {
    line.textContent = `Last seen: ${deviceId} has not sent any reading yet`;
    warning.hidden = true;
    return;
  }
  const readingMs = Date.parse(latest.reading.time);
  // The server clamps age_s at 0, so a reading from the future shows only in the browser's clock.
  const age = readingMs > Date.now() + FUTURE_TOLERANCE_MS ? "dated later than now: the device's clock is wrong" : `${formatAge(latest.age_s)} ago`;
  line.textContent = `Last seen: ${formatExactTime(readingMs, zone)} (${age}), ${latest.reading.temperature} °${latest.reading.unit}, heater ${latest.reading.thermostat_on ? "on" : "off"}`;
  const isStale = latest.age_s > STALE_AFTER_S;
  warning.hidden = !isStale;
  warning.textContent = isStale
    ? `Warning: no reading from ${deviceId} for ${formatAge(latest.age_s)}. Check that the device is powered and online; it keeps unsent readings and uploads them when it reconnects`
    : "";
}
