/**
 * Describes in words how much of the shown days the readings cover, so a
 * partial day or a silent device is stated on the page rather than left for
 * the reader to guess from the chart.
 */
import type { StoredReading } from "../../schema.ts";
import { formatExactTime } from "./time-format.ts";

/** Missing readings at either end of the range shorter than this are not mentioned. */
const EDGE_TOLERANCE_MS = 30 * 60_000;

export interface CoverageInput {
  readings: readonly StoredReading[];
  /** Days shown, oldest first, and the readings each had. */
  dayCounts: ReadonlyArray<{ day: string; count: number }>;
  rangeStartMs: number;
  rangeEndMs: number;
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
  if (first === undefined || last === undefined) return [];
  const sentences: string[] = [];
  const firstMs = Date.parse(first.time);
  const lastMs = Date.parse(last.time);
  const isOngoing = nowMs < rangeEndMs;
  const coverage = `${formatExactTime(firstMs, zone)} to ${formatExactTime(lastMs, zone)}`;

  if (isOngoing) sentences.push(`The last day shown is still in progress: readings from ${coverage} so far.`);
  else if (firstMs - rangeStartMs > EDGE_TOLERANCE_MS || rangeEndMs - lastMs > EDGE_TOLERANCE_MS) sentences.push(`Partial data: readings cover only ${coverage}.`);

  const emptyDays = dayCounts.filter((entry) => entry.count === 0).map((entry) => entry.day);
  if (emptyDays.length > 0) sentences.push(`No readings on ${emptyDays.join(", ")}.`);
  if (gapCount > 0) {
    const minutes = Math.round(gapThresholdMs / 60_000);
    sentences.push(`${gapCount === 1 ? "One gap" : `${gapCount} gaps`} of ${minutes} minutes or more with no readings; the lines break there.`);
  }
  return sentences;
}
