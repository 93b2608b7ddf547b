#!/usr/bin/env bun
/**
 * Ingest benchmark: single readings and 500-reading batches through the real
 * app on Bun.serve against dynalite on 127.0.0.1, and the handler's own cost
 * per request with the store round-trip replaced by an instant one.
 * Floors, measured in the same run: an empty Bun.serve handler over the same
 * loopback client loop, and an empty Hono app called in-process.
 *
 * Usage: bun run bench/cloud-ingest.ts
 */
import { Hono } from "hono";
import { createApp } from "../cloud/app.ts";
import type { DynamoDBDataPlane } from "../cloud/store/dynamodb-operations.ts";
import { ReadingStore } from "../cloud/store/readings-store.ts";
import { Logger } from "../lib/log.ts";
import { startStack } from "../dev/stack.ts";
import type { WireReading } from "../schema.ts";
import { machine, ms, percentile, ratio } from "./stats.ts";

const SINGLE_REQUESTS = 2000;
const BATCH_REQUESTS = 40;
const CONCURRENCY = 8;
const IN_PROCESS_REQUESTS = 5000;

function reading(index: number, baseMs: number): WireReading {
  return {
    record_date: new Date(baseMs + index * 1000).toISOString(),
    thermostat_on: index % 3 === 0,
    temperature: 60 + (index % 100) / 10,
    thermostat_value: 64,
    device_id: "bench",
  };
}

/** Sends `count` requests with `concurrency` in flight; returns per-request latencies and the wall time. */
async function load(count: number, concurrency: number, send: (index: number) => Promise<Response>) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const t0 = performance.now();
      const response = await send(index);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`request ${index} failed with ${response.status}`);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, wallMs: performance.now() - started };
}

function row(name: string, result: { latencies: number[]; wallMs: number }, floor: { latencies: number[] }, unitsPerRequest = 1) {
  const p50 = percentile(result.latencies, 50);
  const p99 = percentile(result.latencies, 99);
  const perSecond = (result.latencies.length * unitsPerRequest) / (result.wallMs / 1000);
  return `| ${name} | ${Math.round(perSecond)} | ${ms(p50)} (${ratio(p50, percentile(floor.latencies, 50))}) | ${ms(p99)} (${ratio(p99, percentile(floor.latencies, 99))}) |`;
}

const silent = new Logger("bench", { level: "silent" });
const stack = await startStack({ logger: silent, dashboard: false });
const floorServer = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("{}") });
try {
  const auth = { Authorization: `Bearer ${stack.tokens.ingest}`, "Content-Type": "application/json" };
  const baseMs = Date.UTC(2026, 0, 1);

  const floor = await load(SINGLE_REQUESTS, CONCURRENCY, () => fetch(`http://127.0.0.1:${floorServer.port}/`, { method: "POST", body: "{}" }));
  const single = await load(SINGLE_REQUESTS, CONCURRENCY, (i) => fetch(`${stack.url}/`, { method: "POST", headers: auth, body: JSON.stringify(reading(i, baseMs)) }));
  const batches = await load(BATCH_REQUESTS, 2, (i) =>
    fetch(`${stack.url}/readings`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ readings: Array.from({ length: 500 }, (_, j) => reading(100_000 + i * 500 + j, baseMs)) }),
    }),
  );

  // The handler alone: the same app with a store whose DynamoDB client returns at once.
  const instantClient: DynamoDBDataPlane = {
    batchWriteItem: async () => ({ UnprocessedItems: {} }),
    getItem: async () => ({}),
    query: async () => ({ Items: [] }),
    updateItem: async () => ({}),
  };
  const instantStore = new ReadingStore({ client: instantClient, tableName: "bench", timeZone: "UTC", logger: silent });
  const app = createApp({ config: stack.config, store: instantStore, logger: silent });
  const emptyApp = new Hono().post("/", (c) => c.json({}));
  const body = JSON.stringify(reading(1, baseMs));
  const inProcess = async (fetcher: (request: Request) => Response | Promise<Response>) => {
    const latencies: number[] = [];
    for (let i = 0; i < IN_PROCESS_REQUESTS; i++) {
      const t0 = performance.now();
      const response = await fetcher(new Request("http://bench/", { method: "POST", headers: auth, body }));
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`in-process request ${i} failed with ${response.status}`);
      latencies.push(performance.now() - t0);
    }
    return latencies;
  };
  const emptyLatencies = await inProcess((request) => emptyApp.fetch(request));
  const handlerLatencies = await inProcess((request) => app.fetch(request));

  console.log(`Machine: ${machine()}`);
  console.log(`\n| ingest over loopback | readings/s | p50 (× floor) | p99 (× floor) |\n|---|---|---|---|`);
  console.log(row("floor: empty Bun.serve handler", floor, floor));
  console.log(row(`POST / single reading, ${CONCURRENCY} in flight`, single, floor));
  console.log(row("POST /readings 500-reading batch, 2 in flight", batches, floor, 500));
  const emptyMean = emptyLatencies.reduce((a, b) => a + b, 0) / emptyLatencies.length;
  const handlerMean = handlerLatencies.reduce((a, b) => a + b, 0) / handlerLatencies.length;
  console.log(`\n| in-process, store excluded | mean per request | × floor |\n|---|---|---|`);
  const us = (value: number) => `${(value * 1000).toFixed(1)} µs`;
  console.log(`| floor: empty Hono app | ${us(emptyMean)} | 1.00× |`);
  console.log(`| POST / (auth, parse, validate, respond) | ${us(handlerMean)} | ${ratio(handlerMean, emptyMean)} |`);
} finally {
  floorServer.stop(true);
  await stack.stop();
}
