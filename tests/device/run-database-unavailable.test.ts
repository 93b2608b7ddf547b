/** A data_dir that cannot hold the database (read-only, full) must not stop heating; the service retries and recovers. */
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Database } from "bun:sqlite";
import { join } from "node:path";
import { loadConfig } from "../../device/config/load.ts";
import { isStorageUnavailableError, openDeviceDatabase, readState } from "../../device/outbox/database.ts";
import { SimulatedRelay } from "../../device/relays/simulated.ts";
import { ThermostatService } from "../../device/run/thermostat-service.ts";
import { SimulatedSensor } from "../../device/sensors/simulated.ts";
import { RoomModel } from "../../device/simulation/room-model.ts";
import { ManualClock } from "../../device/time/clock.ts";
import { Logger, memorySink } from "../../lib/log.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";

setDefaultTimeout(30_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let tree: ReturnType<typeof makeTempTree>;
let service: ThermostatService | undefined;

beforeEach(() => {
  tree = makeTempTree();
});

afterEach(async () => {
  await service?.stop("test end");
  service = undefined;
  tree.remove();
});

const readOnlyError = () => Object.assign(new Error("unable to open database file"), { code: "SQLITE_CANTOPEN" });

/** Builds a service whose database is unavailable until `openDatabase` stops throwing. */
function makeUnavailableService(options: { openDatabase?: () => Database; fetch?: typeof fetch; settings?: Record<string, string> } = {}) {
  const config = loadConfig({
    flags: { sensor: "simulated", relay: "simulated", data_dir: tree.root, timezone: "UTC", setpoint: "60", upload_interval_s: "60", ...options.settings },
    env: {},
    readTextFile: () => {
      throw Object.assign(new Error("no file"), { code: "ENOENT" });
    },
  });
  const clock = new ManualClock(Date.UTC(2026, 0, 15, 6, 0, 0));
  const room = new RoomModel({ startMs: clock.now(), initialC: 12, outdoorC: -5 });
  const relay = new SimulatedRelay(room, clock);
  const sensor = new SimulatedSensor(room, clock);
  const sink = memorySink();
  const logger = new Logger("test", { sink: sink.sink, level: "debug" });
  service = new ThermostatService({ config, clock, logger, sensor, relay, db: undefined, databaseError: readOnlyError(), openDatabase: options.openDatabase, version: "test", fetch: options.fetch });
  const events = (name: string) => sink.records().filter((record) => record.event === name);
  return { service, clock, relay, events };
}

/** A fetch that confirms every batch, as the API does. */
function confirmingFetch(counter: { requests: number }): typeof fetch {
  return (async (_url: string, init: RequestInit) => {
    counter.requests++;
    const sent = (JSON.parse(String(init.body)) as { readings: unknown[] }).readings.length;
    return Response.json({ stored: sent, duplicates: 0, desired: null });
  }) as unknown as typeof fetch;
}

describe("ThermostatService without a database", () => {
  test("keeps controlling the heater", async () => {
    const f = makeUnavailableService();
    await f.service.start();

    await f.clock.advance(2 * HOUR);

    expect(f.relay.writes[0]).toBe(false);
    expect(f.events("relay_switched").some((record) => record.on === true)).toBe(true);
    expect(f.events("control_decision").length).toBeGreaterThan(400);
    expect(f.events("thermostat_failed")).toHaveLength(0);
  });

  test("logs lost readings once per interval", async () => {
    const f = makeUnavailableService();
    await f.service.start();

    await f.clock.advance(HOUR);

    const unavailable = f.events("outbox_unavailable");
    expect(unavailable).toHaveLength(1);
    expect(unavailable[0]?.level).toBe("error");
    const lostLines = f.events("outbox_append_failed");
    // 60 upload intervals of 60 s; 240 polls of 15 s.
    expect(lostLines.length).toBeLessThanOrEqual(61);
    expect(lostLines.length).toBeGreaterThanOrEqual(59);
    const lost = lostLines.reduce((sum, record) => sum + (record.readings_lost as number), 0);
    expect(lost).toBeGreaterThanOrEqual(236);
  });

  test("status shows the outbox unavailable", async () => {
    const f = makeUnavailableService();
    await f.service.start();
    await f.clock.advance(MINUTE);

    const status = f.service.status();

    expect(status.outbox.available).toBe(false);
    expect(status.outbox.error).toContain("unable to open database file");
    expect(status.outbox.depth).toBeNull();
    expect(status.temperature).not.toBeNull();
  });

  test("applies a setpoint in memory", async () => {
    const f = makeUnavailableService();
    await f.service.start();

    const result = f.service.setSetpoint(55, "F", "local_api");

    expect(result.ok).toBe(true);
    expect(f.service.status().setpoint).toBe(55);
  });
});

describe("ThermostatService database retry", () => {
  test("commits and uploads once the database opens", async () => {
    let attempts = 0;
    let opened: Database | undefined;
    const counter = { requests: 0 };
    const f = makeUnavailableService({
      openDatabase: () => {
        attempts++;
        if (attempts < 3) throw readOnlyError();
        opened = openDeviceDatabase(join(tree.root, "thermo.sqlite"));
        return opened;
      },
      fetch: confirmingFetch(counter),
      settings: { api_url: "http://127.0.0.1:9", ingest_token: "t" },
    });
    await f.service.start();

    await f.clock.advance(5 * MINUTE);

    expect(attempts).toBe(3);
    expect(f.events("database_opened")).toHaveLength(1);
    const recovered = f.events("outbox_append_recovered");
    expect(recovered).toHaveLength(1);
    expect(recovered[0]?.readings_lost as number).toBeGreaterThan(0);
    expect(counter.requests).toBeGreaterThan(0);
    expect(f.service.status().outbox.available).toBe(true);
    // Readings taken since the last upload wait for the next interval.
    expect(f.service.status().outbox.depth).toBeLessThanOrEqual(4);
    expect(f.service.status().upload.last_success_at).not.toBeNull();
    await f.service.stop("test end");
    expect(() => opened?.query("SELECT 1").get()).toThrow();
  });

  test("saves a setpoint set while unavailable", async () => {
    let opened: Database | undefined;
    let isWritable = false;
    const f = makeUnavailableService({
      openDatabase: () => {
        if (!isWritable) throw readOnlyError();
        opened = openDeviceDatabase(join(tree.root, "thermo.sqlite"));
        return opened;
      },
    });
    await f.service.start();
    f.service.setSetpoint(55, "F", "local_api");
    isWritable = true;

    await f.clock.advance(2 * MINUTE);

    expect(f.service.status().setpoint).toBe(55);
    expect(f.service.status().setpoint_source).toBe("local_api");
    expect(JSON.parse(readState(opened!, "setpoint") ?? "{}").setpoint).toBe(55);
  });
});

describe("isStorageUnavailableError", () => {
  test.each([
    ["SQLITE_CANTOPEN", true],
    ["SQLITE_READONLY", true],
    ["SQLITE_READONLY_DBMOVED", true],
    ["SQLITE_FULL", true],
    ["SQLITE_IOERR_WRITE", true],
    ["EROFS", true],
    ["ENOSPC", true],
    ["EACCES", true],
    ["ENOTDIR", false],
    ["SQLITE_CORRUPT", false],
    [undefined, false],
  ])("classifies %p", (code, expected) => {
    const error = Object.assign(new Error("x"), code === undefined ? {} : { code });
    expect(isStorageUnavailableError(error)).toBe(expected);
  });
});
