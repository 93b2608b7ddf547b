/**
 * Human output of a run: one line per resource with its outcome and elapsed
 * time, progress lines while waiting, warnings, and the closing summary. In
 * plan mode the outcomes read "would create" and so on. With `--json` these
 * lines go to stderr so stdout carries only the JSON summary.
 */

export const OUTCOMES = ["created", "updated", "unchanged", "deleted", "absent", "skipped", "kept"] as const;
export type Outcome = (typeof OUTCOMES)[number];

const PLAN_WORDING: Readonly<Record<Outcome, string>> = {
  created: "would create",
  updated: "would update",
  unchanged: "unchanged",
  deleted: "would delete",
  absent: "absent",
  skipped: "would skip",
  kept: "would keep",
};

/** Outcomes that change something in AWS. */
export const CHANGING_OUTCOMES: ReadonlySet<Outcome> = new Set(["created", "updated", "deleted"]);

/** How often a wait repeats an unchanged status, in ms. */
const PROGRESS_REPEAT_MS = 10_000;

export interface Step {
  /** Reports a status while waiting; repeated statuses print at most every 10 s. */
  progress(status: string): void;
  /** Prints the resource's line. `details` name what changed, never secret values. */
  done(outcome: Outcome, details?: readonly string[]): void;
}

export interface ReporterOptions {
  readonly isPlan: boolean;
  readonly write: (line: string) => void;
  readonly now: () => number;
}

export class Reporter {
  readonly counts: Record<Outcome, number> = { created: 0, updated: 0, unchanged: 0, deleted: 0, absent: 0, skipped: 0, kept: 0 };
  readonly warnings: string[] = [];
  private readonly options: ReporterOptions;
  private readonly startedAtMs: number;

  constructor(options: ReporterOptions) {
    this.options = options;
    this.startedAtMs = options.now();
  }

  get isPlan(): boolean {
    return this.options.isPlan;
  }

  /** Number of resources created, updated or deleted so far. */
  get changeCount(): number {
    return this.counts.created + this.counts.updated + this.counts.deleted;
  }

  /** Starts timing the work on `resource`, e.g. `table thermo-prod`. */
  step(resource: string): Step {
    const startedAtMs = this.options.now();
    let lastStatus = "";
    let lastPrintedMs = -Infinity;
    return {
      progress: (status) => {
        const nowMs = this.options.now();
        if (status === lastStatus && nowMs - lastPrintedMs < PROGRESS_REPEAT_MS) return;
        lastStatus = status;
        lastPrintedMs = nowMs;
        this.line(`  ...          ${resource}: ${status} (${formatSeconds(nowMs - startedAtMs)})`);
      },
      done: (outcome, details = []) => {
        this.counts[outcome] += 1;
        const word = this.options.isPlan ? PLAN_WORDING[outcome] : outcome;
        const detail = details.length > 0 ? `: ${details.join(", ")}` : "";
        const elapsed = this.options.isPlan ? "" : ` (${formatSeconds(this.options.now() - startedAtMs)})`;
        this.line(`  ${word.padEnd(12)} ${resource}${detail}${elapsed}`);
      },
    };
  }

  info(message: string): void {
    this.line(message);
  }

  /** Prints a warning and keeps it for the JSON summary. */
  warn(message: string): void {
    this.warnings.push(message);
    this.line(`warning: ${message}`);
  }

  /** Prints the closing line: what changed, or that nothing did. */
  summary(): void {
    const elapsed = formatSeconds(this.options.now() - this.startedAtMs);
    const { created, updated, deleted, unchanged } = this.counts;
    if (this.options.isPlan) {
      const tail = this.changeCount === 0 ? "nothing to change" : "run without --plan to apply";
      this.line(`Plan: ${created} to create, ${updated} to update, ${deleted} to delete, ${unchanged} unchanged; ${tail}`);
      return;
    }
    if (this.changeCount === 0) {
      this.line(`No changes: everything is up to date (${elapsed})`);
      return;
    }
    this.line(`Done in ${elapsed}: ${created} created, ${updated} updated, ${deleted} deleted, ${unchanged} unchanged`);
  }

  private line(text: string): void {
    this.options.write(text);
  }
}

/** Formats a duration in ms as seconds with one decimal, e.g. `2.4 s`. */
export function formatSeconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}
