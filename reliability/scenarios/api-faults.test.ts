/**
 * API faults: the device uploads through the fault-injecting proxy, which
 * responds to a seeded random share of batches with 500, 503 + Retry-After,
 * 429 + Retry-After, a hang (before or after the API stored the batch), a
 * connection reset (before or after), a slow response, a partial batch
 * (a prefix stored, then 503), or a bare 200 in HTML that never reached the
 * API, as a captive portal sends. Nothing may be lost or stored twice, and the
 * device must not retry faster than its backoff floor or before a
 * Retry-After has passed.
 */
import { afterAll, beforeAll } from "bun:test";
import { startCloud, type Cloud } from "../harness/cloud.ts";
import { DeviceProcess, deviceUnavailableReason } from "../harness/device.ts";
import { flushOutbox, prepareDataDir, removeDataDir, tallyDevice, waitForDelivered, waitForTaken } from "../harness/device-run.ts";
import { RANDOM_FAULTS, randomFaultPlan, startFaultProxy, type FaultProxy, type ProxyRecord } from "../harness/fault-proxy.ts";
import { createPrng, suiteSeed } from "../harness/prng.ts";
import { auditRelay, mergeAudits } from "../harness/relay-audit.ts";
import { scenario, type Checks } from "../harness/scenario.ts";
import { newestTakenId } from "../harness/device.ts";

const SPEED = 100;
const POLL_INTERVAL_S = 15;
const UPLOAD_INTERVAL_S = 60;
/** Simulated seconds the device waits at least after a failed upload (the uploader's floor). */
const BACKOFF_FLOOR_S = 1;
const RETRY_AFTER_S = 30;
/** Real time under faults. */
const FAULT_PHASE_MS = 45_000;

let cloud: Cloud | undefined;
let proxy: FaultProxy | undefined;

beforeAll(async () => {
  if (deviceUnavailableReason() !== undefined) return;
  cloud = await startCloud();
  proxy = await startFaultProxy({ targetUrl: cloud.url, maxHoldMs: 30_000 });
});

afterAll(async () => {
  await proxy?.close();
  await cloud?.stop();
});

/** Checks the gap after each failed upload against the backoff floor and any Retry-After, in simulated time. */
function checkRetryPacing(checks: Checks, records: readonly ProxyRecord[]): void {
  const uploads = records.filter((record) => record.batchSize > 0);
  let early = 0;
  let earlyRetryAfter = 0;
  for (let i = 1; i < uploads.length; i++) {
    const previous = uploads[i - 1]!;
    const failed = previous.status === undefined || previous.status >= 300 || previous.fault !== "pass";
    if (!failed) continue;
    const gapSimS = ((uploads[i]!.atMs - previous.atMs) * SPEED) / 1000;
    // 10 % slack for timer granularity at this speed.
    if (gapSimS < BACKOFF_FLOOR_S * 0.9) early++;
    if ((previous.status === 503 || previous.status === 429) && previous.fault === "status" && gapSimS < RETRY_AFTER_S * 0.9) earlyRetryAfter++;
  }
  checks.expect(early === 0, `${early} retries came sooner than the ${BACKOFF_FLOOR_S} s backoff floor`);
  checks.expect(earlyRetryAfter === 0, `${earlyRetryAfter} retries came before Retry-After (${RETRY_AFTER_S} s) had passed`);
}

scenario("API faults through the proxy", { requires: deviceUnavailableReason, timeoutMs: 300_000 }, async (checks) => {
  const deviceId = "api-faults";
  const dataDir = await prepareDataDir();
  const prng = createPrng(suiteSeed() ^ 0x0a91);
  proxy!.setPlan(
    randomFaultPlan({
      random: prng.next,
      // 64 % in all: a higher share makes backoffs so long that some kinds are never met.
      shares: { status500: 0.08, status503: 0.06, status429: 0.06, hangBefore: 0.04, hangAfter: 0.04, resetBefore: 0.06, resetAfter: 0.06, slow: 0.06, partial: 0.08, bare200: 0.1 },
      retryAfterS: RETRY_AFTER_S,
      // Under the 1 s request timeout, so slow responses still succeed; hangs cover timeouts.
      slowMs: 600,
    }),
  );
  const device = await DeviceProcess.start({
    dataDir,
    apiUrl: proxy!.url,
    ingestToken: cloud!.ingestToken,
    deviceId,
    speed: SPEED,
    pollIntervalS: POLL_INTERVAL_S,
    uploadIntervalS: UPLOAD_INTERVAL_S,
    requestTimeoutS: 1,
    // Small batches make many requests, so every kind of fault is met many times.
    extra: { setpoint: 68, min_off_s: 30, min_on_s: 30, upload_batch_size: 5 },
  });
  try {
    await waitForTaken(dataDir, 1, 20_000);
    await Bun.sleep(FAULT_PHASE_MS);
    proxy!.setPlan(() => ({ kind: "pass" }));
    const lastId = newestTakenId(dataDir);
    const drainMs = await waitForDelivered(dataDir, lastId, 120_000);
    checks.note(`drained ${(drainMs / 1000).toFixed(1)} s after the faults stopped`);
  } finally {
    const code = await device.stop();
    checks.expect(code === 0, `thermo exited with ${code} after SIGTERM: ${device.tail()}`);
  }

  const met = new Map<string, number>();
  for (const record of proxy!.records) if (record.batchSize > 0 && record.fault !== "pass") met.set(record.fault, (met.get(record.fault) ?? 0) + 1);
  checks.note(`${proxy!.records.length} requests; faults met: ${[...met].map(([kind, count]) => `${kind} ${count}`).join(", ")}`);
  for (const kind of ["status", "hang", "reset", "slow", "partial", "bare"]) checks.expect((met.get(kind) ?? 0) > 0, `no ${kind} fault was met, so that case proves nothing (faults defined: ${RANDOM_FAULTS.join(", ")})`);
  checkRetryPacing(checks, proxy!.records);

  const flush = await flushOutbox({ cloud: cloud!, dataDir, deviceId });
  const counts = await tallyDevice({ cloud: cloud!, dataDir, deviceId, checks });
  const limits = { maxOnS: 3600, pollIntervalS: POLL_INTERVAL_S, overTempCutoff: 95 };
  const audit = mergeAudits([auditRelay(device.records, limits, true, "faults run"), auditRelay(flush.records, limits, true, "flush run")]);
  for (const finding of audit.findings) checks.note(finding);
  removeDataDir(dataDir);
  return { ...counts, unsafe: audit.unsafe };
});
