/** A thermostat service on simulated hardware, a manual clock and a real SQLite file, for loop tests. */
import { join } from "node:path";
import type { Database } from "bun:sqlite";
import { loadConfig, type DeviceConfig } from "../../../device/config/load.ts";
import { openDeviceDatabase } from "../../../device/outbox/database.ts";
import { SimulatedRelay } from "../../../device/relays/simulated.ts";
import { ThermostatService } from "../../../device/run/thermostat-service.ts";
import type { Sensor } from "../../../device/sensors/sensor.ts";
import { SimulatedSensor } from "../../../device/sensors/simulated.ts";
import { RoomModel } from "../../../device/simulation/room-model.ts";
import { ManualClock } from "../../../device/time/clock.ts";
import { Logger, memorySink } from "../../../lib/log.ts";

export interface ServiceFixture {
  clock: ManualClock;
  room: RoomModel;
  relay: SimulatedRelay;
  service: ThermostatService;
  db: Database;
  config: DeviceConfig;
  sink: ReturnType<typeof memorySink>;
  events(name: string): Record<string, unknown>[];
}

/** Builds the service; `settings` are configuration flags by key, `wrapSensor` can inject faults. */
export function makeService(dataDir: string, settings: Record<string, string> = {}, options: { wrapSensor?: (sensor: Sensor) => Sensor; room?: ConstructorParameters<typeof RoomModel>[0]; fetch?: typeof fetch; collectGarbage?: () => void } = {}): ServiceFixture {
  const config = loadConfig({
    flags: { sensor: "simulated", relay: "simulated", data_dir: dataDir, timezone: "America/Chicago", ...settings },
    env: {},
    readTextFile: () => {
      throw Object.assign(new Error("no file"), { code: "ENOENT" });
    },
  });
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 6, 0, 0));
  const room = new RoomModel(options.room ?? { startMs: clock.now(), initialC: 12, outdoorC: -5 });
  const relay = new SimulatedRelay(room, clock);
  const baseSensor = new SimulatedSensor(room, clock);
  const sensor = options.wrapSensor?.(baseSensor) ?? baseSensor;
  const db = openDeviceDatabase(join(dataDir, "thermo.sqlite"));
  const sink = memorySink();
  const logger = new Logger("test", { sink: sink.sink, level: "debug" });
  const service = new ThermostatService({ config, clock, logger, sensor, relay, db, version: "test", fetch: options.fetch, collectGarbage: options.collectGarbage });
  return {
    clock,
    room,
    relay,
    service,
    db,
    config,
    sink,
    events: (name) => sink.records().filter((record) => record.event === name),
  };
}
