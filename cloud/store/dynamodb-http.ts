/**
 * A small DynamoDB client for the app's request path: DynamoDB's JSON
 * protocol over `fetch`, signed with Signature Version 4 by aws4fetch, with
 * retry rules modelled on the AWS SDK's standard mode. It replaces the SDK's
 * DynamoDB client there, because loading the SDK took about 80 ms of every
 * Lambda cold start (see "Cold-start proxy" in BENCHMARKS.md).
 */
import { AwsV4Signer } from "aws4fetch";
import type { Logger } from "../../lib/log.ts";
import { backoffDelayMs, sleep as timerSleep } from "../../lib/retry.ts";
import { DynamoDBError } from "../errors.ts";
import { fromAttributeMap, fromWireWriteRequests, isRecord, stringifyRequestBody, toAttributeMap, toWireWriteRequests } from "./dynamodb-json.ts";
import type {
  BatchWriteItemRequest,
  BatchWriteItemResult,
  CallOptions,
  DynamoDBDataPlane,
  GetItemRequest,
  GetItemResult,
  QueryRequest,
  QueryResult,
  StoreOperation,
  UpdateItemRequest,
  UpdateItemResult,
} from "./dynamodb-operations.ts";
import { errorFromResponse, retryKind } from "./dynamodb-response.ts";
import type { AwsCredentials } from "./dynamodb-settings.ts";
import { redactEndpoint } from "./redact-endpoint.ts";

/** Sends one signed request. It is `fetch` in production and a stand-in in tests. */
export type SendRequest = (url: string, init: RequestInit) => Promise<Response>;

export interface DynamoDBHttpClientOptions {
  /** URL that requests are POSTed to, such as `https://dynamodb.us-east-1.amazonaws.com/`. */
  endpoint: string;
  /** Region that requests are signed for. */
  region: string;
  credentials: AwsCredentials;
  /** Receives one warning per retry. */
  logger: Logger;
  /** Attempts per call, the first included. @default 3, as in the AWS SDK's standard retry mode */
  maxAttempts?: number;
  /**
   * Time one attempt may take, reading the response body included, in ms. With the
   * defaults, a call whose every attempt times out fails after at most 6.3 s
   * (3 × 2 s plus 0.3 s of backoff). A call's `deadlineEpochMs` shortens the
   * attempts further, which is how the store keeps a whole request inside the
   * function's timeout.
   * @default 2000
   */
  attemptTimeoutMs?: number;
  /** @default fetch */
  fetch?: SendRequest;
  /** Waits between attempts. @default a timer */
  sleep?: (ms: number) => Promise<void>;
  /** Source of the backoff jitter, in [0, 1). @default Math.random */
  random?: () => number;
  /** Clock that requests are signed with and deadlines are measured by, in ms since the epoch. @default Date.now */
  now?: () => number;
}

/**
 * Ceilings of the first retry's delay, in ms. The AWS SDK's standard mode uses
 * the same two values (`@smithy/core` 3.41, util-retry constants).
 */
const TRANSIENT_BASE_MS = 100;
const THROTTLING_BASE_MS = 500;
/**
 * Maximum delay between attempts, in ms. The SDK's is 20 s, which would not fit in
 * the function's 10 s. With 3 attempts the delay never exceeds 1 s anyway.
 */
const MAX_DELAY_MS = 2000;
const JSON_CONTENT_TYPE = "application/x-amz-json-1.0";
const TARGET_PREFIX = "DynamoDB_20120810";

export class DynamoDBHttpClient implements DynamoDBDataPlane {
  private readonly endpoint: string;
  private readonly region: string;
  private readonly credentials: AwsCredentials;
  /** Signing keys derived per day, region and service, which aws4fetch keeps here. */
  private readonly signingKeys = new Map<string, ArrayBuffer>();
  private readonly logger: Logger;
  private readonly maxAttempts: number;
  private readonly attemptTimeoutMs: number;
  private readonly sendRequest: SendRequest;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  /**
   * @throws {TypeError} when `endpoint` is not an http or https URL
   * @throws {RangeError} when `maxAttempts` or `attemptTimeoutMs` is out of range
   */
  constructor(options: DynamoDBHttpClientOptions) {
    // URL.parse would be shorter, but Node.js 20, which the tests run the bundle on, lacks it.
    const url = URL.canParse(options.endpoint) ? new URL(options.endpoint) : undefined;
    if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new TypeError(`endpoint must be an http or https URL such as https://dynamodb.us-east-1.amazonaws.com/, got ${JSON.stringify(redactEndpoint(options.endpoint))}`);
    }
    const maxAttempts = options.maxAttempts ?? 3;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 10) throw new RangeError(`maxAttempts must be an integer from 1 to 10, got ${maxAttempts}`);
    const attemptTimeoutMs = options.attemptTimeoutMs ?? 2000;
    if (!Number.isInteger(attemptTimeoutMs) || attemptTimeoutMs < 1) throw new RangeError(`attemptTimeoutMs must be a whole number of ms of at least 1, got ${attemptTimeoutMs}`);

    this.endpoint = url.href;
    this.region = options.region;
    this.credentials = options.credentials;
    this.logger = options.logger;
    this.maxAttempts = maxAttempts;
    this.attemptTimeoutMs = attemptTimeoutMs;
    this.sendRequest = options.fetch ?? ((url, init) => fetch(url, init));
    this.sleep = options.sleep ?? ((ms) => timerSleep(ms));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  /** Puts or deletes up to 25 items. Writes that DynamoDB skipped come back in `UnprocessedItems`, for the caller to retry. */
  batchWriteItem(request: BatchWriteItemRequest, options: CallOptions = {}): Promise<BatchWriteItemResult> {
    const { RequestItems, ...rest } = request;
    return this.send("BatchWriteItem", { ...rest, RequestItems: toWireWriteRequests(RequestItems) }, options, (output) => {
      const { UnprocessedItems, ...fields } = output;
      return { ...(fields as Omit<BatchWriteItemResult, "UnprocessedItems">), UnprocessedItems: fromWireWriteRequests(UnprocessedItems) };
    });
  }

  /** Reads one item by its key. */
  getItem(request: GetItemRequest, options: CallOptions = {}): Promise<GetItemResult> {
    const { Key, ...rest } = request;
    return this.send("GetItem", { ...rest, Key: toAttributeMap(Key) }, options, (output) => {
      const { Item, ...fields } = output;
      return { ...(fields as Omit<GetItemResult, "Item">), Item: Item === undefined ? undefined : fromAttributeMap(Item) };
    });
  }

  /** Reads one page of a partition. */
  query(request: QueryRequest, options: CallOptions = {}): Promise<QueryResult> {
    const { ExpressionAttributeValues, ExclusiveStartKey, ...rest } = request;
    const body = {
      ...rest,
      ExpressionAttributeValues: ExpressionAttributeValues === undefined ? undefined : toAttributeMap(ExpressionAttributeValues),
      ExclusiveStartKey: ExclusiveStartKey === undefined ? undefined : toAttributeMap(ExclusiveStartKey),
    };
    return this.send("Query", body, options, (output) => {
      const { Items, LastEvaluatedKey, ...fields } = output;
      if (Items !== undefined && !Array.isArray(Items)) throw new TypeError("expected Items to be a list");
      return {
        ...(fields as Omit<QueryResult, "Items" | "LastEvaluatedKey">),
        Items: (Items ?? []).map((item: unknown) => fromAttributeMap(item)),
        LastEvaluatedKey: LastEvaluatedKey === undefined ? undefined : fromAttributeMap(LastEvaluatedKey),
      };
    });
  }

  /** Creates or changes one item with an update expression, optionally under a condition. */
  updateItem(request: UpdateItemRequest, options: CallOptions = {}): Promise<UpdateItemResult> {
    const { Key, ExpressionAttributeValues, ...rest } = request;
    const body = {
      ...rest,
      Key: toAttributeMap(Key),
      ExpressionAttributeValues: ExpressionAttributeValues === undefined ? undefined : toAttributeMap(ExpressionAttributeValues),
    };
    return this.send("UpdateItem", body, options, (output) => {
      const { Attributes, ...fields } = output;
      return { ...(fields as Omit<UpdateItemResult, "Attributes">), Attributes: Attributes === undefined ? undefined : fromAttributeMap(Attributes) };
    });
  }

  /**
   * Sends `body` as `operation`, retrying throttling and transient failures
   * with capped exponential backoff and full jitter, then decodes the response.
   * With a deadline, each attempt gets at most the time left, and an attempt or
   * a wait that could not finish before it is not started.
   * @throws {DynamoDBError} named after DynamoDB's error type, or NetworkError, TimeoutError or InvalidResponseError
   */
  private async send<T>(operation: StoreOperation, body: object, options: CallOptions, decode: (output: Record<string, unknown>) => T): Promise<T> {
    const text = stringifyRequestBody(body);
    const deadline = options.deadlineEpochMs;
    for (let attempt = 1; ; attempt++) {
      const leftMs = deadline === undefined ? Number.POSITIVE_INFINITY : deadline - this.now();
      if (leftMs <= 0) {
        throw new DynamoDBError({ name: "TimeoutError", message: `DynamoDB ${operation} was not sent because its deadline had passed`, operation, attempt });
      }
      try {
        return await this.sendOnce(operation, text, { attempt, timeoutMs: Math.min(this.attemptTimeoutMs, Math.ceil(leftMs)) }, decode);
      } catch (error) {
        if (!(error instanceof DynamoDBError)) throw error;
        const kind = retryKind(error);
        if (kind === undefined || attempt >= this.maxAttempts) throw error;

        const baseMs = kind === "throttling" ? THROTTLING_BASE_MS : TRANSIENT_BASE_MS;
        const delayMs = backoffDelayMs(attempt, { baseMs, capMs: MAX_DELAY_MS, random: this.random });
        if (deadline !== undefined && this.now() + delayMs >= deadline) throw outOfTime(operation, attempt, error);
        this.logger.warn("dynamodb_retry", { operation, error: error.name, status: error.status, request_id: error.requestId, attempt, delay_ms: delayMs });
        await this.sleep(delayMs);
      }
    }
  }

  /** Makes one signed attempt that may take `timeoutMs`, and decodes the body of a 2xx response. */
  private async sendOnce<T>(
    operation: StoreOperation,
    body: string,
    limits: { attempt: number; timeoutMs: number },
    decode: (output: Record<string, unknown>) => T,
  ): Promise<T> {
    const { attempt, timeoutMs } = limits;
    // This uses aws4fetch's signer without its AwsClient. AwsClient wraps each call in a Request
    // that fetch then rebuilds, and the first request was 5–10 ms slower with it on Node.js 20
    // (bench/cloud-bundle.ts). AwsClient also retries on its own, but only send() should retry.
    const signed = await new AwsV4Signer({
      url: this.endpoint,
      method: "POST",
      headers: { "content-type": JSON_CONTENT_TYPE, "x-amz-target": `${TARGET_PREFIX}.${operation}` },
      body,
      ...this.credentials,
      service: "dynamodb",
      region: this.region,
      cache: this.signingKeys,
      datetime: toAmzDate(this.now()),
    }).sign();
    const signal = AbortSignal.timeout(timeoutMs);

    let response: Response;
    let text: string;
    try {
      response = await this.sendRequest(signed.url.href, { method: "POST", headers: signed.headers, body, signal });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) {
        const deadlineNote = timeoutMs < this.attemptTimeoutMs ? " (the time left before its deadline)" : "";
        const message = `DynamoDB ${operation} timed out after ${timeoutMs} ms${deadlineNote} without a complete response`;
        throw new DynamoDBError({ name: "TimeoutError", message, operation, attempt, cause: error });
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new DynamoDBError({ name: "NetworkError", message: `DynamoDB ${operation} request to ${redactEndpoint(this.endpoint)} failed: ${reason}`, operation, attempt, cause: error });
    }

    const requestId = response.headers.get("x-amzn-requestid") ?? undefined;
    if (!response.ok) throw errorFromResponse({ operation, attempt, response, text, requestId });
    let output: unknown;
    try {
      output = JSON.parse(text);
    } catch (error) {
      throw invalidResponse(operation, attempt, response.status, requestId, "is not JSON", error);
    }
    if (!isRecord(output)) throw invalidResponse(operation, attempt, response.status, requestId, "is not a JSON object");
    try {
      return decode(output);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw invalidResponse(operation, attempt, response.status, requestId, `has an unreadable field: ${reason}`, error);
    }
  }
}

/**
 * Returns the error for a call whose retry could not finish before its deadline: the failure
 * itself when it was a timeout, else a TimeoutError caused by it.
 */
function outOfTime(operation: StoreOperation, attempt: number, failure: DynamoDBError): DynamoDBError {
  if (failure.name === "TimeoutError") return failure;
  const message = `DynamoDB ${operation} failed with ${failure.name} on attempt ${attempt}, and its deadline leaves no time for another attempt`;
  return new DynamoDBError({ name: "TimeoutError", message, operation, attempt, status: failure.status, requestId: failure.requestId, cause: failure });
}

function invalidResponse(operation: StoreOperation, attempt: number, status: number, requestId: string | undefined, problem: string, cause?: unknown): DynamoDBError {
  return new DynamoDBError({ name: "InvalidResponseError", message: `the body of DynamoDB's HTTP ${status} response to ${operation} ${problem}`, operation, attempt, status, requestId, cause });
}

/** Formats `ms` as SigV4's X-Amz-Date, such as `20260310T120000Z`. */
function toAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, "");
}
