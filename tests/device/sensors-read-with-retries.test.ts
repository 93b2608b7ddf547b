import { describe, expect, test } from "bun:test";
import { SensorReadError, type SensorFailureCode } from "../../device/sensors/errors.ts";
import { readWithRetries } from "../../device/sensors/read-with-retries.ts";
import type { Sensor, SensorSample } from "../../device/sensors/sensor.ts";
import { SimulatedSensor } from "../../device/sensors/simulated.ts";
import { RoomModel } from "../../device/simulation/room-model.ts";
import { ManualClock } from "../../device/time/clock.ts";

function scriptedSensor(clock: ManualClock, script: Array<SensorFailureCode | number | "hang">, minIntervalMs = 2000) {
  const readTimes: number[] = [];
  const sensor: Sensor = {
    description: "scripted",
    minIntervalMs,
    rangeC: { minC: -40, maxC: 80 },
    read: async (): Promise<SensorSample> => {
      readTimes.push(clock.now());
      const step = script.shift();
      if (step === "hang") return new Promise<never>(() => {});
      if (typeof step === "number") return { temperatureC: step };
      throw new SensorReadError("scripted", step ?? "EIO", `scripted ${step}`);
    },
  };
  return { sensor, readTimes };
}

describe("readWithRetries", () => {
  test("retries EIO and ETIMEDOUT after the minimum interval", async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const { sensor, readTimes } = scriptedSensor(clock, ["EIO", "ETIMEDOUT", 21.5]);

    const pending = readWithRetries(sensor, { clock, budgetMs: 15_000 });
    await clock.advance(10_000);

    expect(await pending).toEqual({ temperatureC: 21.5 });
    expect(readTimes.map((time) => time - start)).toEqual([0, 2000, 4000]);
  });

  test("gives up after the attempts and rethrows the last failure", async () => {
    const clock = new ManualClock();
    const { sensor, readTimes } = scriptedSensor(clock, ["EIO", "EIO", "ETIMEDOUT", 20]);

    const pending = readWithRetries(sensor, { clock, budgetMs: 15_000, maxAttempts: 3 }).catch((error: unknown) => error);
    await clock.advance(10_000);
    const error = (await pending) as SensorReadError;

    expect(error.code).toBe("ETIMEDOUT");
    expect(readTimes).toHaveLength(3);
  });

  test("stops within the time budget", async () => {
    const clock = new ManualClock();
    const { sensor, readTimes } = scriptedSensor(clock, ["EIO", "EIO", "EIO"], 2000);

    const pending = readWithRetries(sensor, { clock, budgetMs: 3000, maxAttempts: 5 }).catch((error: unknown) => error);
    await clock.advance(10_000);

    expect(await pending).toBeInstanceOf(SensorReadError);
    expect(readTimes).toHaveLength(2);
  });

  test("does not retry a missing device", async () => {
    const clock = new ManualClock();
    const { sensor, readTimes } = scriptedSensor(clock, ["NOT_FOUND", 20]);

    const error = (await readWithRetries(sensor, { clock, budgetMs: 15_000 }).catch((caught: unknown) => caught)) as SensorReadError;

    expect(error.code).toBe("NOT_FOUND");
    expect(readTimes).toHaveLength(1);
  });

  test("abandons a hung read", async () => {
    const clock = new ManualClock();
    const { sensor } = scriptedSensor(clock, ["hang", 19.5]);

    const pending = readWithRetries(sensor, { clock, budgetMs: 15_000, readTimeoutMs: 3000 });
    await clock.advance(10_000);

    expect(await pending).toEqual({ temperatureC: 19.5 });
  });
});

describe("SimulatedSensor", () => {
  test("follows the room model as the heater runs", async () => {
    const clock = new ManualClock();
    const model = new RoomModel({ startMs: clock.now(), initialC: 10, outdoorC: 0 });
    const sensor = new SimulatedSensor(model, clock);

    const before = await sensor.read();
    model.setHeater(true, clock.now());
    await clock.advance(30 * 60_000);
    const after = await sensor.read();

    expect(after.temperatureC).toBeGreaterThan(before.temperatureC + 5);
    expect(after.humidityPercent).toBeLessThan(before.humidityPercent ?? 0);
  });
});
