/**
 * Network outage: the API is unreachable (connections refused) while the
 * device takes a simulated week of readings at 15 s polling (40,320), then it
 * comes back. Every reading must be stored once and in order, the outbox
 * must end empty, and the drain must beat the benchmark target of 60 s.
 */
import { afterAll, beforeAll } from "bun:test";
import { startCloud, type Cloud } from "../harness/cloud.ts";
import { DeviceProcess, deviceUnavailableReason, newestTakenId, readOutbox } from "../harness/device.ts";
import { flushOutbox, prepareDataDir, removeDataDir, tallyDevice, waitForDelivered, waitForTaken } from "../harness/device-run.ts";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy.ts";
import { auditRelay, mergeAudits } from "../harness/relay-audit.ts";
import { scenario } from "../harness/scenario.ts";

const POLL_INTERVAL_S = 15;
const WEEK_READINGS = (7 * 86_400) / POLL_INTERVAL_S;
/** 7 simulated days in about 60 real seconds, if the device keeps up. */
const SPEED = 10_000;
const DRAIN_TARGET_MS = 60_000;

let cloud: Cloud | undefined;
let proxy: FaultProxy | undefined;

beforeAll(async () => {
  if (deviceUnavailableReason() !== undefined) return;
  cloud = await startCloud();
  proxy = await startFaultProxy({ targetUrl: cloud.url });
});

afterAll(async () => {
  await proxy?.close();
  await cloud?.stop();
});

scenario("outage: API unreachable for 7 simulated days", { requires: deviceUnavailableReason, timeoutMs: 420_000 }, async (checks) => {
  const deviceId = "outage";
  const dataDir = await prepareDataDir();
  await proxy!.setReachable(false);
  const device = await DeviceProcess.start({
    dataDir,
    apiUrl: proxy!.url,
    ingestToken: cloud!.ingestToken,
    deviceId,
    speed: SPEED,
    pollIntervalS: POLL_INTERVAL_S,
    uploadIntervalS: 60,
    requestTimeoutS: 5,
    extra: { setpoint: 50, upload_batch_size: 500 },
  });
  try {
    const fillMs = await waitForTaken(dataDir, WEEK_READINGS, 300_000);
    checks.note(`a week of readings took ${(fillMs / 1000).toFixed(1)} s`);
    checks.expect(readOutbox(dataDir).depth >= WEEK_READINGS, "readings left the outbox while the API was unreachable");
    // The uploader's backoff draws up to a 15-minute cap with full jitter, 7.5 minutes on average, so a
    // week takes about 1,350 attempts and far more means the backoff did not hold. The outage is measured
    // on the readings' own clock, which runs past a week when a loaded machine makes thermo skip polls.
    const taken = readOutbox(dataDir).taken;
    const outageS = (Date.parse(taken.at(-1)!.record_date) - Date.parse(taken[0]!.record_date)) / 1000;
    const attempts = device.events("upload_failed").length;
    const maxAttempts = Math.ceil((outageS / (7.5 * 60)) * 1.5) + 20;
    checks.note(`${attempts} upload attempts in ${(outageS / 86_400).toFixed(1)} simulated days of outage`);
    checks.expect(attempts <= maxAttempts, `${attempts} upload attempts in ${(outageS / 86_400).toFixed(1)} simulated days of outage, over ${maxAttempts}: the backoff did not hold`);

    // Readings keep coming during the drain, so the drain ends when every reading taken before the API came back has left.
    const backlogId = newestTakenId(dataDir);
    await proxy!.setReachable(true);
    const drainMs = await waitForDelivered(dataDir, backlogId, 180_000);
    checks.note(`drained in ${(drainMs / 1000).toFixed(1)} s (target ${DRAIN_TARGET_MS / 1000} s)`);
    checks.expect(drainMs < DRAIN_TARGET_MS, `the outbox took ${(drainMs / 1000).toFixed(1)} s to drain, over the ${DRAIN_TARGET_MS / 1000} s target`);
  } finally {
    const code = await device.stop();
    checks.expect(code === 0, `thermo exited with ${code} after SIGTERM: ${device.tail()}`);
  }

  const flush = await flushOutbox({ cloud: cloud!, dataDir, deviceId });
  const counts = await tallyDevice({ cloud: cloud!, dataDir, deviceId, checks, requireOrder: true });
  const limits = { maxOnS: 3600, pollIntervalS: POLL_INTERVAL_S, overTempCutoff: 95 };
  const audit = mergeAudits([auditRelay(device.records, limits, true, "outage run"), auditRelay(flush.records, limits, true, "flush run")]);
  for (const finding of audit.findings) checks.note(finding);
  removeDataDir(dataDir);
  return { ...counts, unsafe: audit.unsafe };
});
