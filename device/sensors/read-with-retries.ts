/**
 * Takes one measurement with retries spaced by the sensor's minimum interval
 * and bounded by a time budget (normally the poll interval), using the shared
 * retry helper. A read that hangs is abandoned after `readTimeoutMs`.
 */
import { retry } from "../../lib/retry.ts";
import type { Logger } from "../../lib/log.ts";
import type { Clock } from "../time/clock.ts";
import { SensorReadError } from "./errors.ts";
import type { Sensor, SensorSample } from "./sensor.ts";

export interface ReadWithRetriesOptions {
  clock: Clock;
  /** No new attempt starts after this many ms from the first. */
  budgetMs: number;
  /** Attempts in total. @default 3 */
  maxAttempts?: number;
  /** A single read that takes longer counts as failed (`TIMED_OUT`), in ms. @default 5000 */
  readTimeoutMs?: number;
  logger?: Logger;
  signal?: AbortSignal;
}

async function readOnce(sensor: Sensor, clock: Clock, timeoutMs: number, signal: AbortSignal | undefined): Promise<SensorSample> {
  signal?.throwIfAborted();
  const timer = new AbortController();
  // A read that never returns must not hold up a stop, so the stop signal also ends the wait.
  const stopped = new Promise<never>((_resolve, reject) => {
    if (signal === undefined) return;
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    timer.signal.addEventListener("abort", () => signal.removeEventListener("abort", onAbort), { once: true });
  });
  const timeout = clock.sleep(timeoutMs, timer.signal).then(
    () => {
      throw new SensorReadError(sensor.description, "TIMED_OUT", `read took longer than ${timeoutMs} ms`);
    },
    () => new Promise<never>(() => {}),
  );
  try {
    return await Promise.race([sensor.read(), timeout, stopped]);
  } finally {
    timer.abort();
  }
}

/**
 * Reads `sensor`, retrying failures that may pass on a second try.
 * @throws {SensorReadError} the last failure when every attempt failed
 */
export async function readWithRetries(sensor: Sensor, options: ReadWithRetriesOptions): Promise<SensorSample> {
  const { clock } = options;
  const spacingMs = Math.max(1, sensor.minIntervalMs);
  return retry(() => readOnce(sensor, clock, options.readTimeoutMs ?? 5000, options.signal), {
    maxAttempts: options.maxAttempts ?? 3,
    // A fixed spacing: the backoff never exceeds the sensor's interval, and retryAfterMs raises it to exactly that.
    baseMs: spacingMs,
    capMs: spacingMs,
    retryAfterMs: () => sensor.minIntervalMs,
    deadlineMs: clock.monotonicNow() + options.budgetMs,
    isRetriable: (error) => error instanceof SensorReadError && error.isRetriable,
    onRetry: ({ attempt, delayMs, error }) =>
      options.logger?.warn("sensor_read_retry", { sensor: sensor.description, attempt, delay_ms: delayMs, code: (error as SensorReadError).code, error }),
    sleep: (ms, signal) => clock.sleep(ms, signal),
    now: () => clock.monotonicNow(),
    signal: options.signal,
  });
}
