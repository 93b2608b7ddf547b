/**
 * Reading DynamoDB's error responses and deciding which failures are worth
 * another attempt. DynamoDB's JSON error body looks like
 * `{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"…"}`.
 * Some errors spell the message field `Message`.
 */
import { DynamoDBError } from "../errors.ts";
import { isRecord } from "./dynamodb-json.ts";

/**
 * Errors that mean "slow down": DynamoDB's own and the generic AWS names from the
 * AWS SDK's throttling list (`@smithy/core` 3.41). LimitExceededException is left
 * out, because DynamoDB returns it only for control-plane limits such as too many
 * table operations at once.
 */
const THROTTLING_ERRORS: ReadonlySet<string> = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "ThrottledException",
  "TooManyRequestsException",
]);
/** Failures that a new attempt may avoid: DynamoDB's server errors and the client's own transport failures. */
const TRANSIENT_ERRORS: ReadonlySet<string> = new Set(["InternalServerError", "ServiceUnavailable", "NetworkError", "TimeoutError"]);
const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);
/**
 * Errors that mean the credentials or the IAM permissions the requests are signed with are
 * wrong, a deployment mistake that no retry fixes. The names come from DynamoDB's error list
 * ("Error handling with DynamoDB" in its developer guide) and the common errors of AWS APIs.
 * DynamoDB returns InvalidSignatureException for a wrong secret access key.
 *
 * ExpiredTokenException is left out and stays a 503. A Lambda role's credentials are temporary
 * and Lambda replaces them, so a later request, perhaps in a new execution environment, can
 * succeed. NOTE: that recovery was not observed on real AWS. Outside Lambda the app reads
 * credentials once at start, so its log line says to restart it with new ones.
 */
export const ACCESS_ERRORS: ReadonlySet<string> = new Set([
  "AccessDeniedException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "IncompleteSignatureException",
  "IncompleteSignature",
  "MissingAuthenticationTokenException",
  "MissingAuthenticationToken",
  "NotAuthorized",
]);
/** Maximum length, in characters, of an unrecognized response body quoted in an error message. */
const EXCERPT_CHARS = 200;

/**
 * Classifies a failure: "throttling" and "transient" are retried, undefined is
 * final. Final failures include ConditionalCheckFailedException,
 * ValidationException, ResourceNotFoundException and AccessDeniedException,
 * which a retry would only repeat.
 */
export function retryKind(error: DynamoDBError): "throttling" | "transient" | undefined {
  if (THROTTLING_ERRORS.has(error.name) || error.status === 429) return "throttling";
  if (TRANSIENT_ERRORS.has(error.name)) return "transient";
  if (error.status !== undefined && TRANSIENT_STATUSES.has(error.status)) return "transient";
  return undefined;
}

/**
 * Builds the error for a non-2xx response. It is named after DynamoDB's error
 * type, or InvalidResponseError when the body carries none (a proxy's HTML
 * page, for example).
 */
export function errorFromResponse(options: { operation: string; attempt: number; response: Response; text: string; requestId: string | undefined }): DynamoDBError {
  const { operation, attempt, response, text, requestId } = options;
  const status = response.status;
  const body = parseJson(text);
  const rawType = response.headers.get("x-amzn-errortype") ?? (isRecord(body) ? (body.__type ?? body.code) : undefined);
  const type = typeof rawType === "string" ? errorTypeName(rawType) : "";
  const where = requestId === undefined ? `HTTP ${status}` : `HTTP ${status}, request id ${requestId}`;

  if (type === "") {
    const excerpt = text.replace(/\s+/g, " ").trim().slice(0, EXCERPT_CHARS);
    const message = `DynamoDB ${operation} failed with ${where} and a body that is not a DynamoDB error: ${JSON.stringify(excerpt)}`;
    return new DynamoDBError({ name: "InvalidResponseError", message, operation, attempt, status, requestId });
  }
  const serviceMessage = isRecord(body) ? (body.message ?? body.Message) : undefined;
  const detail = typeof serviceMessage === "string" && serviceMessage !== "" ? serviceMessage : "no message";
  return new DynamoDBError({ name: type, message: `DynamoDB ${operation} failed with ${type} (${where}): ${detail}`, operation, attempt, status, requestId });
}

/**
 * Reduces an error type to its name: drop everything from the first `:`, then
 * everything up to the first `#`. The AWS SDKs read it the same way (for
 * example `SanitizeErrorCode` in aws-sdk-go-v2's restjson package).
 */
function errorTypeName(raw: string): string {
  const beforeColon = raw.split(":", 1)[0] ?? "";
  return beforeColon.slice(beforeColon.indexOf("#") + 1).trim();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
