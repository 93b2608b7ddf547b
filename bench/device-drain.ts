#!/usr/bin/env bun
/**
 * Outbox drain after a simulated 7-day outage at 15 s polling: 40,320
 * readings wait in the outbox (a SQLite file), and the real uploader sends
 * them in 500-reading batches to the real local stack (dynalite + app on
 * 127.0.0.1) until the outbox is empty. The floor drains the same outbox into
 * a Bun.serve handler that answers 200 without storing anything.
 *
 * Usage: bun run bench/device-drain.ts
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDeviceDatabase } from "../device/outbox/database.ts";
import { Outbox } from "../device/outbox/outbox.ts";
import { Uploader } from "../device/outbox/uploader.ts";
import { systemClock } from "../device/time/clock.ts";
import { startStack } from "../dev/stack.ts";
import { Logger } from "../lib/log.ts";
import { formatLocalRfc3339 } from "../time/zone.ts";
import { machine, ratio } from "./stats.ts";

const READINGS = 7 * 24 * 240;
const quiet = new Logger("bench", { level: "silent" });

/** Fills a fresh outbox with a week of readings in one transaction (the fill is not what is measured). */
function fillOutbox(): { outbox: Outbox; close: () => void } {
  const db = openDeviceDatabase(join(mkdtempSync(join(tmpdir(), "thermo-bench-")), "thermo.sqlite"));
  const outbox = new Outbox({ db, maxReadings: 200_000, clock: systemClock, logger: quiet });
  const startMs = Date.UTC(2026, 0, 8, 6);
  db.transaction(() => {
    for (let index = 0; index < READINGS; index++) {
      const instantMs = startMs + index * 15_000;
      outbox.append({ record_date: formatLocalRfc3339(instantMs, "America/Chicago"), thermostat_on: index % 9 < 4, temperature: 49 + (index % 20) / 10, thermostat_value: 50, device_id: "drain", humidity: 41, unit: "F" }, instantMs);
    }
  })();
  return { outbox, close: () => db.close() };
}

async function drain(apiUrl: string, token: string): Promise<{ ms: number; requests: number }> {
  const { outbox, close } = fillOutbox();
  const uploader = new Uploader({ outbox, apiUrl, token, deviceId: "drain", batchSize: 500, requestTimeoutMs: 30_000, clock: systemClock, logger: quiet });
  const started = performance.now();
  let requests = 0;
  for (;;) {
    const outcome = await uploader.uploadBatch();
    if (outcome.kind === "idle") break;
    if (outcome.kind !== "delivered") throw new Error(`upload failed: ${JSON.stringify(outcome)}`);
    requests++;
  }
  const result = { ms: performance.now() - started, requests };
  close();
  return result;
}

const floorServer = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: async (request) => {
  await request.arrayBuffer();
  return Response.json({ stored: 500, duplicates: 0, desired: null });
} });
const floor = await drain(`http://127.0.0.1:${floorServer.port}`, "floor");
await floorServer.stop(true);

const stack = await startStack({ logger: quiet, dashboard: false });
let real;
try {
  real = await drain(stack.url, stack.tokens.ingest);
} finally {
  await stack.stop();
}

console.log(`Machine: ${machine()}\n`);
console.log(`| drain ${READINGS} readings (7 days at 15 s) | requests | time | × floor | target |\n|---|---|---|---|---|`);
console.log(`| floor: 200 from an empty handler | ${floor.requests} | ${(floor.ms / 1000).toFixed(2)} s | 1.00× | |`);
console.log(`| local stack (app + dynalite) | ${real.requests} | ${(real.ms / 1000).toFixed(2)} s | ${ratio(real.ms, floor.ms)} | under 60 s |`);
