import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { DECISION_REASONS } from "../../device/control/decision.ts";
import { SensorReadError } from "../../device/sensors/errors.ts";
import type { Sensor } from "../../device/sensors/sensor.ts";
import { EXIT_CODES } from "../../device/run/exit-codes.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";
import { makeService, type ServiceFixture } from "./helpers/service-fixture.ts";

// Simulated days, child processes and SQLite files take longer than the 5 s default on a loaded 2-core machine.
setDefaultTimeout(30_000);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let tree: ReturnType<typeof makeTempTree>;
let fixture: ServiceFixture | undefined;

beforeEach(() => {
  tree = makeTempTree();
});

afterEach(async () => {
  if (fixture !== undefined) {
    await fixture.service.stop("test end");
    fixture.db.close();
    fixture = undefined;
  }
  tree.remove();
});

/** Relay changes with the simulated time they happened and why. */
function switches(f: ServiceFixture) {
  return f.events("relay_switched").map((record) => ({ on: record.on as boolean, reason: record.reason as string, previousStateS: record.previous_state_s as number }));
}

function storedReadings(f: ServiceFixture) {
  return (f.db.query("SELECT body FROM outbox ORDER BY id").all() as Array<{ body: string }>).map((row) => JSON.parse(row.body) as { temperature: number; thermostat_on: boolean; record_date: string; thermostat_value: number });
}

describe("ThermostatService", () => {
  test("drives the relay off at start", async () => {
    fixture = makeService(tree.root);
    await fixture.service.start();
    expect(fixture.relay.writes[0]).toBe(false);
    expect(fixture.service.relay.isOn).toBe(false);
  });

  test("holds the band over a simulated day", async () => {
    fixture = makeService(tree.root, { setpoint: "50", unit: "F" });
    await fixture.service.start();

    await fixture.clock.advance(24 * HOUR);

    const readings = storedReadings(fixture);
    expect(readings.length).toBeGreaterThanOrEqual(24 * 240 - 1);
    const settled = readings.slice(2 * 240);
    expect(Math.min(...settled.map((reading) => reading.temperature))).toBeGreaterThanOrEqual(48.5);
    expect(Math.max(...settled.map((reading) => reading.temperature))).toBeLessThanOrEqual(52.5);
    expect(settled.some((reading) => reading.thermostat_on)).toBe(true);
    expect(settled.some((reading) => !reading.thermostat_on)).toBe(true);
    expect(readings[0]?.record_date).toMatch(/^2026-01-15T00:00:00\.000-06:00$/);
  });

  test("collects garbage every 240 polls", async () => {
    let collections = 0;
    fixture = makeService(tree.root, {}, { collectGarbage: () => collections++ });
    await fixture.service.start();

    // 15 s polls: 240 polls take an hour.
    await fixture.clock.advance(HOUR - MINUTE);
    expect(collections).toBe(0);
    await fixture.clock.advance(HOUR + MINUTE);
    expect(collections).toBe(2);
    expect(fixture.events("garbage_collected")).toHaveLength(2);
  });

  test("keeps the minimum on and off times", async () => {
    fixture = makeService(tree.root, { min_on_s: "300", min_off_s: "600" });
    await fixture.service.start();

    await fixture.clock.advance(12 * HOUR);

    const changes = switches(fixture);
    expect(changes.length).toBeGreaterThan(4);
    for (const change of changes) {
      if (change.on) expect(change.previousStateS).toBeGreaterThanOrEqual(600);
      else if (change.reason === DECISION_REASONS.aboveBand) expect(change.previousStateS).toBeGreaterThanOrEqual(300);
    }
  });

  test("turns off when reads fail", async () => {
    let isFailing = false;
    fixture = makeService(tree.root, {}, {
      wrapSensor: (sensor) => ({ ...sensor, description: sensor.description, minIntervalMs: 0, rangeC: sensor.rangeC, read: () => (isFailing ? Promise.reject(new SensorReadError("sim", "EIO", "read failed with EIO")) : sensor.read()) }),
    });
    await fixture.service.start();
    await fixture.clock.advance(2 * HOUR);
    const wasHeating = fixture.service.relay.isOn || switches(fixture).length > 0;

    isFailing = true;
    await fixture.clock.advance(5 * MINUTE);

    expect(wasHeating).toBe(true);
    expect(fixture.service.relay.isOn).toBe(false);
    expect(fixture.events("sensor_read_failed").length).toBeGreaterThan(0);
    expect(fixture.service.status().sensor.healthy).toBe(false);
    expect(fixture.events("safety_cutoff").map((record) => record.reason)).toContain(DECISION_REASONS.sensorUnknown);
  });

  test("cuts off a stale sensor whose read hangs", async () => {
    let isHanging = false;
    fixture = makeService(tree.root, { min_on_s: "30", min_off_s: "30" }, {
      room: { startMs: Date.UTC(2026, 0, 15, 6), initialC: 5, outdoorC: -20, heaterRiseCPerS: 0.0005 },
      wrapSensor: (sensor) => ({
        description: sensor.description,
        // A long interval makes the read timeout longer than stale_after_s, so only the watchdog can act.
        minIntervalMs: 10 * MINUTE,
        rangeC: sensor.rangeC,
        read: () => (isHanging ? new Promise<never>(() => {}) : sensor.read()),
      }),
    });
    await fixture.service.start();
    await fixture.clock.advance(MINUTE);
    expect(fixture.service.relay.isOn).toBe(true);

    isHanging = true;
    await fixture.clock.advance(3 * MINUTE);

    expect(fixture.service.relay.isOn).toBe(false);
    expect(switches(fixture).at(-1)?.reason).toBe(DECISION_REASONS.sensorStale);
  });

  test("keeps a rejected reading from the outbox and the controller", async () => {
    let count = 0;
    fixture = makeService(tree.root, {}, {
      wrapSensor: (sensor) => ({
        description: sensor.description,
        minIntervalMs: 0,
        rangeC: sensor.rangeC,
        read: async () => {
          const sample = await sensor.read();
          count++;
          // A checksum-valid garbage frame: both values roughly doubled.
          return count === 10 ? { temperatureC: sample.temperatureC * 2 + 20, humidityPercent: Math.min(100, (sample.humidityPercent ?? 0) * 2) } : sample;
        },
      }),
    });
    await fixture.service.start();

    await fixture.clock.advance(5 * MINUTE);

    const temperatures = storedReadings(fixture).map((reading) => reading.temperature);
    // Readings at 0, 15, …, 300 s: 21 taken, one rejected.
    expect(temperatures.length).toBe(20);
    expect(Math.max(...temperatures)).toBeLessThan(60);
    expect(fixture.events("reading_rejected")[0]?.reason).toBe("implausible_jump");
    expect(fixture.service.status().sensor.rejected_total).toBe(1);
  });

  test("locks out after a runaway", async () => {
    fixture = makeService(tree.root, { runaway_window_s: "600", runaway_lockout_s: "0" });
    fixture.room.heaterBroken = true;
    await fixture.service.start();

    await fixture.clock.advance(3 * HOUR);

    expect(fixture.service.relay.isOn).toBe(false);
    const cutoffs = fixture.events("safety_cutoff");
    expect(cutoffs.find((record) => record.reason === DECISION_REASONS.runaway)?.level).toBe("error");
    expect(fixture.service.status().safety.runaway_lockout_until).toBe("until restart");
    expect(switches(fixture).filter((change) => change.on)).toHaveLength(1);
  });

  test("over-temperature overrides the minimum on time", async () => {
    fixture = makeService(tree.root, { setpoint: "50", over_temp_cutoff: "55", min_on_s: "1800" }, {
      room: { startMs: Date.UTC(2026, 0, 15, 6), initialC: 8, outdoorC: 0, heaterRiseCPerS: 0.05 },
    });
    await fixture.service.start();

    await fixture.clock.advance(HOUR);

    const offs = switches(fixture).filter((change) => !change.on);
    expect(offs[0]?.reason).toBe(DECISION_REASONS.overTemperature);
    expect(offs[0]?.previousStateS).toBeLessThan(1800);
  });

  test("ends with exit code 1 when a relay write fails", async () => {
    fixture = makeService(tree.root);
    await fixture.service.start();
    fixture.relay.failWrites = true;

    await fixture.clock.advance(2 * HOUR);
    const code = await fixture.service.exited;

    expect(code).toBe(EXIT_CODES.relayFailure);
    expect(fixture.room.isHeaterOn).toBe(false);
    expect(fixture.events("relay_failed")).toHaveLength(1);
  });

  test("ends with exit code 1 when the read-back differs", async () => {
    fixture = makeService(tree.root);
    await fixture.service.start();
    fixture.relay.stuckAt = false;

    await fixture.clock.advance(2 * HOUR);

    expect(await fixture.service.exited).toBe(EXIT_CODES.relayFailure);
    expect(String((fixture.events("relay_failed")[0]?.error as { message: string }).message)).toContain("reads off after being switched on");
  });

  test("drives the relay off on stop", async () => {
    fixture = makeService(tree.root, { min_on_s: "3600" });
    await fixture.service.start();
    await fixture.clock.advance(HOUR);
    expect(fixture.service.relay.isOn).toBe(true);

    await fixture.service.stop("SIGTERM");

    expect(await fixture.service.exited).toBe(EXIT_CODES.ok);
    expect(fixture.room.isHeaterOn).toBe(false);
    expect(fixture.relay.writes.at(-1)).toBe(false);
  });
});

describe("ThermostatService setpoint", () => {
  test("saves a local setpoint across a restart", async () => {
    fixture = makeService(tree.root, { setpoint: "50" });
    expect(fixture.service.setSetpoint(12, "C", "local_api")).toEqual({ ok: true, setpoint: 54 });
    await fixture.service.stop("restart");
    fixture.db.close();

    fixture = makeService(tree.root, { setpoint: "50" });

    expect(fixture.service.status().setpoint).toBe(54);
    expect(fixture.service.status().setpoint_source).toBe("local_api");
  });

  test("gives a changed configured setpoint precedence", async () => {
    fixture = makeService(tree.root, { setpoint: "50" });
    fixture.service.setSetpoint(60, "F", "local_api");
    await fixture.service.stop("restart");
    fixture.db.close();

    fixture = makeService(tree.root, { setpoint: "45" });

    expect(fixture.service.status().setpoint).toBe(45);
    expect(fixture.service.status().setpoint_source).toBe("config");
  });

  test("drops a saved setpoint above a lowered cut-off", async () => {
    fixture = makeService(tree.root, { setpoint: "50", over_temp_cutoff: "95" });
    expect(fixture.service.setSetpoint(90, "F", "local_api").ok).toBe(true);
    await fixture.service.stop("restart");
    fixture.db.close();

    // Same configured setpoint, but the cut-off now sits below the saved one.
    fixture = makeService(tree.root, { setpoint: "50", over_temp_cutoff: "80" });

    expect(fixture.service.status().setpoint).toBe(50);
    expect(fixture.service.status().setpoint_source).toBe("config");
    expect(fixture.events("saved_setpoint_rejected")).toHaveLength(1);
  });

  test("rejects a setpoint at the cut-off", () => {
    fixture = makeService(tree.root, { setpoint: "50", over_temp_cutoff: "80" });
    const result = fixture.service.setSetpoint(80, "F", "local_api");
    expect(result.ok).toBe(false);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain("over_temp_cutoff 80");
  });

  test("applies and saves the cloud's desired setpoint once", async () => {
    const desired = { setpoint: 13, unit: "C", updated_at: "2026-01-15T05:00:00.000Z" };
    let requests = 0;
    const fetchStub = (async (_url: string, init: RequestInit) => {
      requests++;
      const sent = (JSON.parse(String(init.body)) as { readings: unknown[] }).readings.length;
      return Response.json({ stored: sent, duplicates: 0, desired });
    }) as unknown as typeof fetch;
    const settings = { setpoint: "50", api_url: "http://127.0.0.1:9", ingest_token: "t", upload_interval_s: "60" };
    fixture = makeService(tree.root, settings, { fetch: fetchStub });
    await fixture.service.start();

    await fixture.clock.advance(5 * MINUTE);

    expect(requests).toBeGreaterThan(2);
    // 13 °C is 55.4 °F; setpoints are whole numbers.
    expect(fixture.service.status().setpoint).toBe(55);
    expect(fixture.events("setpoint_changed")).toHaveLength(1);
    await fixture.service.stop("restart");
    fixture.db.close();

    fixture = makeService(tree.root, { setpoint: "50" });
    expect(fixture.service.status().setpoint).toBe(55);
    expect(fixture.service.status().setpoint_source).toBe("cloud");
  });

  test("logs a rejected desired setpoint once", async () => {
    // 94 °F plus the default hot tolerance of 1 °F reaches the default over_temp_cutoff of 95 °F.
    const desired = { setpoint: 94, unit: "F", updated_at: "2026-01-15T05:00:00.000Z" };
    const sentValues: number[] = [];
    const fetchStub = (async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as { readings: Array<{ thermostat_value: number }> };
      for (const reading of body.readings) sentValues.push(reading.thermostat_value);
      return Response.json({ stored: body.readings.length, duplicates: 0, desired });
    }) as unknown as typeof fetch;
    const settings = { setpoint: "50", device_id: "shop", api_url: "http://127.0.0.1:9", ingest_token: "t", upload_interval_s: "60" };
    fixture = makeService(tree.root, settings, { fetch: fetchStub });
    await fixture.service.start();

    await fixture.clock.advance(10 * MINUTE);

    const rejections = fixture.events("desired_setpoint_rejected");
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ device_id: "shop", setpoint: 94, unit: "F", setpoint_in_force: 50 });
    expect(String(rejections[0]?.reason)).toContain("reaches over_temp_cutoff 95");
    expect(fixture.service.status().setpoint).toBe(50);
    // Readings taken after the rejection still carry the setpoint in force, so the cloud can see the mismatch.
    expect(sentValues.length).toBeGreaterThan(20);
    expect(new Set(sentValues)).toEqual(new Set([50]));
  });
});
