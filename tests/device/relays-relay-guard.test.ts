import { describe, expect, test } from "bun:test";
import { RelayError } from "../../device/relays/errors.ts";
import { RelayGuard } from "../../device/relays/relay-guard.ts";
import { SimulatedRelay } from "../../device/relays/simulated.ts";
import { RoomModel } from "../../device/simulation/room-model.ts";
import { ManualClock } from "../../device/time/clock.ts";
import { Logger, memorySink } from "../../lib/log.ts";

function makeGuard() {
  const clock = new ManualClock();
  const model = new RoomModel({ startMs: clock.now() });
  const driver = new SimulatedRelay(model, clock);
  const sink = memorySink();
  const guard = new RelayGuard({ driver, clock, logger: new Logger("relay", { sink: sink.sink, level: "debug" }) });
  return { clock, driver, guard, sink, model };
}

describe("RelayGuard", () => {
  test("opens off and records when", async () => {
    const { guard, driver, clock } = makeGuard();
    await guard.open();
    expect(guard.isOn).toBe(false);
    expect(guard.sinceMs).toBe(clock.now());
    expect(driver.writes).toEqual([false]);
  });

  test("switches, reads back and logs the reason", async () => {
    const { guard, clock, sink, model } = makeGuard();
    await guard.open();
    await clock.advance(5000);

    await guard.set(true, "below_band");

    expect(guard.isOn).toBe(true);
    expect(model.isHeaterOn).toBe(true);
    expect(guard.sinceMs).toBe(clock.now());
    const record = sink.records().find((line) => line.event === "relay_switched");
    expect(record?.reason).toBe("below_band");
  });

  test("skips a write that changes nothing", async () => {
    const { guard, driver } = makeGuard();
    await guard.open();
    await guard.set(false, "in_band");
    expect(driver.writes).toEqual([false]);
  });

  test("raises when the read-back differs", async () => {
    const { guard, driver } = makeGuard();
    await guard.open();
    driver.stuckAt = false;

    const error = (await guard.set(true, "below_band").catch((caught: unknown) => caught)) as RelayError;

    expect(error).toBeInstanceOf(RelayError);
    expect(error.message).toContain("reads off after being switched on");
    expect(guard.isOn).toBe(false);
  });

  test("raises when the write fails", async () => {
    const { guard, driver } = makeGuard();
    await guard.open();
    driver.failWrites = true;

    expect(guard.set(true, "below_band")).rejects.toBeInstanceOf(RelayError);
  });
});
