/**
 * Reference offsets for the TZif cross-checks. Intl (ICU's copy of the tz
 * data) is the reference. Where the system's tzdata and that copy disagree
 * (they are separate releases, and Debian builds some zones differently),
 * glibc decides: `date` reads the same TZif file with its own code.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { TimeZone } from "../../../time/time-zone.ts";
import { parseTzif } from "../../../time/tzif.ts";
import { wallTimeAsUtcMs, wallTimeAt } from "../../../time/zone.ts";

export const DAY_MS = 86_400_000;
export const FROM_MS = Date.UTC(1970, 0, 1);
export const UNTIL_MS = Date.UTC(2100, 0, 1);

/** Returns the UTC offset of `zone` at `instantMs` in seconds, as Intl computes it. */
export function intlOffsetSeconds(instantMs: number, zone: string): number {
  const wholeSecondMs = Math.floor(instantMs / 1000) * 1000;
  return (wallTimeAsUtcMs({ ...wallTimeAt(wholeSecondMs, zone), millisecond: 0 }) - wholeSecondMs) / 1000;
}

/** Returns whether Intl supports `zone`. */
export function isIntlZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Returns glibc's UTC offsets in seconds for the TZif file at `path`, one per instant. */
export function glibcOffsetsSeconds(path: string, instantsMs: readonly number[]): number[] {
  if (instantsMs.length === 0) return [];
  const input = instantsMs.map((instantMs) => `@${Math.floor(instantMs / 1000)}`).join("\n");
  const result = Bun.spawnSync(["date", "-f", "-", "+%::z"], { env: { TZ: `:${path}` }, stdin: new TextEncoder().encode(`${input}\n`) });
  if (result.exitCode !== 0) throw new Error(`date failed: ${result.stderr.toString()}`);
  return result.stdout
    .toString()
    .trim()
    .split("\n")
    .map((text) => {
      const [hours, minutes, seconds] = text.slice(1).split(":").map(Number) as [number, number, number];
      const total = hours * 3600 + minutes * 60 + seconds;
      return text.startsWith("-") ? -total : total;
    });
}

/** One instant where our offset differs from the reference. */
export interface Disagreement {
  zone: string;
  instantMs: number;
  ours: number;
  reference: number;
}

/**
 * Compares `zone` with Intl at each instant, and with glibc where Intl
 * differs. Returns the instants where the data differ (ours matches glibc but
 * not Intl) and those where ours matches neither.
 */
export function compareWithReferences(zone: TimeZone, file: string, instantsMs: readonly number[], options: { useIntl: boolean }): { dataDifferences: Disagreement[]; failures: Disagreement[] } {
  const ours = instantsMs.map((instantMs) => zone.offsetSecondsAt(instantMs));
  const suspects = options.useIntl ? instantsMs.filter((instantMs, index) => intlOffsetSeconds(instantMs, zone.name) !== ours[index]) : [...instantsMs];
  const glibc = glibcOffsetsSeconds(file, suspects);

  const dataDifferences: Disagreement[] = [];
  const failures: Disagreement[] = [];
  suspects.forEach((instantMs, index) => {
    const own = zone.offsetSecondsAt(instantMs);
    const reference = glibc[index] as number;
    if (own !== reference) failures.push({ zone: zone.name, instantMs, ours: own, reference });
    else if (options.useIntl) dataDifferences.push({ zone: zone.name, instantMs, ours: own, reference: intlOffsetSeconds(instantMs, zone.name) });
  });
  return { dataDifferences, failures };
}

/** Describes a disagreement for a failure message. */
export function describeDisagreement(entry: Disagreement): string {
  return `${entry.zone} at ${new Date(entry.instantMs).toISOString()}: ours ${entry.ours} s, reference ${entry.reference} s`;
}

/** Returns the first instant in (lowMs, highMs] where `offsetAt` differs from its value at `lowMs`. */
function bisectChange(offsetAt: (instantMs: number) => number, lowMs: number, highMs: number): number {
  const before = offsetAt(lowMs);
  let low = lowMs;
  let high = highMs;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle) === before) low = middle;
    else high = middle;
  }
  return high;
}

/** Returns the instants in [fromMs, untilMs) where `offsetAt` changes, found by daily steps and bisection. */
export function scanChanges(offsetAt: (instantMs: number) => number, fromMs = FROM_MS, untilMs = UNTIL_MS): number[] {
  const changes: number[] = [];
  let previous = offsetAt(fromMs);
  for (let dayMs = fromMs + DAY_MS; dayMs < untilMs; dayMs += DAY_MS) {
    const current = offsetAt(dayMs);
    if (current !== previous) changes.push(bisectChange(offsetAt, dayMs - DAY_MS, dayMs));
    previous = current;
  }
  return changes;
}

/** Returns the transitions listed in the TZif file at `path` from 1970 to 2100, in ms since the epoch. */
export function fileTransitionsMs(path: string): number[] {
  return parseTzif(readFileSync(path), path)
    .transitionsSeconds.map((seconds) => seconds * 1000)
    .filter((instantMs) => instantMs >= FROM_MS && instantMs < UNTIL_MS);
}

/** Returns each instant with the millisecond before and after it. */
export function aroundEach(instantsMs: readonly number[]): number[] {
  return instantsMs.flatMap((instantMs) => [instantMs - 1, instantMs, instantMs + 1]);
}

/** Returns `count` instants in [fromMs, untilMs) from a seeded generator, so a failure repeats. */
export function randomInstants(count: number, seed: number, fromMs = FROM_MS, untilMs = UNTIL_MS): number[] {
  let state = seed >>> 0;
  const next = () => {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: count }, () => fromMs + Math.floor(next() * (untilMs - fromMs)));
}

/** Lists the TZif files under `root` by zone name, skipping `posix/`, `right/` and files without the TZif magic (zone.tab, tzdata.zi, leapseconds). */
export function listZoneFiles(root: string): string[] {
  const names: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const name = `${prefix}${entry}`;
      if (name === "posix" || name === "right") continue;
      const path = join(dir, entry);
      const stats = statSync(path, { throwIfNoEntry: false });
      if (stats === undefined) continue;
      if (stats.isDirectory()) walk(path, `${name}/`);
      else if (readFileSync(path).subarray(0, 4).toString("latin1") === "TZif") names.push(name);
    }
  };
  walk(root, "");
  return names;
}
