/** Errors of the cloud app. The HTTP edge maps each to a status in one place (cloud/app.ts). */
import type { FieldProblem } from "../schema.ts";

/** A request the API rejects, with the status and a sentence for the client. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: 400 | 401 | 403 | 404 | 405 | 406 | 413 | 415 | 500;
  readonly code: string;
  readonly problems: FieldProblem[] | undefined;
  readonly headers: Record<string, string>;

  constructor(options: { status: ApiError["status"]; code: string; message: string; problems?: FieldProblem[]; headers?: Record<string, string> }) {
    super(options.message);
    this.status = options.status;
    this.code = options.code;
    this.problems = options.problems;
    this.headers = options.headers ?? {};
  }
}

/** The store could not be reached or refused the operation; clients see a generic 503. */
export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
  readonly operation: string;
  readonly table: string;

  constructor(options: { operation: string; table: string; cause: unknown }) {
    super(`DynamoDB ${options.operation} on table ${options.table} failed`, { cause: options.cause });
    this.operation = options.operation;
    this.table = options.table;
  }
}

/** Some readings were still unprocessed by BatchWriteItem when the retry deadline passed. */
export class UnstoredReadingsError extends Error {
  override readonly name = "UnstoredReadingsError";
  readonly unstored: number;
  readonly table: string;

  constructor(options: { unstored: number; total: number; table: string }) {
    super(`${options.unstored} of ${options.total} readings were still unprocessed by DynamoDB on table ${options.table} when the retry deadline passed`);
    this.unstored = options.unstored;
    this.table = options.table;
  }
}

/** The app's environment is invalid; lists every problem so one fix-and-redeploy is enough. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid configuration: ${problems.join("; ")}`);
    this.problems = problems;
  }
}

/**
 * A DynamoDB call failed. `name` is DynamoDB's error type, such as
 * `ConditionalCheckFailedException` or `ResourceNotFoundException`. Failures
 * that carry no DynamoDB error type are named by the client instead:
 * `NetworkError` (no response arrived), `TimeoutError` (the attempt ran out
 * of time) or `InvalidResponseError` (the body is not what DynamoDB sends).
 */
export class DynamoDBError extends Error {
  override readonly name: string;
  /** The DynamoDB operation, such as `UpdateItem`. */
  readonly operation: string;
  /** HTTP status of the response; undefined when no response arrived. */
  readonly status: number | undefined;
  /** DynamoDB's request id (the `x-amzn-RequestId` header) to quote to AWS support, or undefined when the response had none. */
  readonly requestId: string | undefined;
  /** The attempt that failed, 1 for the first. */
  readonly attempt: number;

  constructor(options: { name: string; message: string; operation: string; attempt: number; status?: number | undefined; requestId?: string | undefined; cause?: unknown }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = options.name;
    this.operation = options.operation;
    this.attempt = options.attempt;
    this.status = options.status;
    this.requestId = options.requestId;
  }
}
