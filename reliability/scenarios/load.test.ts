/**
 * Load: 50 simulated devices post batches to the local API at the same time
 * for a bounded time. Every request must succeed and every reading be stored
 * once. p50 and p99 latency are reported as ratios against a floor measured
 * in the same run: an empty Bun.serve handler under the same 50 clients.
 * The figures go to test-artifacts/reliability/load.json and, by hand, to
 * the "Reliability load" section of BENCHMARKS.md.
 */
import { afterAll, beforeAll } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { machine, percentile } from "../../bench/stats.ts";
import { startCloud, type Cloud } from "../harness/cloud.ts";
import { countDelivery, daysOf, makeReadings, type TakenReading } from "../harness/ledger.ts";
import { scenario } from "../harness/scenario.ts";

const DEVICES = 50;
const BATCH_READINGS = 100;
/** Each client stops starting batches after this long. */
const DURATION_MS = 10_000;
/** And after this many batches, whichever comes first. */
const MAX_BATCHES_PER_DEVICE = 40;
const REQUEST_TIMEOUT_MS = 30_000;

let cloud: Cloud;

beforeAll(async () => {
  cloud = await startCloud();
});

afterAll(async () => {
  await cloud?.stop();
});

interface LoadRun {
  latenciesMs: number[];
  errors: string[];
  wallMs: number;
}

/** Runs `DEVICES` clients, each sending its batches one after another, until the time or count bound. */
async function runClients(send: (device: number, batch: number) => Promise<Response>): Promise<LoadRun> {
  const latenciesMs: number[] = [];
  const errors: string[] = [];
  const startedMs = performance.now();
  const client = async (device: number) => {
    for (let batch = 0; batch < MAX_BATCHES_PER_DEVICE && performance.now() - startedMs < DURATION_MS; batch++) {
      const sentMs = performance.now();
      try {
        const response = await send(device, batch);
        await response.arrayBuffer();
        latenciesMs.push(performance.now() - sentMs);
        if (response.status !== 200) errors.push(`device ${device} batch ${batch}: ${response.status}`);
      } catch (error) {
        errors.push(`device ${device} batch ${batch}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: DEVICES }, (_, device) => client(device)));
  return { latenciesMs, errors, wallMs: performance.now() - startedMs };
}

function batchOf(device: number, batch: number) {
  return makeReadings({ deviceId: `load-${device}`, startMs: Date.UTC(2026, 2, 10, 0, 0, 0) + batch * BATCH_READINGS * 15_000, count: BATCH_READINGS, stepMs: 15_000 });
}

scenario("load: 50 devices posting batches", { timeoutMs: 180_000 }, async (checks) => {
  const bodies = Array.from({ length: DEVICES }, (_, device) => Array.from({ length: MAX_BATCHES_PER_DEVICE }, (_, batch) => JSON.stringify({ readings: batchOf(device, batch) })));

  // Floor: the same clients and bodies against a handler that reads the body and responds at once.
  const floorServer = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: async (request) => Response.json({ stored: (await request.arrayBuffer()).byteLength > 0 ? 1 : 0 }) });
  const floor = await runClients((device, batch) =>
    fetch(`http://127.0.0.1:${floorServer.port}/readings`, { method: "POST", body: bodies[device]![batch]!, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
  );
  await floorServer.stop(true);

  const sent = new Map<number, number>();
  const api = await runClients((device, batch) => {
    sent.set(device, Math.max(sent.get(device) ?? 0, batch + 1));
    return fetch(`${cloud.url}/readings`, {
      method: "POST",
      headers: { authorization: `Bearer ${cloud.ingestToken}`, "content-type": "application/json" },
      body: bodies[device]![batch]!,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  });

  checks.expect(api.errors.length === 0, `${api.errors.length} requests failed, e.g. ${api.errors.slice(0, 3).join("; ")}`);
  checks.expect(floor.errors.length === 0, `${floor.errors.length} floor requests failed, e.g. ${floor.errors[0]}`);

  let taken = 0;
  let stored = 0;
  let lost = 0;
  let duplicated = 0;
  for (let device = 0; device < DEVICES; device++) {
    const readings: TakenReading[] = [];
    for (let batch = 0; batch < (sent.get(device) ?? 0); batch++) readings.push(...batchOf(device, batch));
    const delivery = countDelivery(readings, await cloud.readingsOf(`load-${device}`, daysOf(readings)));
    taken += delivery.taken;
    stored += delivery.stored;
    lost += delivery.lost;
    duplicated += delivery.duplicated;
  }

  const figures = {
    machine: machine(),
    measured_at: new Date().toISOString(),
    devices: DEVICES,
    batch_readings: BATCH_READINGS,
    requests: api.latenciesMs.length,
    readings_per_s: Math.round((api.latenciesMs.length * BATCH_READINGS) / (api.wallMs / 1000)),
    api_p50_ms: percentile(api.latenciesMs, 50),
    api_p99_ms: percentile(api.latenciesMs, 99),
    floor_requests: floor.latenciesMs.length,
    floor_p50_ms: percentile(floor.latenciesMs, 50),
    floor_p99_ms: percentile(floor.latenciesMs, 99),
  };
  const outDir = join(import.meta.dir, "..", "..", "test-artifacts", "reliability");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "load.json"), JSON.stringify(figures, null, 2) + "\n");
  checks.note(
    `${figures.requests} requests, ${figures.readings_per_s} readings/s, p99 ${figures.api_p99_ms.toFixed(1)} ms = ${(figures.api_p99_ms / figures.floor_p99_ms).toFixed(1)}× the floor's ${figures.floor_p99_ms.toFixed(2)} ms`,
  );
  return { taken, stored, lost, duplicated };
});
