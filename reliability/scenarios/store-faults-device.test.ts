/**
 * Store faults with the real device: dynalite is killed and restarted while
 * thermo uploads, then BatchWriteItem leaves items unprocessed for a while.
 * The API returns 503, the device keeps the readings and sends them again,
 * and every reading ends up stored once.
 */
import { afterAll, beforeAll } from "bun:test";
import { startCloud, type Cloud } from "../harness/cloud.ts";
import { DeviceProcess, deviceUnavailableReason, newestTakenId } from "../harness/device.ts";
import { flushOutbox, prepareDataDir, removeDataDir, tallyDevice, waitForDelivered, waitForTaken } from "../harness/device-run.ts";
import { auditRelay, mergeAudits } from "../harness/relay-audit.ts";
import { scenario } from "../harness/scenario.ts";

const SPEED = 100;
const POLL_INTERVAL_S = 15;

let cloud: Cloud | undefined;

beforeAll(async () => {
  if (deviceUnavailableReason() !== undefined) return;
  cloud = await startCloud();
});

afterAll(async () => {
  await cloud?.stop();
});

scenario("store: dynalite down and unprocessed items (device)", { requires: deviceUnavailableReason, timeoutMs: 300_000 }, async (checks) => {
  const deviceId = "store-device";
  const dataDir = await prepareDataDir();
  const device = await DeviceProcess.start({
    dataDir,
    apiUrl: cloud!.url,
    ingestToken: cloud!.ingestToken,
    deviceId,
    speed: SPEED,
    pollIntervalS: POLL_INTERVAL_S,
    uploadIntervalS: 30,
    requestTimeoutS: 15,
    extra: { setpoint: 68, min_off_s: 30, min_on_s: 30, upload_batch_size: 20 },
  });
  try {
    await waitForTaken(dataDir, 20, 30_000);
    await cloud!.stopStore();
    await Bun.sleep(8_000);
    await cloud!.startStore();
    await Bun.sleep(3_000);
    cloud!.setBatchWriteMode({ kind: "unprocessed", keep: 7 });
    await Bun.sleep(20_000);
    cloud!.setBatchWriteMode({ kind: "normal" });
    const drainMs = await waitForDelivered(dataDir, newestTakenId(dataDir), 120_000);
    checks.note(`drained ${(drainMs / 1000).toFixed(1)} s after the store recovered`);
  } finally {
    const code = await device.stop();
    checks.expect(code === 0, `thermo exited with ${code} after SIGTERM: ${device.tail()}`);
  }

  const failures = device.events("upload_failed");
  const statuses = new Set(failures.map((record) => record.status));
  checks.expect(statuses.has(503), `the device never met a 503 (statuses seen: ${[...statuses].join(", ") || "none"}), so the fault was not exercised`);
  checks.note(`${failures.length} failed uploads, statuses ${[...statuses].join(", ")}`);

  const flush = await flushOutbox({ cloud: cloud!, dataDir, deviceId });
  const counts = await tallyDevice({ cloud: cloud!, dataDir, deviceId, checks });
  const limits = { maxOnS: 3600, pollIntervalS: POLL_INTERVAL_S, overTempCutoff: 95 };
  const audit = mergeAudits([auditRelay(device.records, limits, true, "store run"), auditRelay(flush.records, limits, true, "flush run")]);
  for (const finding of audit.findings) checks.note(finding);
  removeDataDir(dataDir);
  return { ...counts, unsafe: audit.unsafe };
});
