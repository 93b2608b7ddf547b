/**
 * Describes in words how much of the shown days the readings cover. A partial
 * day, a day not yet over and a wrong device clock are stated on the page
 * rather than left for the reader to guess from the chart.
 */
import type { StoredReading } from "../../schema.ts";
import { todayIn } from "./days.ts";
import { countOf } from "./plural.ts";
import { formatExactTime } from "./time-format.ts";

/** Missing readings at either end of the range shorter than this are not mentioned. */
const EDGE_TOLERANCE_MS = 30 * 60_000;
/**
 * A reading dated more than this after the browser's clock counts as from the
 * future. The margin allows for a browser clock that is a few minutes behind.
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface CoverageInput {
  readings: readonly StoredReading[];
  /** Days shown, oldest first, and the readings each had. */
  dayCounts: ReadonlyArray<{ day: string; count: number }>;
  rangeStartMs: number;
  rangeEndMs: number;
  /** The browser's clock; "today" is the server zone's date at this instant. */
  nowMs: number;
  zone: string;
  gapCount: number;
  gapThresholdMs: number;
}

/** Returns sentences about the coverage; empty when the readings cover the whole range without gaps. */
export function describeCoverage(input: CoverageInput): string[] {
  const { readings, dayCounts, rangeStartMs, rangeEndMs, nowMs, zone, gapCount, gapThresholdMs } = input;
  const first = readings[0];
  const last = readings.at(-1);
  const lastDay = dayCounts.at(-1)?.day;
  if (first === undefined || last === undefined || lastDay === undefined) return [];
  const sentences: string[] = [];
  const firstMs = Date.parse(first.time);
  const lastMs = Date.parse(last.time);
  const today = todayIn(zone, nowMs);
  const coverage = `${formatExactTime(firstMs, zone)} to ${formatExactTime(lastMs, zone)}`;

  if (lastDay > today) sentences.push(`The last day shown, ${lastDay}, has not started yet in ${zone} (today is ${today} there).`);
  else if (lastDay === today) sentences.push(`The last day shown is still in progress: readings from ${coverage} so far.`);
  else if (firstMs - rangeStartMs > EDGE_TOLERANCE_MS || rangeEndMs - lastMs > EDGE_TOLERANCE_MS) sentences.push(`Partial data: readings cover only ${coverage}.`);

  const futureCount = readings.filter((reading) => Date.parse(reading.time) > nowMs + FUTURE_TOLERANCE_MS).length;
  if (futureCount > 0) {
    const verb = futureCount === 1 ? "is" : "are";
    sentences.push(
      `${countOf(futureCount, "reading")} ${verb} dated later than now (the last at ${formatExactTime(lastMs, zone)}). ` +
        "A reading cannot come from the future, so the clock of the device that sent it is wrong: check the device's time synchronisation.",
    );
  }

  const emptyDays = dayCounts.filter((entry) => entry.count === 0).map((entry) => entry.day);
  if (emptyDays.length > 0) sentences.push(`No readings on ${emptyDays.join(", ")}.`);
  if (gapCount > 0) {
    const minutes = Math.round(gapThresholdMs / 60_000);
    sentences.push(`${gapCount === 1 ? "One gap" : `${gapCount} gaps`} of ${minutes} minutes or more with no readings; the lines break there.`);
  }
  return sentences;
}

/** Returns the sentence shown in place of the chart when the shown days have no readings. */
export function describeEmptyView(options: { deviceId: string; daysText: string; lastDay: string; hasReadings: boolean; zone: string; nowMs: number }): string {
  const { deviceId, daysText, lastDay, hasReadings, zone, nowMs } = options;
  if (!hasReadings) return `${deviceId} has not sent any readings yet. Its readings appear here after its first upload.`;
  const today = todayIn(zone, nowMs);
  const notStarted = lastDay > today ? ` The last day shown has not started yet in ${zone} (today is ${today} there).` : "";
  return `No readings for ${deviceId} on ${daysText}.${notStarted} Pick another day or device.`;
}
