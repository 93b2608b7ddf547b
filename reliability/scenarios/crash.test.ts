/**
 * Crashes: thermo is killed with SIGKILL at a seeded random moment after its
 * start, 100 times on one data_dir. Uploads go through the proxy, which
 * delays a share of responses after the API stored the batch, so many kills
 * land between the API's 2xx and the outbox delete. After the
 * trials a last run empties the outbox; no reading committed to the outbox
 * may be lost or stored twice, and each run must drive the relay off before
 * it does anything else.
 */
import { afterAll, beforeAll } from "bun:test";
import { startCloud, type Cloud } from "../harness/cloud.ts";
import { DeviceProcess, deviceUnavailableReason } from "../harness/device.ts";
import { flushOutbox, prepareDataDir, removeDataDir, tallyDevice } from "../harness/device-run.ts";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy.ts";
import { createPrng, suiteSeed } from "../harness/prng.ts";
import { auditRelay, mergeAudits, type RelayAudit } from "../harness/relay-audit.ts";
import { scenario } from "../harness/scenario.ts";

const TRIALS = Number(process.env.THERMO_RELIABILITY_CRASH_TRIALS ?? 100);
/** Kills land uniformly in this window after the spawn, in ms; it covers start-up, readings and uploads. */
const KILL_WINDOW_MS = [50, 1_800] as const;
const POLL_INTERVAL_S = 2;

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

scenario(`crash: kill -9 at random points, ${TRIALS} trials`, { requires: deviceUnavailableReason, timeoutMs: 480_000 }, async (checks) => {
  const deviceId = "crash";
  const dataDir = await prepareDataDir();
  const prng = createPrng(suiteSeed() ^ 0xc7a5);
  proxy!.setPlan(() => (prng.next() < 0.6 ? { kind: "slow", delayMs: 700 } : { kind: "pass" }));
  const limits = { maxOnS: 3600, pollIntervalS: POLL_INTERVAL_S, overTempCutoff: 95 };
  const audits: RelayAudit[] = [];
  let reachedStart = 0;
  let killedMidUpload = 0;

  for (let trial = 0; trial < TRIALS; trial++) {
    const killAfterMs = prng.int(KILL_WINDOW_MS[0], KILL_WINDOW_MS[1]);
    const requestsBefore = proxy!.records.length;
    const device = await DeviceProcess.start({
      dataDir,
      apiUrl: proxy!.url,
      ingestToken: cloud!.ingestToken,
      deviceId,
      speed: 1,
      pollIntervalS: POLL_INTERVAL_S,
      uploadIntervalS: 1,
      requestTimeoutS: 2,
      // thermo keeps the heater off for min_off_s (at least 30 s) after start, longer than a trial lives,
      // so these runs test the start order and the outbox; the safety scenarios cover a running heater.
      extra: { setpoint: 68, min_off_s: 30, min_on_s: 30, upload_batch_size: 3 },
    });
    await Bun.sleep(killAfterMs);
    device.kill("SIGKILL");
    await device.exited;

    if (device.records.some((record) => record.event === "thermostat_started")) reachedStart++;
    const trialRequests = proxy!.records.slice(requestsBefore);
    if (trialRequests.some((record) => record.status === undefined && record.upstreamStatus === 200)) killedMidUpload++;
    audits.push(auditRelay(device.records, limits, false, `trial ${trial}`));
    const crashTrace = device.otherLines.find((line) => /error|panic|segmentation/i.test(line));
    checks.expect(crashTrace === undefined, `trial ${trial} printed an error before the kill: ${crashTrace}`);
  }
  checks.note(`${reachedStart} of ${TRIALS} runs got past start-up before the kill; ${killedMidUpload} kills fell after the API stored a batch and before the device saw the response`);
  checks.expect(reachedStart >= TRIALS / 2, `only ${reachedStart} of ${TRIALS} runs started before the kill, so few kills hit a running device`);

  const flush = await flushOutbox({ cloud: cloud!, dataDir, deviceId });
  audits.push(auditRelay(flush.records, limits, true, "flush run"));
  const counts = await tallyDevice({ cloud: cloud!, dataDir, deviceId, checks });
  const audit = mergeAudits(audits);
  for (const finding of audit.findings) checks.note(finding);

  removeDataDir(dataDir);
  return { ...counts, unsafe: audit.unsafe };
});
