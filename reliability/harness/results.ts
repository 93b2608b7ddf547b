/**
 * The suite's result rows: each scenario appends one row to a JSON-lines
 * file, and the runner (reliability/run.ts) prints them as one table after
 * every scenario file has run.
 */
import { appendFileSync, mkdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";

export const SCENARIO_STATUS = { passed: "passed", failed: "failed", notRun: "not run" } as const;
export type ScenarioStatus = (typeof SCENARIO_STATUS)[keyof typeof SCENARIO_STATUS];

/** One line of the table. Counts are undefined when the scenario did not get far enough to count. */
export interface ScenarioResult {
  scenario: string;
  status: ScenarioStatus;
  taken?: number | undefined;
  stored?: number | undefined;
  lost?: number | undefined;
  duplicated?: number | undefined;
  unsafe?: number | undefined;
  /** The reason it failed or did not run, or a measured figure worth showing. */
  note?: string | undefined;
  durationMs?: number | undefined;
}

/** File the rows go to: `THERMO_RELIABILITY_RESULTS`, set by the runner. @default test-artifacts/reliability/results.jsonl */
export function resultsPath(): string {
  return process.env.THERMO_RELIABILITY_RESULTS ?? join(import.meta.dir, "..", "..", "test-artifacts", "reliability", "results.jsonl");
}

export function recordResult(result: ScenarioResult): void {
  const path = resultsPath();
  mkdirSync(dirname(path), { recursive: true });
  appendFileSync(path, JSON.stringify(result) + "\n");
}

export function readResults(path = resultsPath()): ScenarioResult[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as ScenarioResult);
}

/** Whether a row breaks the promise: a failed scenario or any lost, duplicated or unsafe count. */
export function isBadResult(result: ScenarioResult): boolean {
  return result.status === SCENARIO_STATUS.failed || (result.lost ?? 0) > 0 || (result.duplicated ?? 0) > 0 || (result.unsafe ?? 0) > 0;
}

const COLUMNS = ["scenario", "taken", "stored", "lost", "duplicated", "unsafe relay", "result"] as const;

/** Formats the rows as a Markdown table, followed by the notes of rows that have one. */
export function formatTable(results: readonly ScenarioResult[]): string {
  const cell = (value: number | undefined) => (value === undefined ? "–" : String(value));
  const rows = results.map((result) => [result.scenario, cell(result.taken), cell(result.stored), cell(result.lost), cell(result.duplicated), cell(result.unsafe), result.status]);
  const widths = COLUMNS.map((title, index) => Math.max(title.length, ...rows.map((row) => (row[index] as string).length)));
  const line = (cells: readonly string[]) => `| ${cells.map((text, index) => (index === 0 ? text.padEnd(widths[index]!) : text.padStart(widths[index]!))).join(" | ")} |`;
  const separator = `|${widths.map((width, index) => (index === 0 ? "-".repeat(width + 2) : "-".repeat(width + 1) + ":")).join("|")}|`;
  const out = [line(COLUMNS), separator, ...rows.map(line)];
  const notes = results.filter((result) => result.note !== undefined && result.note !== "");
  if (notes.length > 0) {
    out.push("");
    for (const result of notes) out.push(`- ${result.scenario}: ${result.note}`);
  }
  return out.join("\n");
}
