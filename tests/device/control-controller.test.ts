import { describe, expect, test } from "bun:test";
import { Controller, type ControlSettings } from "../../device/control/controller.ts";
import { DECISION_REASONS } from "../../device/control/decision.ts";

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 15, 6, 0, 0);

/** °F settings like the defaults: 50 °F ± 1, 2-minute minimum times. */
const BASE: ControlSettings = {
  setpoint: 50,
  coldTolerance: 1,
  hotTolerance: 1,
  minOnMs: 2 * MINUTE,
  minOffMs: 2 * MINUTE,
  maxOnMs: 60 * MINUTE,
  overTempCutoff: 95,
  runawayWindowMs: 20 * MINUTE,
  runawayMinRise: 1,
  runawayLockoutMs: 60 * MINUTE,
  staleAfterMs: 2 * MINUTE,
};

function input(temperature: number | undefined, options: { nowMs?: number; isOn?: boolean; sinceMs?: number; atMs?: number } = {}) {
  const nowMs = options.nowMs ?? T0 + 10 * MINUTE;
  return {
    nowMs,
    isOn: options.isOn ?? false,
    sinceMs: options.sinceMs ?? T0,
    reading: temperature === undefined ? undefined : { temperature, atMs: options.atMs ?? nowMs },
  };
}

describe("Controller hysteresis", () => {
  test.each([
    [48.9, false, true, DECISION_REASONS.belowBand],
    [49.0, false, true, DECISION_REASONS.belowBand],
    [49.1, false, false, DECISION_REASONS.idle],
    [50.9, true, true, DECISION_REASONS.heating],
    [51.0, true, false, DECISION_REASONS.aboveBand],
    [51.1, true, false, DECISION_REASONS.aboveBand],
    [50.0, true, true, DECISION_REASONS.heating],
    [50.0, false, false, DECISION_REASONS.idle],
  ])("at %d °F with heater on=%s decides on=%s", (temperature, isOn, expectedOn, reason) => {
    const decision = new Controller(BASE).decide(input(temperature, { isOn }));
    expect(decision.isOn).toBe(expectedOn);
    expect(decision.reason).toBe(reason);
  });

  test("uses separate cold and hot tolerances", () => {
    const controller = new Controller({ ...BASE, coldTolerance: 3, hotTolerance: 0.5 });
    expect(controller.decide(input(47.5)).isOn).toBe(false);
    expect(controller.decide(input(47)).isOn).toBe(true);
    expect(controller.decide(input(50.5, { isOn: true })).isOn).toBe(false);
  });

  test("follows a new setpoint", () => {
    const controller = new Controller(BASE);
    controller.setSetpoint(60);
    expect(controller.setpoint).toBe(60);
    expect(controller.decide(input(55)).isOn).toBe(true);
  });
});

describe("Controller minimum times", () => {
  test.each([
    [1.99, false, DECISION_REASONS.minOffTime],
    [2.0, true, DECISION_REASONS.belowBand],
  ])("off for %d min below the band decides on=%s", (minutesOff, expectedOn, reason) => {
    const decision = new Controller(BASE).decide(input(45, { sinceMs: T0, nowMs: T0 + minutesOff * MINUTE }));
    expect(decision.isOn).toBe(expectedOn);
    expect(decision.reason).toBe(reason);
  });

  test("min off time gives the recheck time", () => {
    const decision = new Controller(BASE).decide(input(45, { sinceMs: T0, nowMs: T0 + MINUTE }));
    expect(decision.recheckAtMs).toBe(T0 + 2 * MINUTE);
  });

  test.each([
    [1.99, true, DECISION_REASONS.minOnTime],
    [2.0, false, DECISION_REASONS.aboveBand],
  ])("on for %d min above the band decides on=%s", (minutesOn, expectedOn, reason) => {
    const decision = new Controller(BASE).decide(input(52, { isOn: true, sinceMs: T0, nowMs: T0 + minutesOn * MINUTE }));
    expect(decision.isOn).toBe(expectedOn);
    expect(decision.reason).toBe(reason);
  });

  test("start counts as the last switch off", () => {
    // The relay is driven off at start, so a restart loop cannot cycle the heater faster than min_off_s.
    const decision = new Controller(BASE).decide(input(40, { sinceMs: T0, nowMs: T0 + 30_000 }));
    expect(decision).toEqual({ isOn: false, reason: DECISION_REASONS.minOffTime, recheckAtMs: T0 + 2 * MINUTE });
  });
});

describe("Controller safety limits", () => {
  test("unknown reading turns off within the minimum on time", () => {
    const decision = new Controller(BASE).decide(input(undefined, { isOn: true, sinceMs: T0, nowMs: T0 + 30_000 }));
    expect(decision).toEqual({ isOn: false, reason: DECISION_REASONS.sensorUnknown });
  });

  test.each([
    [2 * MINUTE, true],
    [2 * MINUTE + 1, false],
  ])("reading aged %d ms keeps heating=%s", (ageMs, expectedOn) => {
    const nowMs = T0 + 10 * MINUTE;
    const decision = new Controller(BASE).decide(input(45, { isOn: true, sinceMs: nowMs - 30_000, nowMs, atMs: nowMs - ageMs }));
    expect(decision.isOn).toBe(expectedOn);
    if (!expectedOn) expect(decision.reason).toBe(DECISION_REASONS.sensorStale);
  });

  test.each([
    [94.9, true],
    [95, false],
  ])("over-temperature cut-off at %d °F keeps heating=%s", (temperature, expectedOn) => {
    // A setpoint near the cut-off, so the band alone would keep heating.
    const controller = new Controller({ ...BASE, setpoint: 100, hotTolerance: 1, overTempCutoff: 95 });
    const decision = controller.decide(input(temperature, { isOn: true, sinceMs: T0 + 9 * MINUTE }));
    expect(decision.isOn).toBe(expectedOn);
    if (!expectedOn) {
      expect(decision.reason).toBe(DECISION_REASONS.overTemperature);
      expect(controller.faults.lastOverTemperatureAtMs).toBe(T0 + 10 * MINUTE);
    }
  });

  test("maximum on time forces a cooldown of the minimum off time", () => {
    const controller = new Controller(BASE);
    const atLimit = T0 + 60 * MINUTE;

    const cut = controller.decide(input(45, { isOn: true, sinceMs: T0, nowMs: atLimit }));
    const during = controller.decide(input(45, { isOn: false, sinceMs: atLimit, nowMs: atLimit + MINUTE }));
    const after = controller.decide(input(45, { isOn: false, sinceMs: atLimit, nowMs: atLimit + 2 * MINUTE }));

    expect(cut).toEqual({ isOn: false, reason: DECISION_REASONS.maxOnTime, recheckAtMs: atLimit + 2 * MINUTE });
    expect(during.reason).toBe(DECISION_REASONS.maxOnCooldown);
    expect(after.isOn).toBe(true);
  });

  test("runaway trips when heating brings no rise", () => {
    const controller = new Controller(BASE);
    controller.decide(input(45, { nowMs: T0 + 10 * MINUTE }));
    const onSince = T0 + 10 * MINUTE;

    const before = controller.decide(input(45.5, { isOn: true, sinceMs: onSince, nowMs: onSince + 19 * MINUTE }));
    const trip = controller.decide(input(45.9, { isOn: true, sinceMs: onSince, nowMs: onSince + 20 * MINUTE }));
    const locked = controller.decide(input(40, { sinceMs: onSince + 20 * MINUTE, nowMs: onSince + 79 * MINUTE }));
    const released = controller.decide(input(40, { sinceMs: onSince + 20 * MINUTE, nowMs: onSince + 80 * MINUTE }));

    expect(before.isOn).toBe(true);
    expect(trip).toEqual({ isOn: false, reason: DECISION_REASONS.runaway });
    expect(locked).toEqual({ isOn: false, reason: DECISION_REASONS.runawayLockout, recheckAtMs: onSince + 80 * MINUTE });
    expect(released.isOn).toBe(true);
  });

  test("runaway does not trip while the room warms", () => {
    const controller = new Controller({ ...BASE, maxOnMs: 300 * MINUTE });
    controller.decide(input(40, { nowMs: T0 + 10 * MINUTE }));
    const onSince = T0 + 10 * MINUTE;
    for (let minute = 1; minute <= 60; minute++) {
      const decision = controller.decide(input(40 + minute * 0.1, { isOn: true, sinceMs: onSince, nowMs: onSince + minute * MINUTE }));
      expect(decision.isOn).toBe(true);
    }
  });

  test("runaway lockout of 0 lasts until restart", () => {
    const controller = new Controller({ ...BASE, runawayLockoutMs: 0 });
    controller.decide(input(45, { nowMs: T0 + 10 * MINUTE }));
    controller.decide(input(45, { isOn: true, sinceMs: T0 + 10 * MINUTE, nowMs: T0 + 30 * MINUTE }));

    const weekLater = controller.decide(input(30, { sinceMs: T0 + 30 * MINUTE, nowMs: T0 + 7 * 24 * 60 * MINUTE }));

    expect(weekLater.reason).toBe(DECISION_REASONS.runawayLockout);
    expect(controller.faults.runawayLockoutUntilMs).toBe(Number.POSITIVE_INFINITY);
  });
});
