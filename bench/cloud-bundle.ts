#!/usr/bin/env bun
/**
 * Cold-start proxy: builds the Lambda bundle, reports its size raw and
 * gzipped, and times `node` importing it against an empty handler in the same
 * run. Each figure is the median of fresh `node` processes, so it includes
 * Node's own start-up in both the bundle's and the floor's time.
 *
 * It also times, inside fresh `node` processes, the handler invocations after
 * the import: `POST /` with one reading, stored in dynalite on 127.0.0.1. The
 * first request pays for whatever the import left undone (lazy loading, first
 * connection, key derivation). The warm figure, the median of requests
 * 21–60 in the same process, is its floor.
 *
 * Usage: bun run bench/cloud-bundle.ts [--bundle FILE]
 *   --bundle FILE  measure a bundle built elsewhere instead of building one
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { buildLambdaBundle } from "../build/lambda-bundle.ts";
import { sha256Hex } from "../cloud/auth.ts";
import { startDynalite } from "../dev/dynalite.ts";
import { ensureTable } from "../dev/ensure-table.ts";
import { LOCAL_CREDENTIALS } from "../dev/stack.ts";
import { functionUrlEvent } from "../tests/helpers/function-url-event.ts";
import { wireReading } from "../tests/helpers/wire-reading.ts";
import { machine, ms, percentile, ratio } from "./stats.ts";

const RUNS = 15;
const TABLE = "bench";
const INGEST_TOKEN = "bench-ingest-token-0123456789abcdefghijklmnop";
const FIRST_READING_MS = Date.UTC(2026, 2, 10, 12);
/** Handler invocations per node process; the first WARM_FROM are left out of the warm median. */
const REQUESTS_PER_RUN = 60;
const WARM_FROM = 20;

const { values: flags } = parseArgs({ options: { bundle: { type: "string" } } });

/** Imports `file` in a fresh node process and returns the wall time in ms. */
function timeImport(file: string, env: Record<string, string>): number {
  const started = performance.now();
  const result = Bun.spawnSync(["node", "--no-warnings", "--input-type=module", "-e", `const m = await import(${JSON.stringify(file)}); if (typeof m.handler !== "function") process.exit(3);`], {
    env: { ...process.env, ...env },
  });
  if (result.exitCode !== 0) throw new Error(`node failed to import ${file}: ${result.stderr.toString()}`);
  return performance.now() - started;
}

interface RequestTimes {
  firstMs: number;
  secondMs: number;
  /** Median of the requests after the first WARM_FROM. */
  warmMs: number;
}

/**
 * Imports `file` in a fresh node process, then times REQUESTS_PER_RUN `POST /` invocations of its handler.
 * The spawn is asynchronous because dynalite runs in this process and must keep serving.
 */
async function timeRequests(file: string, env: Record<string, string>, run: number): Promise<RequestTimes> {
  const events = Array.from({ length: REQUESTS_PER_RUN }, (_, index) => {
    const recordDate = new Date(FIRST_READING_MS + (run * REQUESTS_PER_RUN + index) * 1000).toISOString();
    return functionUrlEvent({ method: "POST", path: "/", headers: { authorization: `Bearer ${INGEST_TOKEN}` }, body: JSON.stringify(wireReading({ record_date: recordDate })) });
  });
  const script = `
    const { handler } = await import(${JSON.stringify(file)});
    const events = ${JSON.stringify(events)};
    const times = [];
    for (const event of events) {
      const started = performance.now();
      const result = await handler(event, {});
      times.push(performance.now() - started);
      if (result.statusCode !== 200) throw new Error("POST / returned " + result.statusCode + ": " + result.body);
    }
    const warm = times.slice(${WARM_FROM}).sort((a, b) => a - b);
    console.log(JSON.stringify({ firstMs: times[0], secondMs: times[1], warmMs: warm[Math.floor(warm.length / 2)] }));`;
  const child = Bun.spawn(["node", "--no-warnings", "--input-type=module", "-e", script], { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (exitCode !== 0) throw new Error(`node failed to run the handler of ${file}: ${stderr}`);
  return JSON.parse(stdout) as RequestTimes;
}

const bundlePath = flags.bundle === undefined ? (await buildLambdaBundle()).path : resolve(flags.bundle);
const bundleBytes = Bun.file(bundlePath).size;
const gzipBytes = Bun.gzipSync(await Bun.file(bundlePath).bytes()).length;
const floorFile = join(mkdtempSync(join(tmpdir(), "thermo-bench-")), "empty.mjs");
writeFileSync(floorFile, "export const handler = async () => ({ statusCode: 200, body: '' });\n");

const dynamo = await startDynalite();
const setupClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: "us-east-1", credentials: LOCAL_CREDENTIALS });
await ensureTable(setupClient, TABLE);
setupClient.destroy();
// The function's environment in Lambda, with dynalite as the endpoint and dummy credentials.
const lambdaEnv: Record<string, string> = {
  THERMO_TABLE: TABLE,
  THERMO_LOG_LEVEL: "silent",
  THERMO_INGEST_TOKEN_SHA256: await sha256Hex(INGEST_TOKEN),
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: "bench-session-token",
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
};

// The default zone is UTC, which the app serves without Intl. A zone with DST makes the import
// load ICU's zone data, because the configuration check builds the zone's formatter.
const zonedEnv = { ...lambdaEnv, THERMO_TIMEZONE: "America/Chicago" };

const floorTimes: number[] = [];
const bundleTimes: number[] = [];
const zonedBundleTimes: number[] = [];
const requestTimes: RequestTimes[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    floorTimes.push(timeImport(floorFile, lambdaEnv));
    bundleTimes.push(timeImport(bundlePath, lambdaEnv));
    zonedBundleTimes.push(timeImport(bundlePath, zonedEnv));
    requestTimes.push(await timeRequests(bundlePath, lambdaEnv, run));
  }
} finally {
  await dynamo.close();
}
const floor = percentile(floorTimes, 50);
const measured = percentile(bundleTimes, 50);
const zonedMeasured = percentile(zonedBundleTimes, 50);
const firstMs = percentile(requestTimes.map((times) => times.firstMs), 50);
const secondMs = percentile(requestTimes.map((times) => times.secondMs), 50);
const warmMs = percentile(requestTimes.map((times) => times.warmMs), 50);
const nodeVersion = Bun.spawnSync(["node", "--version"]).stdout.toString().trim();

console.log(`Machine: ${machine()}, node ${nodeVersion}\n`);
console.log(`| Lambda bundle | value | target |\n|---|---|---|`);
console.log(`| minified size | ${(bundleBytes / 1024).toFixed(1)} KiB | under 400 KB |`);
console.log(`| gzip size | ${(gzipBytes / 1024).toFixed(1)} KiB | |`);
console.log(`| node import, empty handler (floor) | ${ms(floor)} | |`);
console.log(`| node import, bundle (THERMO_TIMEZONE unset: UTC) | ${ms(measured)} (${ratio(measured, floor)}) | under 1.5× |`);
console.log(`| node import, bundle, THERMO_TIMEZONE=America/Chicago | ${ms(zonedMeasured)} (${ratio(zonedMeasured, floor)}) | under 1.5× |`);
console.log(`| warm request, POST / to dynalite (floor) | ${ms(warmMs)} | |`);
console.log(`| first request after import, POST / to dynalite | ${ms(firstMs)} (${ratio(firstMs, warmMs)}) | |`);
console.log(`| second request, POST / to dynalite | ${ms(secondMs)} (${ratio(secondMs, warmMs)}) | |`);
