/** lib/retry.ts: backoff bounds, attempts, deadline, retriable errors, Retry-After and abort. */
import { describe, expect, test } from "bun:test";
import { backoffDelayMs, retry, sleep } from "../../lib/retry.ts";

/** Creates a clock that moves only when the code under test sleeps. */
function fakeClock(startMs = 1_000_000) {
  const clock = {
    nowMs: startMs,
    sleeps: [] as number[],
    now: () => clock.nowMs,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.nowMs += ms;
    },
  };
  return clock;
}

class Transient extends Error {
  override readonly name = "Transient";
}

describe("backoffDelayMs", () => {
  test.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [9, 25_600],
    [10, 30_000],
    [1000, 30_000],
  ])("attempt %i ceiling %i ms", (attempt, ceilingMs) => {
    expect(backoffDelayMs(attempt, { random: () => 0 })).toBe(0);
    expect(backoffDelayMs(attempt, { random: () => 0.5 })).toBe(Math.floor(ceilingMs / 2));
    expect(backoffDelayMs(attempt, { random: () => 0.999_999_9 })).toBe(ceilingMs - 1);
  });

  test("custom base and cap", () => {
    expect(backoffDelayMs(1, { baseMs: 50, capMs: 1000, random: () => 0.5 })).toBe(25);
    expect(backoffDelayMs(8, { baseMs: 50, capMs: 1000, random: () => 0.5 })).toBe(500);
  });

  test("draws stay within bounds", () => {
    for (let attempt = 1; attempt <= 20; attempt++) {
      const delayMs = backoffDelayMs(attempt, { baseMs: 10, capMs: 5000 });
      expect(delayMs).toBeGreaterThanOrEqual(0);
      expect(delayMs).toBeLessThanOrEqual(Math.min(5000, 10 * 2 ** (attempt - 1)));
      expect(Number.isInteger(delayMs)).toBe(true);
    }
  });

  test.each([
    ["attempt 0", 0, {}, "attempt must be an integer of at least 1, got 0"],
    ["attempt 1.5", 1.5, {}, "attempt"],
    ["base 0", 1, { baseMs: 0 }, "baseMs must be a positive number, got 0"],
    ["base NaN", 1, { baseMs: Number.NaN }, "baseMs"],
    ["base Infinity", 1, { baseMs: Number.POSITIVE_INFINITY }, "baseMs"],
    ["cap below base", 1, { baseMs: 100, capMs: 99 }, "capMs must be a number of at least baseMs (100), got 99"],
  ])("%s throws RangeError", (_label, attempt, options, message) => {
    expect(() => backoffDelayMs(attempt, options)).toThrow(RangeError);
    expect(() => backoffDelayMs(attempt, options)).toThrow(message);
  });
});

describe("retry", () => {
  test("retries until success", async () => {
    const clock = fakeClock();
    const attempts: number[] = [];

    const result = await retry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 3) throw new Transient("busy");
        return "done";
      },
      { random: () => 0.5, sleep: clock.sleep, now: clock.now },
    );

    expect(result).toBe("done");
    expect(attempts).toEqual([1, 2, 3]);
    expect(clock.sleeps).toEqual([50, 100]);
  });

  test("last error after max attempts", async () => {
    const clock = fakeClock();
    let calls = 0;

    const outcome = retry(
      async () => {
        calls++;
        throw new Transient(`failure ${calls}`);
      },
      { maxAttempts: 4, random: () => 0, sleep: clock.sleep, now: clock.now },
    );

    await expect(outcome).rejects.toThrow("failure 4");
    expect(calls).toBe(4);
    expect(clock.sleeps).toHaveLength(3);
  });

  test("non-retriable error thrown at once", async () => {
    const clock = fakeClock();
    const fatal = new TypeError("bad input");
    let calls = 0;

    const outcome = retry(
      async () => {
        calls++;
        throw fatal;
      },
      { isRetriable: (error) => error instanceof Transient, sleep: clock.sleep, now: clock.now },
    );

    await expect(outcome).rejects.toBe(fatal);
    expect(calls).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  test("deadline stops before a wait past it", async () => {
    const clock = fakeClock(0);
    let calls = 0;

    // Waits of 50, 100, 200, 400 ms with random 0.5; the deadline at 300 ms allows 50 + 100 only.
    const outcome = retry(
      async () => {
        calls++;
        throw new Transient(`failure ${calls}`);
      },
      { maxAttempts: 10, deadlineMs: 300, random: () => 0.5, sleep: clock.sleep, now: clock.now },
    );

    await expect(outcome).rejects.toThrow("failure 3");
    expect(clock.sleeps).toEqual([50, 100]);
  });

  test("retryAfterMs overrides smaller backoff", async () => {
    const clock = fakeClock();
    const waits: number[] = [];

    await retry(
      async (attempt) => {
        if (attempt < 4) throw new Transient(String(attempt));
      },
      {
        random: () => 0.5,
        retryAfterMs: (error) => ((error as Error).message === "1" ? 5000 : (error as Error).message === "2" ? 1 : undefined),
        onRetry: ({ delayMs }) => waits.push(delayMs),
        sleep: clock.sleep,
        now: clock.now,
      },
    );

    expect(clock.sleeps).toEqual([5000, 100, 200]);
    expect(waits).toEqual(clock.sleeps);
  });

  test("retryAfterMs past deadline stops", async () => {
    const clock = fakeClock(0);

    const outcome = retry(
      async () => {
        throw new Transient("slow down");
      },
      { deadlineMs: 10_000, retryAfterMs: () => 60_000, sleep: clock.sleep, now: clock.now },
    );

    await expect(outcome).rejects.toThrow("slow down");
    expect(clock.sleeps).toEqual([]);
  });

  test("onRetry sees attempt and error", async () => {
    const clock = fakeClock();
    const seen: { attempt: number; message: string }[] = [];

    await retry(
      async (attempt) => {
        if (attempt === 1) throw new Transient("first");
        return attempt;
      },
      { onRetry: ({ attempt, error }) => seen.push({ attempt, message: (error as Error).message }), sleep: clock.sleep, now: clock.now },
    );

    expect(seen).toEqual([{ attempt: 1, message: "first" }]);
  });

  test("aborted signal stops before first attempt", async () => {
    const controller = new AbortController();
    controller.abort(new Error("shutting down"));
    let calls = 0;

    const outcome = retry(
      async () => {
        calls++;
      },
      { signal: controller.signal },
    );

    await expect(outcome).rejects.toThrow("shutting down");
    expect(calls).toBe(0);
  });

  test("abort during wait rejects", async () => {
    const controller = new AbortController();
    let calls = 0;

    const outcome = retry(
      async () => {
        calls++;
        if (calls === 1) queueMicrotask(() => controller.abort(new Error("stopped")));
        throw new Transient("busy");
      },
      { baseMs: 60_000, capMs: 60_000, random: () => 0.99, signal: controller.signal },
    );

    await expect(outcome).rejects.toThrow("stopped");
    expect(calls).toBe(1);
  });

  test.each([0, -1, 1.5])("maxAttempts %p throws RangeError", async (maxAttempts) => {
    await expect(retry(async () => 1, { maxAttempts })).rejects.toThrow(RangeError);
  });
});

describe("sleep", () => {
  test("already aborted rejects with reason", async () => {
    const reason = new Error("gone");

    await expect(sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  test("resolves after zero ms", async () => {
    await expect(sleep(0)).resolves.toBeUndefined();
  });
});
