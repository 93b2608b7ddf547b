/**
 * Steps shared by the scenarios that run `thermo`: a fresh data_dir with the
 * outbox ledger, waiting on the device's database, and the final tally of
 * readings taken against readings stored.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Cloud } from "./cloud.ts";
import { countTaken, DeviceProcess, installLedger, queuedThrough, readOutbox } from "./device.ts";
import { countDelivery, daysOf } from "./ledger.ts";
import type { Checks, Counts } from "./scenario.ts";

/** Creates a temp data_dir (or uses `dir`) and installs the ledger in it. */
export async function prepareDataDir(dir?: string): Promise<string> {
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), "thermo-rel-device-"));
  await installLedger(dataDir);
  return dataDir;
}

export function removeDataDir(dataDir: string): void {
  rmSync(dataDir, { recursive: true, force: true });
}

/** Polls `condition` every `pollMs` until it holds. @throws {Error} naming `what` on timeout */
export async function waitUntil(condition: () => boolean | Promise<boolean>, options: { timeoutMs: number; what: string; pollMs?: number }): Promise<number> {
  const startedMs = performance.now();
  while (!(await condition())) {
    if (performance.now() - startedMs > options.timeoutMs) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await Bun.sleep(options.pollMs ?? 50);
  }
  return performance.now() - startedMs;
}

/** Waits until the device has committed at least `count` readings. */
export function waitForTaken(dataDir: string, count: number, timeoutMs: number): Promise<number> {
  return waitUntil(() => countTaken(dataDir) >= count, { timeoutMs, what: `${count} readings in the outbox ledger` });
}

/** Waits until every reading up to ledger id `throughId` has left the outbox; returns the wait in ms. */
export function waitForDelivered(dataDir: string, throughId: number, timeoutMs: number): Promise<number> {
  return waitUntil(() => queuedThrough(dataDir, throughId) === 0, { timeoutMs, what: `readings up to id ${throughId} to leave the outbox`, pollMs: 50 });
}

/**
 * Runs `thermo` once more on the same data_dir, straight to the API at real
 * speed with uploads every second and no further poll for an hour, until the
 * outbox is empty, then stops it. Scenarios call it last, so the tally
 * counts each reading as delivered or lost.
 * @returns the flush process, for the relay audit
 */
export async function flushOutbox(options: { cloud: Cloud; dataDir: string; deviceId: string; timeoutMs?: number }): Promise<DeviceProcess> {
  const device = await DeviceProcess.start({
    dataDir: options.dataDir,
    apiUrl: options.cloud.url,
    ingestToken: options.cloud.ingestToken,
    deviceId: options.deviceId,
    speed: 1,
    pollIntervalS: 3600,
    uploadIntervalS: 1,
    requestTimeoutS: 10,
    // The device rejects a stale cut-off shorter than two polls. The outbox bound defaults to 30 days of
    // polls, only 720 readings at this poll interval, which would evict the backlog this run is meant to deliver.
    extra: { stale_after_s: 7200, outbox_max_readings: 50_000_000 },
  });
  try {
    // The run takes one reading at start; wait for its decision, which follows the commit, so it is uploaded too.
    await device.waitForLog((records) => records.some((record) => record.event === "control_decision"), 20_000, "the flush run's first reading");
    await waitUntil(() => readOutbox(options.dataDir).depth === 0, { timeoutMs: options.timeoutMs ?? 60_000, what: "an empty outbox in the flush run", pollMs: 100 });
  } finally {
    await device.stop();
  }
  return device;
}

/**
 * Compares the ledger with the table and records the usual checks: nothing
 * lost, nothing stored twice, nothing altered, the outbox empty, no dead
 * letters or evictions.
 */
export async function tallyDevice(options: { cloud: Cloud; dataDir: string; deviceId: string; checks: Checks; requireOrder?: boolean }): Promise<Required<Pick<Counts, "taken" | "stored" | "lost" | "duplicated">>> {
  const { cloud, dataDir, deviceId, checks } = options;
  const outbox = readOutbox(dataDir);
  const stored = await cloud.readingsOf(deviceId, daysOf(outbox.taken));
  const delivery = countDelivery(outbox.taken, stored);

  checks.expect(delivery.taken > 0, "the device took no reading, so the scenario proves nothing");
  checks.expect(outbox.depth === 0, `${outbox.depth} readings are still in the outbox`);
  checks.expect(outbox.deadLetters === 0, `${outbox.deadLetters} readings were dead-lettered`);
  checks.expect(outbox.evicted === 0, `${outbox.evicted} readings were evicted from a full outbox`);
  checks.expect(delivery.altered.length === 0, `stored readings differ from those taken: ${delivery.altered.slice(0, 3).join(", ")}`);
  if (options.requireOrder === true) checks.expect(delivery.isInOrder, "readings reached the table out of the order they were taken");
  if (delivery.lost > 0) checks.note(`lost e.g. ${delivery.lostKeys.slice(0, 3).join(", ")}`);
  if (delivery.duplicated > 0) checks.note(`extra items e.g. ${delivery.extraKeys.slice(0, 3).join(", ")}`);
  return { taken: delivery.taken, stored: delivery.stored, lost: delivery.lost, duplicated: delivery.duplicated };
}
