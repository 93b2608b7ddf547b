import { describe, expect, test } from "bun:test";
import { chooseTickStep, labelTicks, localTimeTicks } from "../../dashboard/page/ticks.ts";
import { dayBounds } from "../../time/zone.ts";

const CHICAGO = "America/Chicago";
const HOUR_MS = 3_600_000;

describe("localTimeTicks", () => {
  test("hourly ticks skip 02:00 on a spring-forward day", () => {
    // Arrange: 2026-03-08 in Chicago is 23 hours long.
    const { startMs, endMs } = dayBounds("2026-03-08", CHICAGO);

    // Act
    const ticks = localTimeTicks(startMs, endMs, CHICAGO, HOUR_MS);
    const labels = labelTicks(ticks, CHICAGO, HOUR_MS);

    // Assert: 23 local hours plus the next midnight.
    expect(ticks.length).toBe(24);
    expect(labels.slice(0, 4)).toEqual(["Mar 8", "01:00", "03:00", "04:00"]);
    expect(labels).not.toContain("02:00");
    expect(labels.at(-1)).toBe("Mar 9");
    expect((ticks[2] as number) - (ticks[1] as number)).toBe(HOUR_MS);
  });

  test("hourly ticks repeat 01:00 on a fall-back day", () => {
    const { startMs, endMs } = dayBounds("2026-11-01", CHICAGO);

    const ticks = localTimeTicks(startMs, endMs, CHICAGO, HOUR_MS);
    const labels = labelTicks(ticks, CHICAGO, HOUR_MS);

    expect(ticks.length).toBe(26);
    expect(labels.slice(0, 4)).toEqual(["Nov 1", "01:00 CDT", "01:00 CST", "02:00"]);
    expect((ticks[2] as number) - (ticks[1] as number)).toBe(HOUR_MS);
  });

  test("every tick is one hour apart across both DST changes", () => {
    for (const day of ["2026-03-08", "2026-11-01"]) {
      const { startMs, endMs } = dayBounds(day, CHICAGO);
      const ticks = localTimeTicks(startMs, endMs, CHICAGO, HOUR_MS);
      for (let index = 1; index < ticks.length; index++) expect((ticks[index] as number) - (ticks[index - 1] as number)).toBe(HOUR_MS);
    }
  });

  test("six-hour ticks follow local midnight, not UTC", () => {
    const { startMs, endMs } = dayBounds("2026-03-08", CHICAGO);

    const labels = labelTicks(localTimeTicks(startMs, endMs, CHICAGO, 6 * HOUR_MS), CHICAGO, 6 * HOUR_MS);

    expect(labels).toEqual(["Mar 8", "06:00", "12:00", "18:00", "Mar 9"]);
  });

  test("sub-hour ticks realign after the spring gap", () => {
    // 01:30 to 03:30 local on the spring-forward day: one real hour.
    const { startMs } = dayBounds("2026-03-08", CHICAGO);
    const from = startMs + 1.5 * HOUR_MS;

    const ticks = localTimeTicks(from, from + HOUR_MS, CHICAGO, 15 * 60_000);
    const labels = labelTicks(ticks, CHICAGO, 15 * 60_000);

    expect(labels).toEqual(["01:30", "01:45", "03:00", "03:15", "03:30"]);
  });

  test("day ticks land on local midnights", () => {
    const { startMs } = dayBounds("2026-03-01", CHICAGO);
    const { endMs } = dayBounds("2026-03-14", CHICAGO);

    const ticks = localTimeTicks(startMs, endMs, CHICAGO, 24 * HOUR_MS);

    expect(ticks.length).toBe(15); // Mar 1 through the midnight that ends Mar 14
    for (const tick of ticks) expect(labelTicks([tick], CHICAGO, 24 * HOUR_MS)[0]).toMatch(/^Mar \d+$/);
    expect(ticks).toContain(dayBounds("2026-03-09", CHICAGO).startMs);
  });

  test("rejects a step it does not offer", () => {
    expect(() => localTimeTicks(0, 1, CHICAGO, 7)).toThrow(RangeError);
  });
});

describe("chooseTickStep", () => {
  test.each([
    [24 * HOUR_MS, 12, 2 * HOUR_MS],
    [24 * HOUR_MS, 30, HOUR_MS],
    [31 * 24 * HOUR_MS, 10, 7 * 24 * HOUR_MS],
    [10 * 60_000, 10, 60_000],
  ])("span %i ms with at most %i ticks picks %i ms", (spanMs, maxTicks, expected) => {
    expect(chooseTickStep(spanMs, maxTicks)).toBe(expected);
  });
});
