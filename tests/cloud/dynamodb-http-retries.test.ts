/**
 * DynamoDBHttpClient's error mapping and retries, against a real HTTP server
 * on 127.0.0.1 that responds to each request from a script of DynamoDB-shaped
 * responses. Waits between attempts are recorded, not slept.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { DynamoDBHttpClient, type DynamoDBHttpClientOptions } from "../../cloud/store/dynamodb-http.ts";
import { Logger, memorySink, type LogFields } from "../../lib/log.ts";
import { dynamoFailureOf } from "../helpers/dynamodb-failure.ts";

const SECRET = "retry-test-secret-access-key";
const ERROR_NAMESPACE = "com.amazonaws.dynamodb.v20120810";

/** Produces the response to one request. A reply that never settles makes the request hang. */
type Reply = () => Response | Promise<Response>;

const dynamoError = (status: number, type: string, message: string, messageField = "message"): Reply => () =>
  Response.json({ __type: `${ERROR_NAMESPACE}#${type}`, [messageField]: message }, { status, headers: { "x-amzn-RequestId": `RID-${type}` } });
const ok = (body: unknown): Reply => () => Response.json(body, { headers: { "x-amzn-RequestId": "RID-OK" } });
const text = (status: number, body: string): Reply => () => new Response(body, { status, headers: { "content-type": "text/html" } });
const hang: Reply = () => new Promise<Response>(() => undefined);
/** Sends the status and part of the body, then nothing more. */
const stallBody: Reply = () =>
  new Response(new ReadableStream({ start: (controller) => controller.enqueue(new TextEncoder().encode('{"Item":')) }), { headers: { "content-type": "application/x-amz-json-1.0" } });

let script: Reply[] = [];
/** Headers of each request the server got, copied because Bun empties a Request once the server has responded. */
const received: Headers[] = [];
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(request) {
    received.push(new Headers(request.headers));
    const reply = script.shift() ?? ok({});
    return reply();
  },
});

afterAll(async () => {
  await server.stop(true);
});

interface Harness {
  client: DynamoDBHttpClient;
  /** Delays the client waited, in ms. */
  sleeps: number[];
  logs: () => LogFields[];
  logText: () => string;
}

/** Starts a fresh script and a client of the server. The backoff jitter is fixed at one half. */
function harness(replies: Reply[], options: Partial<DynamoDBHttpClientOptions> = {}): Harness {
  script = [...replies];
  received.length = 0;
  const memory = memorySink();
  const sleeps: number[] = [];
  const client = new DynamoDBHttpClient({
    endpoint: server.url.href,
    region: "local",
    credentials: { accessKeyId: "AKIDRETRYTEST", secretAccessKey: SECRET },
    logger: new Logger("dynamodb", { sink: memory.sink, level: "debug" }),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...options,
  });
  return { client, sleeps, logs: memory.records, logText: () => memory.lines.join("\n") };
}

const GET_SHOP = { TableName: "thermo", Key: { pk: "_devices", sk: "shop" } };

describe("DynamoDBHttpClient retries", () => {
  test("throttling then success retried", async () => {
    const { client, sleeps, logs } = harness([dynamoError(400, "ProvisionedThroughputExceededException", "slow down"), ok({ Item: { sk: { S: "shop" } } })]);

    const result = await client.getItem(GET_SHOP);

    expect(result.Item).toEqual({ sk: "shop" });
    expect(received).toHaveLength(2);
    // Throttling backs off from 500 ms: half of the first ceiling.
    expect(sleeps).toEqual([250]);
    const retries = logs().filter((line) => line.event === "dynamodb_retry");
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ level: "warn", operation: "GetItem", error: "ProvisionedThroughputExceededException", attempt: 1, delay_ms: 250 });
  });

  test("throttling three times fails", async () => {
    const { client, sleeps } = harness([
      dynamoError(400, "ThrottlingException", "rate exceeded"),
      dynamoError(400, "ThrottlingException", "rate exceeded"),
      dynamoError(400, "ThrottlingException", "rate exceeded"),
    ]);

    const error = await dynamoFailureOf(client.getItem(GET_SHOP));

    expect(error.name).toBe("ThrottlingException");
    expect(error.attempt).toBe(3);
    expect(error.status).toBe(400);
    expect(received).toHaveLength(3);
    expect(sleeps).toEqual([250, 500]);
  });

  test("conditional check failure not retried", async () => {
    const { client, sleeps, logs } = harness([dynamoError(400, "ConditionalCheckFailedException", "The conditional request failed")]);

    const error = await dynamoFailureOf(client.updateItem({ ...GET_SHOP, UpdateExpression: "SET a = :a", ConditionExpression: "attribute_not_exists(a)", ExpressionAttributeValues: { ":a": 1 } }));

    expect(error.name).toBe("ConditionalCheckFailedException");
    expect(error.operation).toBe("UpdateItem");
    expect(error.status).toBe(400);
    expect(error.requestId).toBe("RID-ConditionalCheckFailedException");
    expect(error.message).toBe("DynamoDB UpdateItem failed with ConditionalCheckFailedException (HTTP 400, request id RID-ConditionalCheckFailedException): The conditional request failed");
    expect(received).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(logs()).toEqual([]);
  });

  test.each([
    ["ValidationException", 400],
    ["ResourceNotFoundException", 400],
    ["AccessDeniedException", 400],
    ["UnrecognizedClientException", 400],
    ["LimitExceededException", 400],
  ])("%s not retried", async (type, status) => {
    const { client } = harness([dynamoError(status, type, "no")]);

    const error = await dynamoFailureOf(client.query({ TableName: "thermo", KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": "x" } }));

    expect(error.name).toBe(type);
    expect(received).toHaveLength(1);
  });

  test("server error then success retried", async () => {
    const { client, sleeps, logs } = harness([dynamoError(500, "InternalServerError", "Internal server error"), ok({ Items: [], Count: 0 })]);

    const result = await client.query({ TableName: "thermo", KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": "x" } });

    expect(result.Items).toEqual([]);
    expect(result.Count).toBe(0);
    expect(received).toHaveLength(2);
    // Transient errors back off from 100 ms.
    expect(sleeps).toEqual([50]);
    expect(logs()[0]).toMatchObject({ error: "InternalServerError", status: 500, request_id: "RID-InternalServerError" });
  });

  test("proxy HTML error retried", async () => {
    const { client, logs } = harness([text(502, "<html><body>Bad Gateway</body></html>"), ok({})]);

    const result = await client.getItem(GET_SHOP);

    expect(result.Item).toBeUndefined();
    expect(received).toHaveLength(2);
    expect(logs()[0]).toMatchObject({ error: "InvalidResponseError", status: 502 });
  });

  test("non-DynamoDB 400 body not retried", async () => {
    const { client } = harness([text(400, "Bad Request")]);

    const error = await dynamoFailureOf(client.getItem(GET_SHOP));

    expect(error.name).toBe("InvalidResponseError");
    expect(error.status).toBe(400);
    expect(error.message).toContain('a body that is not a DynamoDB error: "Bad Request"');
    expect(received).toHaveLength(1);
  });

  test("capitalized Message field read", async () => {
    const { client } = harness([dynamoError(400, "ValidationException", "One or more parameter values were invalid", "Message")]);

    const error = await dynamoFailureOf(client.getItem(GET_SHOP));

    expect(error.message).toEndWith(": One or more parameter values were invalid");
  });

  test("hung response times out and retries", async () => {
    const { client, logs } = harness([hang, ok({ Item: { sk: { S: "shop" } } })], { attemptTimeoutMs: 200 });

    const result = await client.getItem(GET_SHOP);

    expect(result.Item).toEqual({ sk: "shop" });
    expect(received).toHaveLength(2);
    expect(logs()[0]).toMatchObject({ error: "TimeoutError", attempt: 1 });
  });

  test("stalled body times out", async () => {
    const { client } = harness([stallBody, stallBody, stallBody], { attemptTimeoutMs: 200 });

    const error = await dynamoFailureOf(client.getItem(GET_SHOP));

    expect(error.name).toBe("TimeoutError");
    expect(error.message).toBe("DynamoDB GetItem timed out after 200 ms without a complete response");
    expect(error.attempt).toBe(3);
    expect(received).toHaveLength(3);
  });

  test("non-JSON 200 body is an error", async () => {
    const { client, sleeps } = harness([text(200, "<html>maintenance</html>")]);

    const error = await dynamoFailureOf(client.getItem(GET_SHOP));

    expect(error.name).toBe("InvalidResponseError");
    expect(error.status).toBe(200);
    expect(error.requestId).toBeUndefined();
    expect(error.message).toBe("the body of DynamoDB's HTTP 200 response to GetItem is not JSON");
    expect(received).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  test("malformed item in 200 body is an error", async () => {
    const { client } = harness([ok({ Item: "not a map" })]);

    const error = await dynamoFailureOf(client.getItem(GET_SHOP));

    expect(error.name).toBe("InvalidResponseError");
    expect(error.requestId).toBe("RID-OK");
    expect(error.message).toContain("has an unreadable field: expected a DynamoDB attribute map, got a string");
  });

  test("connection refused retried then fails", async () => {
    const closed = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    const endpoint = closed.url.href;
    await closed.stop(true);
    const { client, sleeps, logs } = harness([], { endpoint });

    const error = await dynamoFailureOf(client.batchWriteItem({ RequestItems: { thermo: [{ PutRequest: { Item: { pk: "a", sk: "b" } } }] } }));

    expect(error.name).toBe("NetworkError");
    expect(error.operation).toBe("BatchWriteItem");
    expect(error.status).toBeUndefined();
    expect(error.attempt).toBe(3);
    expect(error.message).toStartWith(`DynamoDB BatchWriteItem request to ${endpoint} failed: `);
    expect(error.cause).toBeDefined();
    expect(sleeps).toEqual([50, 100]);
    expect(logs().map((line) => line.error)).toEqual(["NetworkError", "NetworkError"]);
  });

  test("retry log has no secret", async () => {
    const { client, logText } = harness([dynamoError(503, "ServiceUnavailable", "try later"), ok({})]);

    await client.getItem(GET_SHOP);

    expect(received[0]?.get("authorization")).toStartWith("AWS4-HMAC-SHA256 ");
    expect(logText()).not.toContain(SECRET);
    expect(logText()).not.toContain("AWS4-HMAC-SHA256");
    expect(logText()).not.toContain("AKIDRETRYTEST");
  });

  test("429 without type is throttling", async () => {
    const { client, sleeps } = harness([text(429, "Too Many Requests"), ok({})]);

    await client.getItem(GET_SHOP);

    expect(sleeps).toEqual([250]);
  });
});

describe("DynamoDBHttpClient options", () => {
  test.each([
    [{ endpoint: "dynamodb.us-east-1.amazonaws.com" }, TypeError, "endpoint must be an http or https URL"],
    [{ endpoint: "ftp://127.0.0.1/" }, TypeError, "endpoint must be an http or https URL"],
    [{ maxAttempts: 0 }, RangeError, "maxAttempts must be an integer from 1 to 10, got 0"],
    [{ attemptTimeoutMs: 0.5 }, RangeError, "attemptTimeoutMs must be a whole number of ms of at least 1, got 0.5"],
  ])("rejects %o", (override, errorClass, message) => {
    const build = () => harness([], override);

    expect(build).toThrow(errorClass);
    expect(build).toThrow(message);
  });

  test("maxAttempts 1 never retries", async () => {
    const { client, sleeps } = harness([dynamoError(500, "InternalServerError", "boom")], { maxAttempts: 1 });

    const error = await dynamoFailureOf(client.getItem(GET_SHOP));

    expect(error.attempt).toBe(1);
    expect(sleeps).toEqual([]);
  });
});

describe("DynamoDBHttpClient deadline", () => {
  test("hung attempt cut at deadline", async () => {
    const { client } = harness([hang, hang, hang]);
    const startedMs = Date.now();

    const error = await dynamoFailureOf(client.getItem(GET_SHOP, { deadlineEpochMs: startedMs + 300 }));

    expect(Date.now() - startedMs).toBeLessThan(300 + 200);
    expect(error.name).toBe("TimeoutError");
    expect(error.message).toMatch(/^DynamoDB GetItem timed out after \d+ ms \(the time left before its deadline\) without a complete response$/);
    expect(received).toHaveLength(1);
  });

  test("passed deadline sends nothing", async () => {
    const { client } = harness([ok({})]);

    const error = await dynamoFailureOf(client.getItem(GET_SHOP, { deadlineEpochMs: Date.now() - 1 }));

    expect(error.name).toBe("TimeoutError");
    expect(error.message).toBe("DynamoDB GetItem was not sent because its deadline had passed");
    expect(error.attempt).toBe(1);
    expect(received).toHaveLength(0);
  });

  test("backoff past deadline not started", async () => {
    // The clock does not move, so 200 ms remain before the deadline, less than the 250 ms throttling backoff.
    const { client, sleeps } = harness([dynamoError(400, "ThrottlingException", "rate exceeded"), ok({})], { now: () => 1_000_000 });

    const error = await dynamoFailureOf(client.getItem(GET_SHOP, { deadlineEpochMs: 1_000_200 }));

    expect(error.name).toBe("TimeoutError");
    expect(error.message).toBe("DynamoDB GetItem failed with ThrottlingException on attempt 1, and its deadline leaves no time for another attempt");
    expect((error.cause as Error).name).toBe("ThrottlingException");
    expect(error.status).toBe(400);
    expect(sleeps).toEqual([]);
    expect(received).toHaveLength(1);
  });

  test("backoff inside deadline retried", async () => {
    const { client, sleeps } = harness([dynamoError(400, "ThrottlingException", "rate exceeded"), ok({ Item: { sk: { S: "shop" } } })], { now: () => 1_000_000 });

    const result = await client.getItem(GET_SHOP, { deadlineEpochMs: 1_001_000 });

    expect(result.Item).toEqual({ sk: "shop" });
    expect(sleeps).toEqual([250]);
  });
});
