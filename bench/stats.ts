/** Helpers shared by the benchmark scripts: percentiles and a machine description. */
import { cpus, totalmem } from "node:os";

/** Returns the p-th percentile (0–100) of `values` by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Describes the machine a figure was measured on. */
export function machine(): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Bun ${Bun.version}, ${process.platform}-${process.arch}`;
}

/** Formats a number of ms with two decimals. */
export function ms(value: number): string {
  return `${value.toFixed(2)} ms`;
}

/** Formats a ratio against a floor, e.g. `3.20×`. */
export function ratio(value: number, floor: number): string {
  return `${(value / floor).toFixed(2)}×`;
}
