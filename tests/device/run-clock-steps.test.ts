/** Steps of the wall clock, as NTP makes them, must not pause polling or stretch any safety limit. */
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { DECISION_REASONS } from "../../device/control/decision.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";
import { makeService, type ServiceFixture } from "./helpers/service-fixture.ts";

setDefaultTimeout(30_000);

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** An unreachable setpoint, so only a safety limit can end the heating. */
const HEAT_FOREVER = { setpoint: "90", min_on_s: "30", min_off_s: "30", stale_after_s: "60" };

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

function takenCount(f: ServiceFixture): number {
  return (f.db.query("SELECT COUNT(*) AS n FROM outbox").get() as { n: number }).n;
}

function offSwitches(f: ServiceFixture) {
  return f.events("relay_switched").filter((record) => record.on === false);
}

/** Starts the service and advances until the heater is on. */
async function startHeating(settings: Record<string, string>, options: Parameters<typeof makeService>[2] = {}): Promise<ServiceFixture> {
  const started = makeService(tree.root, { ...HEAT_FOREVER, ...settings }, options);
  fixture = started;
  await started.service.start();
  await started.clock.advance(MINUTE);
  expect(started.service.relay.isOn).toBe(true);
  return started;
}

describe("wall clock step backwards", () => {
  test("keeps polling at the interval", async () => {
    const f = await startHeating({});
    const before = takenCount(f);

    f.clock.stepWallClock(-HOUR);
    await f.clock.advance(5 * MINUTE);

    // 15 s polls: 20 in five minutes.
    expect(takenCount(f) - before).toBeGreaterThanOrEqual(19);
    expect(takenCount(f) - before).toBeLessThanOrEqual(21);
    expect(f.events("safety_cutoff").filter((record) => record.reason === DECISION_REASONS.sensorStale)).toHaveLength(0);
  });

  test("ends heating at max_on_s", async () => {
    const f = await startHeating({ max_on_s: "600" });

    f.clock.stepWallClock(-HOUR);
    await f.clock.advance(10 * MINUTE + 30 * SECOND);

    // The heater may be on again after the 30 s cooldown, so the first off switch is checked.
    const off = offSwitches(f)[0];
    expect(off?.reason).toBe(DECISION_REASONS.maxOnTime);
    expect(off?.previous_state_s as number).toBeLessThanOrEqual(600 + 30);
  });

  test("detects a runaway within its window", async () => {
    const f = await startHeating({ runaway_window_s: "600", runaway_lockout_s: "0" });
    f.room.heaterBroken = true;

    f.clock.stepWallClock(-HOUR);
    await f.clock.advance(2 * 10 * MINUTE + MINUTE);

    expect(f.service.relay.isOn).toBe(false);
    expect(offSwitches(f)[0]?.reason).toBe(DECISION_REASONS.runaway);
  });

  test("stamps readings with the stepped time", async () => {
    const f = await startHeating({});
    const lastBefore = f.db.query("SELECT instant_ms FROM outbox ORDER BY id DESC LIMIT 1").get() as { instant_ms: number };

    f.clock.stepWallClock(-HOUR);
    await f.clock.advance(15 * SECOND);

    const firstAfter = f.db.query("SELECT instant_ms FROM outbox ORDER BY id DESC LIMIT 1").get() as { instant_ms: number };
    expect(firstAfter.instant_ms - lastBefore.instant_ms).toBe(-HOUR + 15 * SECOND);
  });

  test("logs the step once", async () => {
    const f = await startHeating({});

    f.clock.stepWallClock(-HOUR);
    await f.clock.advance(5 * MINUTE);

    const steps = f.events("wall_clock_stepped");
    expect(steps).toHaveLength(1);
    expect(steps[0]?.step_s).toBe(-3600);
    expect(steps[0]?.level).toBe("warn");
  });

  test("keeps the status times sane", async () => {
    const f = await startHeating({});

    f.clock.stepWallClock(-HOUR);
    await f.clock.advance(MINUTE);

    const status = f.service.status();
    expect(status.reading_age_s).toBeLessThanOrEqual(15);
    expect(status.reading_age_s).toBeGreaterThanOrEqual(0);
    expect(status.uptime_s).toBe(2 * 60);
    expect(Date.parse(status.heater.since)).toBeLessThanOrEqual(f.clock.now());
  });
});

describe("wall clock step forwards", () => {
  test("takes no burst of catch-up polls", async () => {
    const f = await startHeating({});
    const before = takenCount(f);

    f.clock.stepWallClock(HOUR);
    await f.clock.advance(MINUTE);

    expect(takenCount(f) - before).toBeGreaterThanOrEqual(3);
    expect(takenCount(f) - before).toBeLessThanOrEqual(5);
  });

  test("does not cut a fresh reading as stale", async () => {
    const f = await startHeating({ max_on_s: "3600" });

    f.clock.stepWallClock(HOUR);
    await f.clock.advance(MINUTE);

    expect(f.service.relay.isOn).toBe(true);
    expect(offSwitches(f)).toHaveLength(0);
  });
});
