#!/usr/bin/env bun
/**
 * Cold-start proxy: builds the Lambda bundle, reports its size raw and
 * gzipped, and times `node` importing it against an empty handler in the same
 * run. Each figure is the median of fresh `node` processes, so it includes
 * Node's own start-up in both the bundle's and the floor's time.
 *
 * Usage: bun run bench/cloud-bundle.ts
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildLambdaBundle } from "../build/lambda-bundle.ts";
import { machine, ms, percentile, ratio } from "./stats.ts";

const RUNS = 15;

/** Imports `file` in a fresh node process and returns the wall time in ms. */
function timeImport(file: string): number {
  const started = performance.now();
  const result = Bun.spawnSync(["node", "--no-warnings", "--input-type=module", "-e", `const m = await import(${JSON.stringify(file)}); if (typeof m.handler !== "function") process.exit(3);`], {
    env: { ...process.env, THERMO_TABLE: "bench", AWS_REGION: "us-east-1", THERMO_LOG_LEVEL: "silent" },
  });
  if (result.exitCode !== 0) throw new Error(`node failed to import ${file}: ${result.stderr.toString()}`);
  return performance.now() - started;
}

const bundle = await buildLambdaBundle();
const gzipBytes = Bun.gzipSync(await Bun.file(bundle.path).bytes()).length;
const floorFile = join(mkdtempSync(join(tmpdir(), "thermo-bench-")), "empty.mjs");
writeFileSync(floorFile, "export const handler = async () => ({ statusCode: 200, body: '' });\n");

const floorTimes: number[] = [];
const bundleTimes: number[] = [];
for (let i = 0; i < RUNS; i++) {
  floorTimes.push(timeImport(floorFile));
  bundleTimes.push(timeImport(bundle.path));
}
const floor = percentile(floorTimes, 50);
const measured = percentile(bundleTimes, 50);
const nodeVersion = Bun.spawnSync(["node", "--version"]).stdout.toString().trim();

console.log(`Machine: ${machine()}, node ${nodeVersion}\n`);
console.log(`| Lambda bundle | value | target |\n|---|---|---|`);
console.log(`| minified size | ${(bundle.bytes / 1024).toFixed(1)} KiB | under 400 KB |`);
console.log(`| gzip size | ${(gzipBytes / 1024).toFixed(1)} KiB | |`);
console.log(`| node import, empty handler (floor) | ${ms(floor)} | |`);
console.log(`| node import, bundle | ${ms(measured)} (${ratio(measured, floor)}) | under 1.5× |`);
