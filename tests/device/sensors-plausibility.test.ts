import { describe, expect, test } from "bun:test";
import { PlausibilityFilter, REJECTION_REASONS } from "../../device/sensors/plausibility.ts";

const DHT22 = { minC: -40, maxC: 80 };
const T0 = Date.UTC(2026, 0, 15);
const SECOND = 1000;

describe("PlausibilityFilter", () => {
  test("accepts a normal sequence", () => {
    const filter = new PlausibilityFilter(DHT22);
    for (const [index, value] of [21.5, 21.6, 21.4, 21.7].entries()) {
      expect(filter.check({ temperatureC: value, humidityPercent: 40 }, T0 + index * 15 * SECOND).ok).toBe(true);
    }
  });

  test.each([
    ["NaN", Number.NaN, undefined, REJECTION_REASONS.notFinite],
    ["infinite humidity", 20, Number.POSITIVE_INFINITY, REJECTION_REASONS.notFinite],
    ["-3276.7 °C", -3276.7, 40, REJECTION_REASONS.signDecoding],
    ["-3276.8 °C", -3276.8, 40, REJECTION_REASONS.signDecoding],
    ["-40.1 °C", -40.1, 40, REJECTION_REASONS.outOfRange],
    ["80.1 °C", 80.1, 40, REJECTION_REASONS.outOfRange],
    ["humidity 100.1 %", 20, 100.1, REJECTION_REASONS.humidityOutOfRange],
    ["humidity -1 %", 20, -1, REJECTION_REASONS.humidityOutOfRange],
  ])("rejects %s", (_label, temperatureC, humidityPercent, reason) => {
    const result = new PlausibilityFilter(DHT22).check({ temperatureC, humidityPercent }, T0);
    expect(result.ok).toBe(false);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toBe(reason);
  });

  test.each([
    ["-40 °C", -40, true],
    ["80 °C", 80, true],
  ])("accepts the range edge %s", (_label, temperatureC, expected) => {
    expect(new PlausibilityFilter(DHT22).check({ temperatureC }, T0).ok).toBe(expected);
  });

  test("rejects a checksum-valid doubled frame", () => {
    const filter = new PlausibilityFilter(DHT22);
    filter.check({ temperatureC: 21.5, humidityPercent: 40.2 }, T0);

    const doubled = filter.check({ temperatureC: 43.0, humidityPercent: 80.4 }, T0 + 15 * SECOND);
    const next = filter.check({ temperatureC: 21.6, humidityPercent: 40.1 }, T0 + 30 * SECOND);

    expect(doubled.ok).toBe(false);
    expect(doubled.ok).toBe(false);
    if (!doubled.ok) expect(doubled.reason).toBe(REJECTION_REASONS.jump);
    expect(next.ok).toBe(true);
  });

  test("rejects a humidity-only jump", () => {
    const filter = new PlausibilityFilter(DHT22);
    filter.check({ temperatureC: 21.5, humidityPercent: 40 }, T0);

    const result = filter.check({ temperatureC: 21.5, humidityPercent: 80 }, T0 + 15 * SECOND);

    expect(result.ok).toBe(false);

    if (!result.ok) expect(result.reason).toBe(REJECTION_REASONS.humidityJump);
  });

  test("accepts a jump that the next reading confirms", () => {
    const filter = new PlausibilityFilter(DHT22);
    filter.check({ temperatureC: 21.5 }, T0);

    const first = filter.check({ temperatureC: 30 }, T0 + 15 * SECOND);
    const second = filter.check({ temperatureC: 30.3 }, T0 + 30 * SECOND);

    expect(first.ok).toBe(false);
    expect(second.ok).toBe(true);
  });

  test("allows more change after a longer gap", () => {
    const filter = new PlausibilityFilter(DHT22);
    filter.check({ temperatureC: 10 }, T0);

    // 3 °C plus 2 °C per minute: after 10 minutes up to 23 °C of change is plausible.
    expect(filter.check({ temperatureC: 32.9 }, T0 + 10 * 60 * SECOND).ok).toBe(true);
  });

  test.each([
    [3.0, true],
    [3.6, false],
  ])("jump edge of %d °C at 15 s", (changeC, expected) => {
    const filter = new PlausibilityFilter(DHT22);
    filter.check({ temperatureC: 20 }, T0);
    // 15 s allow 3 + 2 × 0.25 = 3.5 °C.
    expect(filter.check({ temperatureC: 20 + changeC }, T0 + 15 * SECOND).ok).toBe(expected);
  });
});
