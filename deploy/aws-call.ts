/**
 * One wrapper for every AWS call. It retries throttling, transient server
 * errors and the errors a caller marks as retriable, with the shared backoff.
 * The final failure becomes a typed error that names the resource, the AWS
 * error code, the IAM action and the fix.
 */
import { retry } from "../lib/retry.ts";
import type { DeployContext } from "./context.ts";
import { AccessDeniedError, AwsStepError, CredentialsError } from "./errors.ts";

/** Error codes AWS services use for throttling (IAM: Throttling; Lambda: TooManyRequestsException). */
const THROTTLING_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
]);

/**
 * Server-side faults and concurrent-change conflicts worth another attempt
 * (IAM: ConcurrentModificationException; CloudWatch Logs: OperationAbortedException).
 */
const TRANSIENT_CODES = new Set([
  "InternalFailure",
  "InternalError",
  "InternalServerError",
  "InternalServerException",
  "ServiceException",
  "ServiceFailureException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "ConcurrentModificationException",
  "OperationAbortedException",
]);

const ACCESS_DENIED_CODES = new Set(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"]);

const REJECTED_CREDENTIALS_CODES = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "TokenRefreshRequired",
]);

export const CREDENTIALS_HINT =
  "configure credentials: run `aws configure` (access keys) or `aws configure sso` then `aws sso login`, " +
  "then pass --profile NAME or set AWS_PROFILE; or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";

/** Returns the AWS error code of `error` (the SDK sets it as `name`), or `Error`. */
export function errorCode(error: unknown): string {
  if (error instanceof Error) return error.name;
  return "Error";
}

/** Returns whether `error` is one of `codes`. */
export function isAwsError(error: unknown, ...codes: string[]): boolean {
  return codes.includes(errorCode(error));
}

export function isThrottling(error: unknown): boolean {
  const retryable = (error as { $retryable?: { throttling?: boolean } } | undefined)?.$retryable;
  return THROTTLING_CODES.has(errorCode(error)) || retryable?.throttling === true;
}

export function isTransient(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return TRANSIENT_CODES.has(errorCode(error)) || (status !== undefined && status >= 500);
}

export interface CallSpec {
  /** The resource as printed, e.g. `function thermo-prod`. */
  readonly resource: string;
  /** The IAM action the call needs, e.g. `lambda:CreateFunction`. */
  readonly action: string;
  /** Further errors worth retrying, such as a role that Lambda cannot assume yet. */
  readonly retryIf?: (error: unknown) => boolean;
  /** Runs before each retry, e.g. to wait until a function update finishes. */
  readonly beforeRetry?: (error: unknown) => Promise<void>;
  /** Attempts in total. @default 8 */
  readonly maxAttempts?: number;
  /** Maximum time spent retrying, in ms. @default 120_000 */
  readonly retryBudgetMs?: number;
}

/**
 * Sends one AWS request through `send`, retrying what is retriable.
 * @throws {CredentialsError} when there are no credentials or AWS rejects them
 * @throws {AccessDeniedError} when the caller lacks the permission
 * @throws {AwsStepError} for every other failure
 */
export async function callAws<T>(context: DeployContext, spec: CallSpec, send: () => Promise<T>): Promise<T> {
  const { clock } = context;
  const startedAtMs = clock.now();
  let lastError: unknown;
  try {
    return await retry(
      async (attempt) => {
        if (attempt > 1 && spec.beforeRetry !== undefined) await spec.beforeRetry(lastError);
        return await send();
      },
      {
        maxAttempts: spec.maxAttempts ?? 8,
        baseMs: 500,
        capMs: 15_000,
        deadlineMs: startedAtMs + (spec.retryBudgetMs ?? 120_000),
        isRetriable: (error) => isThrottling(error) || isTransient(error) || spec.retryIf?.(error) === true,
        onRetry: ({ attempt, delayMs, error }) => {
          lastError = error;
          context.reporter.info(`  ...          ${spec.resource}: ${errorCode(error)} on ${spec.action}, retry ${attempt} in ${(delayMs / 1000).toFixed(1)} s`);
        },
        sleep: clock.sleep,
        now: clock.now,
        random: clock.random,
      },
    );
  } catch (error) {
    throw toStepError(error, spec);
  }
}

/** Maps an SDK or network error to the deploy error type that explains it. */
export function toStepError(error: unknown, spec: Pick<CallSpec, "resource" | "action">): Error {
  if (error instanceof AwsStepError || error instanceof CredentialsError) return error;
  const code = errorCode(error);
  const awsMessage = error instanceof Error ? error.message : String(error);

  if (code === "CredentialsProviderError" || /could not load credentials/i.test(awsMessage)) {
    return new CredentialsError(`no AWS credentials found while calling ${spec.action}`, { hint: CREDENTIALS_HINT, cause: error });
  }
  if (REJECTED_CREDENTIALS_CODES.has(code)) {
    return new CredentialsError(`AWS rejected the credentials (${code}) while calling ${spec.action}: ${awsMessage}`, {
      hint: "refresh them (for SSO: `aws sso login --profile NAME`) or " + CREDENTIALS_HINT,
      cause: error,
    });
  }
  if (ACCESS_DENIED_CODES.has(code)) {
    const action = /perform: ([\w-]+:[\w*]+)/.exec(awsMessage)?.[1] ?? spec.action;
    const isExplicitDeny = /explicit deny/i.test(awsMessage);
    const hint = isExplicitDeny
      ? `an explicit deny (a service control policy, permissions boundary or session policy) blocks ${action}; ask your account administrator`
      : `allow ${action} for the identity that runs deploy (docs/deploy.md lists every action deploy needs)`;
    return new AccessDeniedError({
      resource: spec.resource,
      action,
      code,
      message: `${spec.action} on ${spec.resource} failed: ${code}: missing permission ${action}`,
      hint,
      cause: error,
    });
  }

  const isNetwork = /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|socket|network/i.test(`${code} ${awsMessage}`);
  return new AwsStepError({
    resource: spec.resource,
    action: spec.action,
    code,
    message: `${spec.action} on ${spec.resource} failed: ${code}: ${awsMessage}`,
    hint: isNetwork ? "check the network connection, and any AWS_ENDPOINT_URL_* variables" : "run again; deploy resumes where it stopped",
    cause: error,
  });
}
