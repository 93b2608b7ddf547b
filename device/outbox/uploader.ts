/**
 * Sends the outbox to `POST {api_url}/readings` one batch at a time and acts
 * on the response:
 *
 * | response                | readings                         | next                         |
 * |-------------------------|----------------------------------|------------------------------|
 * | 2xx confirming all      | removed                          | next batch                   |
 * | 2xx not confirming all  | kept                             | back off                     |
 * | 400 naming readings     | those dead-lettered              | rest sent again              |
 * | 400 naming none         | sent one at a time to find them  | next batch                   |
 * | 401, 403                | kept                             | back off; never dead-lettered|
 * | 408, 429, 5xx, network  | kept                             | back off, honour Retry-After |
 * | 413                     | kept; batch size halved          | again; one reading → dead    |
 * | other 4xx               | kept up to 3 tries, then dead    | back off                     |
 *
 * A 2xx confirms the batch only when its body is an ingest response whose
 * `stored + duplicates` equals the readings sent. A bare 2xx from a captive
 * portal or from another web server at api_url therefore keeps the rows.
 * The server's writes are idempotent on (device, instant), so a batch sent
 * again after a crash between its 2xx and the delete, or after an
 * unconfirmed 2xx that the API did store, is never stored twice.
 */
import type { Logger } from "../../lib/log.ts";
import { errorResponseSchema, ingestResponseSchema, MAX_BATCH_READINGS, type DesiredState, type IngestResponse } from "../../schema.ts";
import { redactSecretsInText } from "../config/redact-url.ts";
import type { Clock } from "../time/clock.ts";
import type { Outbox, QueuedReading } from "./outbox.ts";
import { parseRetryAfterMs } from "./retry-after.ts";

/** Tries of a batch that keeps getting an unexpected 4xx (404, 405, 409, 410, 422, …) before it is dead-lettered. */
export const UNEXPECTED_4XX_TRIES = 3;

export type UploadOutcome =
  | { kind: "idle" }
  | { kind: "delivered"; count: number; stored: number; duplicates: number }
  | { kind: "dead_lettered"; count: number; status: number }
  /** A 2xx whose body does not confirm the batch; the readings stay in the outbox. */
  | { kind: "unconfirmed"; status: number; contentType: string | undefined; error: string }
  | { kind: "retry"; status: number | undefined; retryAfterMs: number | undefined; error: string; isAuthFailure: boolean };

export interface UploaderOptions {
  outbox: Outbox;
  apiUrl: string;
  token: string;
  deviceId: string;
  /** Readings per request, at most 500. */
  batchSize: number;
  requestTimeoutMs: number;
  clock: Clock;
  logger: Logger;
  /** Called with the desired state of each successful response. */
  onDesired?: (desired: DesiredState) => void;
  /** Test hook: runs after a response arrives and before the outbox changes. */
  afterResponse?: (status: number) => void;
  fetch?: typeof fetch;
}

/** Returns the reading indices a 400's problem fields name, such as 3 for `readings[3].temperature`. */
function problemIndices(problems: Array<{ field: string }>): Set<number> {
  const indices = new Set<number>();
  for (const problem of problems) {
    const match = /^readings\[(\d+)\]/.exec(problem.field);
    if (match !== null) indices.add(Number(match[1]));
  }
  return indices;
}

/**
 * Checks that a 2xx body confirms a batch of `sent` readings: an ingest
 * response with `stored + duplicates === sent`. The reason never quotes the
 * body, which may echo a URL with a token.
 */
export function checkIngestResponse(bodyText: string, sent: number): { ok: true; response: IngestResponse } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return { ok: false, reason: `is not an ingest response: the ${bodyText.length}-byte body is not JSON` };
  }
  const parsed = ingestResponseSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: "is not an ingest response: the body lacks stored, duplicates or desired" };
  const { stored, duplicates } = parsed.data;
  if (stored + duplicates !== sent) return { ok: false, reason: `confirms ${stored + duplicates} of ${sent} readings (stored ${stored}, duplicates ${duplicates})` };
  return { ok: true, response: parsed.data };
}

export class Uploader {
  private readonly options: UploaderOptions;
  private readonly endpoint: string;
  private readonly fetchImpl: typeof fetch;
  private batchLimit: number;
  /** After a 400 that named no reading, readings up to this id go one at a time. */
  private isolateThroughId = 0;
  private unexpected4xx = { headId: 0, tries: 0 };

  /** @throws {RangeError} when batchSize is outside 1–500 */
  constructor(options: UploaderOptions) {
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > MAX_BATCH_READINGS) {
      throw new RangeError(`batchSize must be an integer from 1 to ${MAX_BATCH_READINGS}, got ${options.batchSize}`);
    }
    this.options = options;
    this.endpoint = `${options.apiUrl.replace(/\/+$/, "")}/readings`;
    this.fetchImpl = options.fetch ?? fetch;
    this.batchLimit = options.batchSize;
  }

  /** Sends the oldest batch and applies the response to the outbox. */
  async uploadBatch(signal?: AbortSignal): Promise<UploadOutcome> {
    const { outbox, logger } = this.options;
    const headId = outbox.peek(1)[0]?.id;
    if (headId === undefined) return { kind: "idle" };
    const limit = headId <= this.isolateThroughId ? 1 : this.batchLimit;
    const batch = outbox.peek(limit);

    const startedMs = performance.now();
    let response: Response;
    try {
      response = await this.post(batch, signal);
    } catch (error) {
      if (signal?.aborted) throw error;
      // Only this redacted text leaves here; the error object may carry the URL (Bun sets `path`).
      const message = this.redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      return { kind: "retry", status: undefined, retryAfterMs: undefined, error: message, isAuthFailure: false };
    }
    const bodyText = await response.text().catch(() => "");
    this.options.afterResponse?.(response.status);
    const elapsedMs = Math.round(performance.now() - startedMs);
    const ids = batch.map((entry) => entry.id);

    if (response.ok) return this.handleSuccess(ids, response, bodyText, elapsedMs);

    const status = response.status;
    // The upload loop reads retryAfterMs 0 as "send again at once", which only this class decides
    // (413 and 400 isolation). A server's "Retry-After: 0" or a past date gets the normal backoff.
    const requestedMs = parseRetryAfterMs(response.headers.get("retry-after"), this.options.clock.now());
    const retryAfterMs = requestedMs === 0 ? undefined : requestedMs;
    const summary = this.describeError(bodyText, status);

    if (status === 401 || status === 403) {
      return { kind: "retry", status, retryAfterMs, error: `${summary}; check ingest_token`, isAuthFailure: true };
    }
    if (status === 408 || status === 429 || status >= 500) {
      return { kind: "retry", status, retryAfterMs, error: summary, isAuthFailure: false };
    }
    if (status === 413) {
      if (batch.length > 1) {
        this.batchLimit = Math.max(1, Math.floor(batch.length / 2));
        logger.warn("upload_batch_too_large", { readings: batch.length, new_batch_size: this.batchLimit });
        return { kind: "retry", status, retryAfterMs: 0, error: summary, isAuthFailure: false };
      }
      outbox.deadLetter(ids, { status, error: summary });
      return { kind: "dead_lettered", count: ids.length, status };
    }
    if (status === 400) return this.handleBadRequest(batch, bodyText, summary);

    // Any other 4xx: a few tries in case it is a deploy in progress, then give up on this batch.
    this.unexpected4xx = this.unexpected4xx.headId === headId ? { headId, tries: this.unexpected4xx.tries + 1 } : { headId, tries: 1 };
    if (this.unexpected4xx.tries < UNEXPECTED_4XX_TRIES) return { kind: "retry", status, retryAfterMs, error: summary, isAuthFailure: false };
    outbox.deadLetter(ids, { status, error: `${summary} (${UNEXPECTED_4XX_TRIES} tries)` });
    return { kind: "dead_lettered", count: ids.length, status };
  }

  private async post(batch: QueuedReading[], signal: AbortSignal | undefined): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs);
    return this.fetchImpl(this.endpoint, {
      method: "POST",
      headers: { authorization: `Bearer ${this.options.token}`, "content-type": "application/json" },
      body: JSON.stringify({ readings: batch.map((entry) => entry.reading) }),
      signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
    });
  }

  private handleSuccess(ids: number[], response: Response, bodyText: string, elapsedMs: number): UploadOutcome {
    const { outbox, logger } = this.options;
    const check = checkIngestResponse(bodyText, ids.length);
    if (!check.ok) {
      // A content type is a short token; the slice and redaction keep a hostile header out of the log.
      const header = response.headers.get("content-type");
      const contentType = header === null ? undefined : this.redact(header.slice(0, 100));
      return { kind: "unconfirmed", status: response.status, contentType, error: `HTTP ${response.status} (${contentType ?? "no content type"}) ${check.reason}` };
    }

    const { stored, duplicates, desired } = check.response;
    outbox.remove(ids);
    this.unexpected4xx = { headId: 0, tries: 0 };
    logger.info("upload_delivered", { readings: ids.length, stored, duplicates, ms: elapsedMs, depth: outbox.depth });
    if (desired !== null) this.options.onDesired?.(desired);
    return { kind: "delivered", count: ids.length, stored, duplicates };
  }

  private handleBadRequest(batch: QueuedReading[], bodyText: string, summary: string): UploadOutcome {
    const { outbox, logger } = this.options;
    let problems: Array<{ field: string; message: string }> = [];
    try {
      problems = errorResponseSchema.parse(JSON.parse(bodyText)).problems ?? [];
    } catch {
      problems = [];
    }
    const indices = problemIndices(problems);
    const rejected = batch.filter((_entry, index) => indices.has(index));

    if (rejected.length > 0) {
      for (const entry of rejected) {
        const index = batch.indexOf(entry);
        const reasons = problems.filter((problem) => problem.field.startsWith(`readings[${index}]`)).map((problem) => `${problem.field}: ${problem.message}`);
        outbox.deadLetter([entry.id], { status: 400, error: this.redact(reasons.join("; ")) });
      }
      return { kind: "dead_lettered", count: rejected.length, status: 400 };
    }
    if (batch.length > 1) {
      // The response named no reading; send this batch one at a time to find the bad ones.
      this.isolateThroughId = batch.at(-1)?.id ?? 0;
      logger.warn("upload_isolating_bad_reading", { readings: batch.length, error: summary });
      return { kind: "retry", status: 400, retryAfterMs: 0, error: summary, isAuthFailure: false };
    }
    outbox.deadLetter(batch.map((entry) => entry.id), { status: 400, error: summary });
    return { kind: "dead_lettered", count: batch.length, status: 400 };
  }

  /** Summarises an error response without echoing secrets or long bodies. */
  private describeError(bodyText: string, status: number): string {
    try {
      const parsed = errorResponseSchema.parse(JSON.parse(bodyText));
      return `HTTP ${status} ${parsed.error}: ${this.redact(parsed.message).slice(0, 200)}`;
    } catch {
      return `HTTP ${status}`;
    }
  }

  /** Removes the secrets api_url may carry from text bound for logs, status and dead letters. */
  private redact(text: string): string {
    return redactSecretsInText(text, this.options.apiUrl);
  }
}
