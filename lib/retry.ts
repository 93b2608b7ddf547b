/**
 * Capped exponential backoff with full jitter, shared by the cloud store, the
 * device outbox and the deploy script.
 */

export interface BackoffOptions {
  /** Delay before the first retry, in ms. @default 100 */
  baseMs?: number;
  /** Largest delay between two attempts, in ms. @default 30_000 */
  capMs?: number;
  /** Source of randomness in [0, 1). @default Math.random */
  random?: () => number;
}

/**
 * Returns the delay in ms before retry number `attempt` (1 for the first retry):
 * a uniform draw in [0, min(cap, base·2^(attempt−1))].
 * @throws {RangeError} when attempt is below 1 or an option is not a positive finite number
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const baseMs = options.baseMs ?? 100;
  const capMs = options.capMs ?? 30_000;
  const random = options.random ?? Math.random;
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer of at least 1, got ${attempt}`);
  if (!(baseMs > 0) || !Number.isFinite(baseMs)) throw new RangeError(`baseMs must be a positive number, got ${baseMs}`);
  if (!(capMs >= baseMs) || !Number.isFinite(capMs)) throw new RangeError(`capMs must be a number of at least baseMs (${baseMs}), got ${capMs}`);
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt - 1, 52));
  return Math.floor(random() * ceiling);
}

export interface RetryOptions extends BackoffOptions {
  /** Attempts in total, the first included. @default 5 */
  maxAttempts?: number;
  /** Wall-clock time after which no new attempt starts, in ms since the epoch. */
  deadlineMs?: number;
  /** Decides whether an error is worth another attempt. @default every error */
  isRetriable?: (error: unknown) => boolean;
  /** Called before each wait, for logging. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Server-requested delay for this error in ms (for example from Retry-After); overrides the backoff when larger. */
  retryAfterMs?: (error: unknown) => number | undefined;
  signal?: AbortSignal;
  /** Waits `ms`; injectable so tests run without real time passing. @default a timer */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Current time in ms. @default Date.now */
  now?: () => number;
}

/** Waits `ms` milliseconds, rejecting early with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `operation` until it resolves, the error is not retriable, attempts run
 * out or the next wait would pass the deadline; then rethrows the last error.
 */
export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError(`maxAttempts must be an integer of at least 1, got ${maxAttempts}`);
  const isRetriable = options.isRetriable ?? (() => true);
  const wait = options.sleep ?? sleep;
  const now = options.now ?? Date.now;

  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= maxAttempts || !isRetriable(error)) throw error;
      const backoff = backoffDelayMs(attempt, options);
      const delayMs = Math.max(backoff, options.retryAfterMs?.(error) ?? 0);
      if (options.deadlineMs !== undefined && now() + delayMs >= options.deadlineMs) throw error;
      options.onRetry?.({ attempt, delayMs, error });
      await wait(delayMs, options.signal);
    }
  }
}
