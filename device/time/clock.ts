/**
 * Time sources for the device. Every part that waits or stamps takes a
 * `Clock`, so control and outbox tests run a simulated day in milliseconds
 * and simulated hardware can run faster than real time.
 */

/** A source of the current time and of waits measured in that time. */
export interface Clock {
  /** Current time in ms since the epoch. */
  now(): number;
  /** Waits `ms` of this clock's time, rejecting early with the signal's reason when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
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

/** The wall clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: realSleep,
};

/**
 * Returns a clock that starts at the real time and runs `speed` times faster,
 * for simulated hardware (demos and soak runs).
 * @throws {RangeError} when speed is not a finite number of at least 1
 */
export function createScaledClock(speed: number, base: Clock = systemClock): Clock {
  if (!Number.isFinite(speed) || speed < 1) throw new RangeError(`speed must be a finite number of at least 1, got ${speed}`);
  if (speed === 1) return base;
  const startMs = base.now();
  return {
    now: () => Math.floor(startMs + (base.now() - startMs) * speed),
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
 */
export class ManualClock implements Clock {
  private nowMs: number;
  private readonly pending: PendingSleep[] = [];
  private nextOrder = 0;

  constructor(startMs = Date.UTC(2026, 0, 15, 12, 0, 0)) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
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
