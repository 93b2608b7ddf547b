/** Errors raised while reading and checking the device configuration. */
import { redactUrl } from "./redact-url.ts";

/** The origin of a setting, so a message can point at the right place to fix it. */
export type ConfigSource = "default" | "file" | "env" | "flag";

/** One rejected setting: its key, where it came from, the value, and what is allowed. */
export interface ConfigProblem {
  key: string;
  source: ConfigSource;
  /** The key as the source spells it: `--relay-bcm`, `THERMO_RELAY_BCM` or the file key. */
  origin: string;
  value: unknown;
  message: string;
}

/** The configuration is invalid; `problems` lists every rejected setting. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[], options?: { cause?: unknown }) {
    super(formatProblems(problems), options);
    this.problems = problems;
  }
}

/**
 * Returns a number as TOML writes it. JSON has no NaN or infinity and would
 * show them as null. TOML's `1e400` is beyond a 64-bit float and reads as
 * infinity, so it is shown as `inf`.
 */
function showNumber(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  return String(value);
}

function showValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value === undefined) return "nothing";
  if (typeof value === "number") return showNumber(value);
  if (Array.isArray(value)) return `[${value.map(showValue).join(", ")}]`;
  // Inside a table, a non-finite number can only appear as a quoted JSON string.
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "number" && !Number.isFinite(item) ? showNumber(item) : item)) ?? String(value);
}

function formatProblems(problems: ConfigProblem[]): string {
  const lines = problems.map((problem) => {
    const where = problem.source === "default" ? problem.key : `${problem.key} (from ${problem.origin})`;
    let shown = showValue(problem.value);
    if (problem.key.endsWith("token")) shown = "(secret not shown)";
    // api_url may carry user:password@ or an ingest token in its path.
    else if (problem.key === "api_url" && typeof problem.value === "string") shown = showValue(redactUrl(problem.value));
    return `  ${where} = ${shown}: ${problem.message}`;
  });
  return `invalid configuration:\n${lines.join("\n")}`;
}
