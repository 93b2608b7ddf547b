/**
 * Heater safety matrix: with the heater on, one fault is injected into the
 * simulated hardware and the relay must be off within the configured bound,
 * with a log line that names the cause.
 *
 * thermo runs through reliability/harness/thermo-with-faults.ts, which
 * patches the simulated sensor, relay and room model to follow a faults file
 * that the test rewrites while thermo runs. Clock jumps need no patch:
 * clock-jumps.test.ts steps the process's wall clock with libfaketime.
 */
import { afterAll, beforeAll } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startCloud, type Cloud } from "../harness/cloud.ts";
import { DeviceProcess, deviceUnavailableReason, type DeviceLogRecord } from "../harness/device.ts";
import { prepareDataDir, removeDataDir } from "../harness/device-run.ts";
import { auditRelay } from "../harness/relay-audit.ts";
import { scenario } from "../harness/scenario.ts";
import { FAULTS_FILE_VARIABLE } from "../harness/thermo-with-faults.ts";

const SPEED = 100;
const POLL_INTERVAL_S = 15;
const RUNAWAY_WINDOW_S = 300;
const MAX_ON_S = 900;
const STALE_AFTER_S = 60;
const FAULT_ENTRY = join(import.meta.dir, "..", "harness", "thermo-with-faults.ts");

interface SafetyCase {
  name: string;
  faults: Record<string, unknown>;
  /** Simulated seconds from the fault to the relay off. */
  boundS: number;
  /** A log line naming the cause must match this. */
  cause: RegExp;
  /** The process must end (relay write failure is fatal to heating by design). */
  expectsExit?: boolean;
}

const CASES: SafetyCase[] = [
  { name: "sensor stuck", faults: { sensor: "stuck" }, boundS: RUNAWAY_WINDOW_S + 2 * POLL_INTERVAL_S, cause: /runaway|stuck/ },
  { name: "sensor disconnected", faults: { sensor: "disconnected" }, boundS: 2 * POLL_INTERVAL_S, cause: /sensor_read_failed|sensor_unknown|ETIMEDOUT/ },
  { name: "implausible jump", faults: { sensor: "jump" }, boundS: 2 * POLL_INTERVAL_S, cause: /implausible_jump|over_temperature/ },
  { name: "runaway (heater on, no rise)", faults: { heater_broken: true }, boundS: RUNAWAY_WINDOW_S + 2 * POLL_INTERVAL_S, cause: /runaway/ },
  { name: "relay write failure", faults: { relay_write_fails: true, sensor: "disconnected" }, boundS: 2 * POLL_INTERVAL_S, cause: /relay_failed|relay_write|write failure/, expectsExit: true },
];

let cloud: Cloud | undefined;

beforeAll(async () => {
  if (deviceUnavailableReason() !== undefined) return;
  cloud = await startCloud();
});

afterAll(async () => {
  await cloud?.stop();
});

function timeMs(record: DeviceLogRecord): number {
  return typeof record.time === "string" ? Date.parse(record.time) : Number.NaN;
}

for (const safetyCase of CASES) {
  scenario(`safety: ${safetyCase.name}`, { requires: deviceUnavailableReason, timeoutMs: 120_000 }, async (checks) => {
    const dataDir = await prepareDataDir();
    const faultsFile = join(dataDir, "sim-faults.json");
    writeFileSync(faultsFile, "{}");
    const device = await DeviceProcess.start({
      dataDir,
      apiUrl: cloud!.url,
      ingestToken: cloud!.ingestToken,
      deviceId: "safety",
      speed: SPEED,
      pollIntervalS: POLL_INTERVAL_S,
      uploadIntervalS: 60,
      extra: { setpoint: 68, min_off_s: 30, min_on_s: 30, runaway_window_s: RUNAWAY_WINDOW_S, max_on_s: MAX_ON_S, stale_after_s: STALE_AFTER_S },
      entry: FAULT_ENTRY,
      env: { [FAULTS_FILE_VARIABLE]: faultsFile },
    });
    let unsafe = 0;
    try {
      await device.waitForLog((records) => records.some((record) => record.event === "relay_switched" && record.on === true), 30_000, "the heater to switch on");
      const injectedAtMs = Date.now();
      const fromIndex = device.records.length;
      writeFileSync(faultsFile, JSON.stringify(safetyCase.faults));

      const boundMs = (safetyCase.boundS * 1000) / SPEED;
      const isOff = (records: readonly DeviceLogRecord[]) =>
        records.slice(fromIndex).some((record) => (record.event === "relay_switched" && record.on === false) || record.event === "thermostat_stopped");
      try {
        await device.waitForLog(isOff, boundMs * 3 + 5_000, "the relay to go off");
      } catch (error) {
        if (!safetyCase.expectsExit) throw error;
      }
      const offRecord = device.records.slice(fromIndex).find((record) => (record.event === "relay_switched" && record.on === false) || record.event === "thermostat_stopped");
      const offAfterS = offRecord === undefined ? Number.POSITIVE_INFINITY : ((timeMs(offRecord) - injectedAtMs) * SPEED) / 1000;
      // Log times are real time; 1 s of real scheduling slack is allowed on top of the bound.
      if (!(offAfterS <= safetyCase.boundS + SPEED)) {
        unsafe++;
        checks.expect(false, `relay went off ${offAfterS.toFixed(0)} simulated s after the fault, bound ${safetyCase.boundS} s`);
      }
      // Debug lines do not count: the cause must be visible at the default log level.
      const causeLine = device.records.slice(fromIndex).find((record) => record.level !== "debug" && safetyCase.cause.test(JSON.stringify(record)));
      checks.expect(causeLine !== undefined, `no info, warn or error line names the cause (expected ${safetyCase.cause})`);
      checks.note(`off after ${offAfterS.toFixed(0)} simulated s; cause: ${causeLine === undefined ? "none" : `${causeLine.event} ${causeLine.reason ?? causeLine.code ?? ""}`.trim()}`);
    } finally {
      const code = safetyCase.expectsExit ? await Promise.race([device.exited, Bun.sleep(5_000).then(() => device.stop())]) : await device.stop();
      if (safetyCase.expectsExit) checks.expect(code !== 0, "thermo exited with 0 after a relay write failure, so systemd would not restart it");
    }
    const audit = auditRelay(device.records, { maxOnS: MAX_ON_S, pollIntervalS: POLL_INTERVAL_S, overTempCutoff: 95 }, !safetyCase.expectsExit);
    for (const finding of audit.findings) checks.note(finding);
    removeDataDir(dataDir);
    return { unsafe: unsafe + audit.unsafe };
  });
}
