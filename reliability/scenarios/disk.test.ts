/**
 * Disk: the outbox database lives on a small tmpfs. In the first scenario
 * the filesystem fills up while thermo runs and is freed again; in the
 * second thermo starts on a filesystem mounted read-only, which is made
 * writable while it runs (a running SQLite keeps its files open for writing,
 * and Linux refuses to remount a filesystem read-only under such files).
 * In both, the device must keep controlling the heater safely, log the
 * condition at most once per upload interval rather than once per reading,
 * and deliver readings again once the disk is usable.
 */
import { afterAll, beforeAll } from "bun:test";
import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { startCloud, type Cloud } from "../harness/cloud.ts";
import { countTaken, DeviceProcess, deviceUnavailableReason, newestTakenId, type DeviceLogRecord } from "../harness/device.ts";
import { flushOutbox, prepareDataDir, tallyDevice, waitForDelivered, waitForTaken, waitUntil } from "../harness/device-run.ts";
import { auditRelay, mergeAudits } from "../harness/relay-audit.ts";
import { scenario, type Checks } from "../harness/scenario.ts";
import { mountTmpfs, tmpfsUnavailableReason } from "../harness/tmpfs.ts";

const SPEED = 100;
const POLL_INTERVAL_S = 15;
const UPLOAD_INTERVAL_S = 60;
const FAULT_MS = 20_000;
const LIMITS = { maxOnS: 3600, pollIntervalS: POLL_INTERVAL_S, overTempCutoff: 95 };

let cloud: Cloud | undefined;

/** Under CI a refused mount is not a reason to skip: the scenario runs and fails at the mount, naming the error. */
const requirements = () => deviceUnavailableReason() ?? (process.env.CI === "true" ? undefined : tmpfsUnavailableReason());

beforeAll(async () => {
  if (requirements() !== undefined) return;
  cloud = await startCloud();
});

afterAll(async () => {
  await cloud?.stop();
});

/** Fills the filesystem holding `dir` with one file until it reports ENOSPC. */
function fillDisk(dir: string): string {
  const path = join(dir, "filler.bin");
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(16 * 1024, 0xaa);
  try {
    for (let i = 0; i < 1_000_000; i++) writeSync(fd, chunk);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOSPC") throw error;
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Returns whether a warn or error record concerns the outbox or its disk. */
function isDiskRecord(record: DeviceLogRecord): boolean {
  if (record.level !== "warn" && record.level !== "error") return false;
  return /outbox|database|sqlite|disk|storage|SQLITE_FULL|SQLITE_READONLY|SQLITE_IOERR|ENOSPC|EROFS|read-only|readonly/i.test(JSON.stringify(record));
}

/** Checks the device during a disk fault: still deciding, not over-logging, still running. */
function checkDuringFault(checks: Checks, label: string, records: readonly DeviceLogRecord[], windowMs: number): void {
  const decisions = records.filter((record) => record.event === "control_decision").length;
  const diskLines = records.filter(isDiskRecord);
  const uploadIntervals = (windowMs * SPEED) / 1000 / UPLOAD_INTERVAL_S;
  const polls = (windowMs * SPEED) / 1000 / POLL_INTERVAL_S;
  // Each event may report the condition once per upload interval; the failed commits and the failed uploads are two events.
  const linesByEvent = new Map<string, number>();
  for (const record of diskLines) linesByEvent.set(String(record.event), (linesByEvent.get(String(record.event)) ?? 0) + 1);
  const [busiestEvent = "none", busiestCount = 0] = [...linesByEvent].sort((a, b) => b[1] - a[1])[0] ?? [];
  checks.expect(decisions >= polls / 2, `${label}: only ${decisions} control decisions in ${Math.round(polls)} polls, so control did not go on`);
  checks.expect(diskLines.length >= 1, `${label}: no warning or error named the disk condition`);
  checks.expect(
    busiestCount <= uploadIntervals + 2,
    `${label}: ${busiestCount} ${busiestEvent} lines in ${Math.round(uploadIntervals)} upload intervals (${Math.round(polls)} polls), more than one per interval`,
  );
  checks.note(`${label}: disk log lines ${[...linesByEvent].map(([event, count]) => `${event} ${count}`).join(", ")}; ${decisions} decisions in ${Math.round(polls)} polls`);
}

scenario("disk: outbox filesystem full, then freed", { requires: requirements, timeoutMs: 240_000 }, async (checks) => {
  const deviceId = "disk-full";
  // Larger than the 4 MB SQLite lets its WAL reach before a checkpoint, so the database can recover once freed.
  const mount = mountTmpfs(16 * 1024);
  try {
    const dataDir = await prepareDataDir(join(mount.path, "data"));
    const device = await DeviceProcess.start({
      dataDir,
      apiUrl: cloud!.url,
      ingestToken: cloud!.ingestToken,
      deviceId,
      speed: SPEED,
      pollIntervalS: POLL_INTERVAL_S,
      uploadIntervalS: UPLOAD_INTERVAL_S,
      extra: { setpoint: 68, min_off_s: 30, min_on_s: 30 },
    });
    let exitCode: number | undefined;
    void device.exited.then((code) => (exitCode = code));
    try {
      await waitForTaken(dataDir, 10, 30_000);
      const filler = fillDisk(mount.path);
      const fromIndex = device.records.length;
      await Bun.sleep(FAULT_MS);
      checks.expect(exitCode === undefined, `thermo exited with ${exitCode} while the disk was full: ${device.tail()}`);
      checkDuringFault(checks, "full", device.records.slice(fromIndex), FAULT_MS);

      rmSync(filler);
      const takenAfterFree = countTaken(dataDir);
      await waitUntil(() => countTaken(dataDir) > takenAfterFree + 5, { timeoutMs: 30_000, what: "new readings after the disk was freed" });
      await waitForDelivered(dataDir, newestTakenId(dataDir), 60_000);
    } finally {
      const code = await device.stop();
      checks.expect(code === 0, `thermo exited with ${code} after SIGTERM: ${device.tail()}`);
    }

    const flush = await flushOutbox({ cloud: cloud!, dataDir, deviceId });
    const counts = await tallyDevice({ cloud: cloud!, dataDir, deviceId, checks });
    const audit = mergeAudits([auditRelay(device.records, LIMITS, true, "disk run"), auditRelay(flush.records, LIMITS, true, "flush run")]);
    for (const finding of audit.findings) checks.note(finding);
    return { ...counts, unsafe: audit.unsafe };
  } finally {
    mount.unmount();
  }
});

scenario("disk: outbox filesystem read-only at start", { requires: requirements, timeoutMs: 240_000 }, async (checks) => {
  const deviceId = "disk-readonly";
  const mount = mountTmpfs(4096);
  try {
    const dataDir = await prepareDataDir(join(mount.path, "data"));
    mount.remount("ro");
    const device = await DeviceProcess.start({
      dataDir,
      apiUrl: cloud!.url,
      ingestToken: cloud!.ingestToken,
      deviceId,
      speed: SPEED,
      pollIntervalS: POLL_INTERVAL_S,
      uploadIntervalS: UPLOAD_INTERVAL_S,
      extra: { setpoint: 68, min_off_s: 30, min_on_s: 30 },
    });
    let exitCode: number | undefined;
    void device.exited.then((code) => (exitCode = code));
    try {
      await Bun.sleep(FAULT_MS);
      checks.expect(exitCode === undefined, `thermo exited with ${exitCode} on a read-only data_dir instead of controlling without history: ${device.tail()}`);
      checkDuringFault(checks, "read-only", device.records, FAULT_MS);

      mount.remount("rw");
      if (exitCode === undefined) {
        await waitForTaken(dataDir, 5, 30_000);
        await waitForDelivered(dataDir, newestTakenId(dataDir), 60_000);
      }
    } finally {
      mount.remount("rw");
      const code = exitCode ?? (await device.stop());
      if (exitCode === undefined) checks.expect(code === 0, `thermo exited with ${code} after SIGTERM: ${device.tail()}`);
    }

    const flush = await flushOutbox({ cloud: cloud!, dataDir, deviceId });
    const counts = await tallyDevice({ cloud: cloud!, dataDir, deviceId, checks });
    const audit = mergeAudits([auditRelay(device.records, LIMITS, exitCode === undefined, "read-only run"), auditRelay(flush.records, LIMITS, true, "flush run")]);
    for (const finding of audit.findings) checks.note(finding);
    return { ...counts, unsafe: audit.unsafe };
  } finally {
    mount.unmount();
  }
});
