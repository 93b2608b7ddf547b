/**
 * Time sources for the device. Every part that waits or stamps takes a
 * `Clock`, so control and outbox tests run a simulated day in milliseconds
 * and simulated hardware can run faster than real time.
 *
 * A clock has two readings. `now()` is the wall clock, which NTP or an
 * operator can step back or forward at any moment; it stamps readings, logs
 * and status. `monotonicNow()` never steps; every duration, schedule and
 * safety limit is measured on it.
 */

/** A source of the current time and of waits measured on the monotonic clock. */
export interface Clock {
  /** Wall-clock time in ms since the epoch; may step in either direction. */
  now(): number;
  /** Monotonic time in ms from an arbitrary origin; never steps, so differences are true durations. */
  monotonicNow(): number;
  /** Waits `ms` of monotonic time, rejecting early with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Converts a monotonic instant of `clock` to wall-clock ms since the epoch, at the wall clock's current offset. */
export function monotonicToWallMs(clock: Clock, monotonicMs: number): number {
  return clock.now() - (clock.monotonicNow() - monotonicMs);
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The system clocks: Date.now() for the wall, performance.now() (CLOCK_MONOTONIC on Linux) for durations. Timers also run on monotonic time. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicNow: () => performance.now(),
  sleep: realSleep,
};

/**
 * Returns a clock that starts at the real time and runs `speed` times faster,
 * for simulated hardware (demos and soak runs). Time passing is scaled, but a
 * step of the base wall clock appears in `now()` at its real size.
 * @throws {RangeError} when speed is not a finite number of at least 1
 */
export function createScaledClock(speed: number, base: Clock = systemClock): Clock {
  if (!Number.isFinite(speed) || speed < 1) throw new RangeError(`speed must be a finite number of at least 1, got ${speed}`);
  if (speed === 1) return base;
  const startMonotonicMs = base.monotonicNow();
  const extraMs = () => (base.monotonicNow() - startMonotonicMs) * (speed - 1);
  return {
    now: () => Math.floor(base.now() + extraMs()),
    monotonicNow: () => base.monotonicNow() + extraMs(),
    sleep: (ms, signal) => base.sleep(ms / speed, signal),
  };
}

interface PendingSleep {
  dueMs: number;
  order: number;
  resolve: () => void;
}

/**
 * A clock that moves only when a test calls `advance`. Sleepers wake in due
 * order, and `advance` lets the event loop run after each wake-up so that the
 * code they resume can schedule its next sleep before time moves on.
 * `stepWallClock` moves only the wall clock, as NTP does when it steps.
 * The monotonic clock starts at the same value as the wall clock.
 */
export class ManualClock implements Clock {
  /** Monotonic time; sleeps fall due on it. */
  private nowMs: number;
  /** Wall clock minus monotonic clock, changed only by stepWallClock. */
  private wallOffsetMs = 0;
  private readonly pending: PendingSleep[] = [];
  private nextOrder = 0;

  constructor(startMs = Date.UTC(2026, 0, 15, 12, 0, 0)) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs + this.wallOffsetMs;
  }

  monotonicNow(): number {
    return this.nowMs;
  }

  /** Steps the wall clock by `ms` (negative is backwards) without waking any sleeper. */
  stepWallClock(ms: number): void {
    this.wallOffsetMs += ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const entry: PendingSleep = { dueMs: this.nowMs + Math.max(0, ms), order: this.nextOrder++, resolve };
      this.pending.push(entry);
      signal?.addEventListener(
        "abort",
        () => {
          const index = this.pending.indexOf(entry);
          if (index >= 0) this.pending.splice(index, 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Number of sleeps that have not woken yet. */
  get pendingSleeps(): number {
    return this.pending.length;
  }

  /** Moves time forward by `ms`, waking every sleeper that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const targetMs = this.nowMs + ms;
    await settle();
    for (;;) {
      this.pending.sort((a, b) => a.dueMs - b.dueMs || a.order - b.order);
      const next = this.pending[0];
      if (next === undefined || next.dueMs > targetMs) break;
      this.pending.shift();
      this.nowMs = Math.max(this.nowMs, next.dueMs);
      next.resolve();
      await settle();
    }
    this.nowMs = targetMs;
    await settle();
  }
}

/** Lets pending promise callbacks and I/O callbacks run. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}
