#!/usr/bin/env bun
/**
 * CPU time per control cycle: the real ThermostatService on simulated
 * hardware and a manual clock, with the outbox on a SQLite file (WAL,
 * synchronous=FULL, so every cycle commits durably). A cycle is one sensor
 * read, plausibility check, outbox commit, decision and relay check. The
 * floor is the same loop of manual-clock wake-ups with a sensor read only.
 *
 * Usage: bun run bench/device-cycle.ts
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../device/config/load.ts";
import { openDeviceDatabase } from "../device/outbox/database.ts";
import { SimulatedRelay } from "../device/relays/simulated.ts";
import { ThermostatService } from "../device/run/thermostat-service.ts";
import { SimulatedSensor } from "../device/sensors/simulated.ts";
import { RoomModel } from "../device/simulation/room-model.ts";
import { ManualClock } from "../device/time/clock.ts";
import { Logger } from "../lib/log.ts";
import { machine, ratio } from "./stats.ts";

const CYCLES = 5760;
const POLL_MS = 15_000;

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

async function measureService(): Promise<{ cpuUs: number; wallMs: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), "thermo-bench-"));
  const config = loadConfig({ flags: { sensor: "simulated", relay: "simulated", data_dir: dataDir, timezone: "America/Chicago" }, env: {}, readTextFile: () => "" });
  const clock = new ManualClock();
  const room = new RoomModel({ startMs: clock.now() });
  const db = openDeviceDatabase(join(dataDir, "thermo.sqlite"));
  const service = new ThermostatService({ config, clock, logger: new Logger("bench", { level: "silent" }), sensor: new SimulatedSensor(room, clock), relay: new SimulatedRelay(room, clock), db, version: "bench" });
  await service.start();
  const cpuBefore = cpuMicros();
  const wallBefore = performance.now();
  for (let cycle = 0; cycle < CYCLES; cycle++) await clock.advance(POLL_MS);
  const result = { cpuUs: cpuMicros() - cpuBefore, wallMs: performance.now() - wallBefore };
  await service.stop("bench");
  db.close();
  return result;
}

async function measureFloor(): Promise<{ cpuUs: number; wallMs: number }> {
  const clock = new ManualClock();
  const sensor = new SimulatedSensor(new RoomModel({ startMs: clock.now() }), clock);
  let running = true;
  const loop = (async () => {
    while (running) {
      await sensor.read();
      await clock.sleep(POLL_MS);
    }
  })();
  const cpuBefore = cpuMicros();
  const wallBefore = performance.now();
  for (let cycle = 0; cycle < CYCLES; cycle++) await clock.advance(POLL_MS);
  const result = { cpuUs: cpuMicros() - cpuBefore, wallMs: performance.now() - wallBefore };
  running = false;
  await clock.advance(POLL_MS);
  await loop;
  return result;
}

const floor = await measureFloor();
const service = await measureService();
const perCycle = (us: number) => us / CYCLES;

console.log(`Machine: ${machine()}\n`);
console.log(`| ${CYCLES} cycles (a day at 15 s) | CPU per cycle | wall per cycle | CPU × floor |\n|---|---|---|---|`);
console.log(`| floor: manual-clock wake-up and sensor read | ${perCycle(floor.cpuUs).toFixed(1)} µs | ${((floor.wallMs * 1000) / CYCLES).toFixed(1)} µs | 1.00× |`);
console.log(`| control cycle with durable commit | ${perCycle(service.cpuUs).toFixed(1)} µs | ${((service.wallMs * 1000) / CYCLES).toFixed(1)} µs | ${ratio(service.cpuUs, floor.cpuUs)} |`);
