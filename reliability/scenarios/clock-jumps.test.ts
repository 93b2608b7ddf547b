/**
 * Clock jumps: while the heater is on and cannot reach its setpoint, the
 * device's wall clock is stepped one hour back or forward with libfaketime,
 * as an NTP correction would step it. A Pi has no battery clock, so it often
 * starts on a stale time. The maximum on time must still end the heating within its
 * bound, measured on the harness's monotonic clock, a log line must name
 * the cause, and the device must keep taking readings at its poll interval.
 */
import { afterAll, beforeAll } from "bun:test";
import { startCloud, type Cloud } from "../harness/cloud.ts";
import { countTaken, DeviceProcess, deviceUnavailableReason, type DeviceLogRecord } from "../harness/device.ts";
import { prepareDataDir, removeDataDir } from "../harness/device-run.ts";
import { createClockStepper, faketimeUnavailableReason } from "../harness/faketime.ts";
import { auditRelay } from "../harness/relay-audit.ts";
import { scenario } from "../harness/scenario.ts";

const SPEED = 20;
const POLL_INTERVAL_S = 2;
const MAX_ON_S = 120;
/** Heating must end this many simulated seconds after it started, whatever the wall clock does. */
const BOUND_S = MAX_ON_S + 2 * POLL_INTERVAL_S;
/** Real seconds of scheduling slack on top of the bound. */
const SLACK_MS = 1_000;

let cloud: Cloud | undefined;
const requirements = () => deviceUnavailableReason() ?? faketimeUnavailableReason();

beforeAll(async () => {
  if (requirements() !== undefined) return;
  cloud = await startCloud();
});

afterAll(async () => {
  await cloud?.stop();
});

const isOffRecord = (record: DeviceLogRecord) => (record.event === "relay_switched" && record.on === false) || record.event === "thermostat_stopped";

for (const [direction, offsetS] of [["backwards", -3600], ["forwards", 3600]] as const) {
  scenario(`safety: clock jump ${direction} while heating`, { requires: requirements, timeoutMs: 120_000 }, async (checks) => {
    const dataDir = await prepareDataDir();
    const stepper = createClockStepper();
    const device = await DeviceProcess.start({
      dataDir,
      apiUrl: cloud!.url,
      ingestToken: cloud!.ingestToken,
      deviceId: `clock-${direction}`,
      speed: SPEED,
      pollIntervalS: POLL_INTERVAL_S,
      uploadIntervalS: 60,
      // 90 °F is above what the simulated room reaches, so only the maximum on time can end the heating.
      extra: { setpoint: 90, min_off_s: 30, min_on_s: 30, max_on_s: MAX_ON_S, stale_after_s: 30 },
      env: stepper.env,
    });
    let unsafe = 0;
    try {
      await device.waitForLog((records) => records.some((record) => record.event === "relay_switched" && record.on === true), 30_000, "the heater to switch on");
      const onRecord = device.records.find((record) => record.event === "relay_switched" && record.on === true)!;
      const onAtMs = onRecord.harness_received_ms!;
      const fromIndex = device.records.length;
      stepper.setOffsetS(offsetS);

      const boundMs = (BOUND_S * 1000) / SPEED + SLACK_MS;
      await device.waitForLog((records) => records.slice(fromIndex).some(isOffRecord), boundMs * 3, "the relay to go off").catch(() => undefined);
      const offRecord = device.records.slice(fromIndex).find(isOffRecord);
      const onForS = offRecord === undefined ? Number.POSITIVE_INFINITY : ((offRecord.harness_received_ms! - onAtMs) * SPEED) / 1000;
      if (!(onForS <= BOUND_S + (SLACK_MS * SPEED) / 1000)) {
        unsafe++;
        checks.expect(false, `after the jump the heater stayed on ${Number.isFinite(onForS) ? onForS.toFixed(0) : "past the wait of 3× the bound,"} simulated s, bound ${BOUND_S} s (max_on_s ${MAX_ON_S})`);
      }
      // Control needs readings: count the polls taken in the simulated minute after the jump.
      const takenAtJump = countTaken(dataDir);
      await Bun.sleep((60 * 1000) / SPEED);
      const polls = countTaken(dataDir) - takenAtJump;
      checks.expect(polls >= 60 / POLL_INTERVAL_S / 2, `the device took ${polls} readings in the simulated minute after the jump, expected about ${60 / POLL_INTERVAL_S}`);

      const causeLine = device.records.slice(fromIndex).find((record) => /max_on_time|sensor_stale|clock/.test(`${record.event} ${record.reason ?? ""}`) && record.event !== "control_decision");
      checks.expect(causeLine !== undefined, "no log line names why the heater went off after the jump");
      checks.note(`heater on for ${Number.isFinite(onForS) ? onForS.toFixed(0) : "∞"} simulated s; cause: ${causeLine === undefined ? "none" : `${causeLine.event} ${causeLine.reason ?? ""}`}`);
    } finally {
      await device.stop();
      stepper.dispose();
    }
    const audit = auditRelay(device.records, { maxOnS: MAX_ON_S, pollIntervalS: POLL_INTERVAL_S, overTempCutoff: 95 }, true, "run", { isDeviceClockTrusted: false });
    for (const finding of audit.findings) checks.note(finding);
    removeDataDir(dataDir);
    return { unsafe: unsafe + audit.unsafe };
  });
}
