#!/usr/bin/env bun
/**
 * Day query benchmark: a day of 5,760 readings (15-second polling) read
 * through the real app on Bun.serve against dynalite on 127.0.0.1, as JSON
 * with and without gzip, and as CSV. The floor is `GET /health` on the same
 * server in the same run.
 *
 * Usage: bun run bench/cloud-day-query.ts
 */
import { Logger } from "../lib/log.ts";
import { startStack } from "../dev/stack.ts";
import type { WireReading } from "../schema.ts";
import { machine, ms, percentile, ratio } from "./stats.ts";

const READINGS = 5760;
const ROUNDS = 30;

const stack = await startStack({ logger: new Logger("bench", { level: "silent" }), dashboard: false });
try {
  const dayStartMs = Date.UTC(2026, 0, 15);
  for (let offset = 0; offset < READINGS; offset += 500) {
    const readings: WireReading[] = Array.from({ length: Math.min(500, READINGS - offset) }, (_, j) => ({
      record_date: new Date(dayStartMs + (offset + j) * 15_000).toISOString(),
      thermostat_on: (offset + j) % 40 < 15,
      temperature: 62 + Math.sin((offset + j) / 200) * 3,
      thermostat_value: 64,
      humidity: 40,
      device_id: "bench",
    }));
    const response = await fetch(`${stack.url}/readings`, {
      method: "POST",
      headers: { Authorization: `Bearer ${stack.tokens.ingest}` },
      body: JSON.stringify({ readings }),
    });
    if (!response.ok) throw new Error(`seeding failed with ${response.status}`);
  }

  const measure = async (path: string, acceptEncoding: string) => {
    const latencies: number[] = [];
    let bytes = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = performance.now();
      // Bun's fetch decompresses transparently; `decompress: false` keeps the bytes on the wire countable.
      const response = await fetch(`${stack.url}${path}`, {
        headers: { Authorization: `Bearer ${stack.tokens.read}`, "Accept-Encoding": acceptEncoding },
        decompress: false,
      });
      bytes = (await response.arrayBuffer()).byteLength;
      if (!response.ok) throw new Error(`${path} failed with ${response.status}`);
      latencies.push(performance.now() - t0);
    }
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), bytes };
  };

  const floor = await measure("/health", "identity");
  const day = "/devices/bench/days/2026-01-15";
  const rows = [
    ["floor: GET /health", floor],
    ["JSON, gzip off", await measure(day, "identity")],
    ["JSON, gzip on", await measure(day, "gzip")],
    ["CSV, gzip off", await measure(`${day}?format=csv`, "identity")],
    ["CSV, gzip on", await measure(`${day}?format=csv`, "gzip")],
  ] as const;

  console.log(`Machine: ${machine()}\n`);
  console.log(`| ${READINGS}-reading day | p50 (× floor) | p99 (× floor) | response bytes |\n|---|---|---|---|`);
  for (const [name, result] of rows) {
    console.log(`| ${name} | ${ms(result.p50)} (${ratio(result.p50, floor.p50)}) | ${ms(result.p99)} (${ratio(result.p99, floor.p99)}) | ${result.bytes} |`);
  }
} finally {
  await stack.stop();
}
