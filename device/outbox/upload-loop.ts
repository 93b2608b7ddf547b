/**
 * Runs the uploader until stopped: drains the outbox batch after batch, waits
 * `intervalMs` when it is empty, and after a failure waits a capped
 * exponential backoff with jitter (the shared helper) or the server's
 * Retry-After, whichever is longer. A 2xx that does not confirm its batch
 * is a failure too, logged at most once per `intervalMs`.
 */
import { backoffDelayMs } from "../../lib/retry.ts";
import type { Logger } from "../../lib/log.ts";
import type { Clock } from "../time/clock.ts";
import type { UploadOutcome, Uploader } from "./uploader.ts";

/** First backoff step after a failed upload, in ms. */
export const UPLOAD_BACKOFF_BASE_MS = 5_000;
/** Shortest wait after a failed upload, in ms, so full jitter never turns into a tight loop. */
export const UPLOAD_BACKOFF_FLOOR_MS = 1_000;
/** Maximum backoff between failed uploads, in ms. */
export const UPLOAD_BACKOFF_CAP_MS = 15 * 60_000;

/** Upload state for the status endpoint. */
export interface UploadStatus {
  lastSuccessAtMs: number | undefined;
  lastAttemptAtMs: number | undefined;
  lastError: string | undefined;
  consecutiveFailures: number;
}

export interface UploadLoopOptions {
  uploader: Uploader;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  signal: AbortSignal;
  /** Source of randomness for the jitter. @default Math.random */
  random?: () => number;
}

export class UploadLoop {
  readonly status: UploadStatus = { lastSuccessAtMs: undefined, lastAttemptAtMs: undefined, lastError: undefined, consecutiveFailures: 0 };
  private readonly options: UploadLoopOptions;
  /** Unconfirmed 2xx responses since the last line about them, and when that line was written; undefined after a delivery. */
  private unconfirmed: { count: number; loggedAtMs: number } | undefined;

  constructor(options: UploadLoopOptions) {
    this.options = options;
  }

  /** Runs until the signal aborts. Upload failures become waits; other errors, such as a database error, are thrown. */
  async run(): Promise<void> {
    const { signal, clock } = this.options;
    while (!signal.aborted) {
      let outcome: UploadOutcome;
      try {
        outcome = await this.options.uploader.uploadBatch(signal);
      } catch (error) {
        if (signal.aborted) return;
        // A local failure, such as the outbox database on a full disk refusing the delete after a 2xx,
        // must not end heating: the rows stay, and the batch is sent again after the backoff.
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        outcome = { kind: "retry", status: undefined, retryAfterMs: undefined, error: message, isAuthFailure: false };
      }
      const waitMs = this.record(outcome);
      if (waitMs > 0) await clock.sleep(waitMs, signal).catch(() => undefined);
    }
  }

  /** Updates the status and returns how long to wait before the next attempt. */
  private record(outcome: UploadOutcome): number {
    const { clock, logger, intervalMs } = this.options;
    const nowMs = clock.now();
    const monotonicMs = clock.monotonicNow();
    if (outcome.kind === "idle") return intervalMs;
    this.status.lastAttemptAtMs = nowMs;

    if (outcome.kind === "delivered" || outcome.kind === "dead_lettered") {
      if (outcome.kind === "delivered") {
        this.status.lastSuccessAtMs = nowMs;
        this.unconfirmed = undefined;
      }
      this.status.consecutiveFailures = 0;
      this.status.lastError = undefined;
      return 0;
    }

    this.status.consecutiveFailures++;
    this.status.lastError = outcome.error;
    const backoffMs = UPLOAD_BACKOFF_FLOOR_MS + backoffDelayMs(this.status.consecutiveFailures, { baseMs: UPLOAD_BACKOFF_BASE_MS, capMs: UPLOAD_BACKOFF_CAP_MS, random: this.options.random });
    if (outcome.kind === "unconfirmed") {
      // A captive portal or a wrong api_url responds to every attempt the same way, so one line per interval is enough.
      const unconfirmed = this.unconfirmed ?? { count: 0, loggedAtMs: Number.NEGATIVE_INFINITY };
      unconfirmed.count++;
      this.unconfirmed = unconfirmed;
      if (monotonicMs - unconfirmed.loggedAtMs >= intervalMs) {
        logger.warn("upload_unconfirmed", { status: outcome.status, content_type: outcome.contentType, error: outcome.error, responses: unconfirmed.count, attempt: this.status.consecutiveFailures, delay_ms: backoffMs });
        unconfirmed.count = 0;
        unconfirmed.loggedAtMs = monotonicMs;
      }
      return backoffMs;
    }
    const delayMs = outcome.retryAfterMs === 0 ? 0 : Math.max(backoffMs, outcome.retryAfterMs ?? 0);
    const fields = { status: outcome.status, error: outcome.error, attempt: this.status.consecutiveFailures, delay_ms: delayMs, retry_after_ms: outcome.retryAfterMs };
    if (outcome.isAuthFailure) logger.error("upload_unauthorized", fields);
    else logger.warn("upload_failed", fields);
    return delayMs;
  }
}
