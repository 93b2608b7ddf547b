import { describe, expect, test } from "bun:test";
import { createScaledClock, ManualClock, monotonicToWallMs } from "../../device/time/clock.ts";

describe("ManualClock", () => {
  test("steps the wall clock only", () => {
    const clock = new ManualClock(1_000_000);

    clock.stepWallClock(-3_600_000);

    expect(clock.now()).toBe(1_000_000 - 3_600_000);
    expect(clock.monotonicNow()).toBe(1_000_000);
  });

  test("wakes sleepers on monotonic time", async () => {
    const clock = new ManualClock(1_000_000);
    let isAwake = false;
    void clock.sleep(10_000).then(() => (isAwake = true));

    clock.stepWallClock(60_000);
    await clock.advance(9_999);
    expect(isAwake).toBe(false);
    await clock.advance(1);
    expect(isAwake).toBe(true);
  });

  test("converts monotonic to wall time", () => {
    const clock = new ManualClock(1_000_000);
    clock.stepWallClock(-500);

    expect(monotonicToWallMs(clock, 999_000)).toBe(998_500);
  });
});

describe("createScaledClock", () => {
  test("scales elapsed time, not wall steps", async () => {
    const base = new ManualClock(1_000_000);
    const scaled = createScaledClock(10, base);
    const wallStart = scaled.now();
    const monotonicStart = scaled.monotonicNow();

    await base.advance(1_000);
    base.stepWallClock(-3_600_000);

    expect(scaled.monotonicNow() - monotonicStart).toBe(10_000);
    expect(scaled.now() - wallStart).toBe(10_000 - 3_600_000);
  });
});
