/**
 * Wraps a reliability scenario as a bun test that also records its table
 * row. A scenario whose prerequisite is missing is recorded as "not run" and
 * skipped, never passed.
 */
import { test } from "bun:test";
import { isBadResult, recordResult, SCENARIO_STATUS, type ScenarioResult } from "./results.ts";

/** The counted columns of a row. */
export interface Counts {
  taken?: number;
  stored?: number;
  lost?: number;
  duplicated?: number;
  unsafe?: number;
}

/** Collects failed checks so one run reports every broken promise, not just the first. */
export class Checks {
  readonly failures: string[] = [];
  readonly notes: string[] = [];

  /** Records `message` as a failure unless `condition` holds. */
  expect(condition: boolean, message: string): void {
    if (!condition) this.failures.push(message);
  }

  /** Adds a figure to the row's note, e.g. a drain time. */
  note(text: string): void {
    this.notes.push(text);
  }
}

export interface ScenarioOptions {
  /** Returns why the scenario cannot run here, or undefined when it can. */
  requires?: () => string | undefined;
  /** @default 120_000 */
  timeoutMs?: number;
}

/** Registers `run` as a test named `name`; `run` returns the row's counts and records checks on `checks`. */
export function scenario(name: string, options: ScenarioOptions, run: (checks: Checks) => Promise<Counts>): void {
  const missing = options.requires?.();
  if (missing !== undefined) {
    recordResult({ scenario: name, status: SCENARIO_STATUS.notRun, note: missing });
    console.log(`[reliability] not run: ${name}: ${missing}`);
    test.skip(`${name} (not run: ${missing})`, () => {});
    return;
  }

  test(
    name,
    async () => {
      const startedMs = performance.now();
      const checks = new Checks();
      let counts: Counts = {};
      let thrown: unknown;
      try {
        counts = await run(checks);
      } catch (error) {
        thrown = error;
        checks.failures.push(`scenario threw: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
      }
      const result: ScenarioResult = { scenario: name, status: SCENARIO_STATUS.passed, ...counts, durationMs: Math.round(performance.now() - startedMs) };
      if (checks.failures.length > 0 || isBadResult(result)) result.status = SCENARIO_STATUS.failed;
      const noteParts = [...checks.failures, ...checks.notes];
      if (noteParts.length > 0) result.note = noteParts.join("; ");
      recordResult(result);

      if (result.status === SCENARIO_STATUS.failed) {
        const countLine = `lost ${counts.lost ?? "–"}, duplicated ${counts.duplicated ?? "–"}, unsafe ${counts.unsafe ?? "–"}`;
        throw new Error(`${name} failed (${countLine}):\n- ${checks.failures.join("\n- ") || "a count is not zero"}`, { cause: thrown });
      }
    },
    options.timeoutMs ?? 120_000,
  );
}
