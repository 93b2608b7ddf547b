/**
 * Runs the real `thermo` command line with faults injected into its
 * simulated hardware, for the heater safety matrix. thermo has no fault
 * switch of its own, so this entry patches the simulated sensor, relay and
 * room model classes before it calls the same `runCli` that device.ts
 * calls. Everything above the simulated hardware is the shipped code.
 *
 * Usage: bun run reliability/harness/thermo-with-faults.ts <thermo arguments>
 *
 * THERMO_RELIABILITY_FAULTS_FILE names a JSON file that is read on every
 * sensor read, relay write and model step, so a test changes the faults of
 * the running process by rewriting it. Its fields, all optional:
 * - sensor: "ok", "stuck" (repeat the last good sample), "disconnected"
 *   (reads fail with ETIMEDOUT) or "jump" (40 °C added to the true value);
 * - heater_broken: true makes the heater have no effect (a runaway);
 * - relay_write_fails: true makes every relay write throw, as a failed
 *   GPIO driver does.
 */
import { readFileSync } from "node:fs";
import { runCli } from "../../device/cli/main.ts";
import { SimulatedRelay } from "../../device/relays/simulated.ts";
import { SensorReadError } from "../../device/sensors/errors.ts";
import type { SensorSample } from "../../device/sensors/sensor.ts";
import { SimulatedSensor } from "../../device/sensors/simulated.ts";
import { RoomModel } from "../../device/simulation/room-model.ts";

export const FAULTS_FILE_VARIABLE = "THERMO_RELIABILITY_FAULTS_FILE";

/** Faults of the simulated hardware, as the file states them. */
export interface SimulatedFaults {
  sensor?: "ok" | "stuck" | "disconnected" | "jump";
  heater_broken?: boolean;
  relay_write_fails?: boolean;
}

/** Reads the faults file; a missing or half-written file means no faults. */
function readFaults(): SimulatedFaults {
  const path = process.env[FAULTS_FILE_VARIABLE];
  if (path === undefined || path === "") return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as SimulatedFaults;
  } catch {
    return {};
  }
}

/** Replaces the simulated hardware's methods with ones that consult the faults file first. */
function installFaults(): void {
  const readSensor = SimulatedSensor.prototype.read;
  let lastGoodSample: SensorSample | undefined;
  SimulatedSensor.prototype.read = async function (this: SimulatedSensor): Promise<SensorSample> {
    const faults = readFaults();
    if (faults.sensor === "disconnected") throw new SensorReadError(this.description, "ETIMEDOUT", "simulated sensor disconnected (fault injected by the reliability suite)");
    if (faults.sensor === "stuck" && lastGoodSample !== undefined) return { ...lastGoodSample };
    const sample = await readSensor.call(this);
    if (faults.sensor === "jump") return { ...sample, temperatureC: sample.temperatureC + 40 };
    lastGoodSample = sample;
    return sample;
  };

  const writeRelay = SimulatedRelay.prototype.write;
  SimulatedRelay.prototype.write = async function (this: SimulatedRelay, isOn: boolean): Promise<void> {
    this.failWrites = readFaults().relay_write_fails === true;
    return writeRelay.call(this, isOn);
  };

  const temperatureAt = RoomModel.prototype.temperatureAt;
  RoomModel.prototype.temperatureAt = function (this: RoomModel, nowMs: number): number {
    this.heaterBroken = readFaults().heater_broken === true;
    return temperatureAt.call(this, nowMs);
  };
}

if (import.meta.main) {
  installFaults();
  process.exit(await runCli(process.argv.slice(2)));
}
