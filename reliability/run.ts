/**
 * Runs the reliability suite and prints its table.
 *
 * Usage: bun run reliability/run.ts [bun test filters…]
 *   (the package script: bun run test:reliability)
 *
 * Runs `bun test ./reliability` in a child process, then prints one row per
 * scenario: readings taken, stored, lost, duplicated and unsafe relay states.
 * Exits non-zero when a test fails, a scenario fails, or any lost, duplicated
 * or unsafe count is not zero. THERMO_RELIABILITY_SEED repeats a run's faults.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { suiteSeed } from "./harness/prng.ts";
import { formatTable, isBadResult, readResults, SCENARIO_STATUS } from "./harness/results.ts";

const repoRoot = join(import.meta.dir, "..");
const resultsFile = join(repoRoot, "test-artifacts", "reliability", "results.jsonl");
rmSync(resultsFile, { force: true });

const seed = suiteSeed();
const startedMs = performance.now();
console.log(`reliability suite, seed ${seed} (repeat with THERMO_RELIABILITY_SEED=${seed})`);
const child = Bun.spawn(["bun", "test", "./reliability", "--timeout", "600000", ...process.argv.slice(2)], {
  cwd: repoRoot,
  env: { ...process.env, THERMO_RELIABILITY_RESULTS: resultsFile, THERMO_RELIABILITY_SEED: String(seed) },
  stdout: "inherit",
  stderr: "inherit",
});
// Pass an interrupt on, so the test process can stop thermo and dynalite and detach its mounts.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
const testExitCode = await child.exited;

const results = readResults(resultsFile);
const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
console.log(`\n## Reliability table (seed ${seed}, ${seconds} s)\n`);
console.log(formatTable(results));

const passed = results.filter((result) => result.status === SCENARIO_STATUS.passed && !isBadResult(result)).length;
const failed = results.filter(isBadResult).length;
const notRun = results.filter((result) => result.status === SCENARIO_STATUS.notRun).length;
console.log(`\nreliability: ${passed} passed, ${failed} failed, ${notRun} skipped`);
if (testExitCode !== 0 && failed === 0) console.log(`bun test exited with ${testExitCode}`);
process.exit(failed > 0 || testExitCode !== 0 ? 1 : 0);
