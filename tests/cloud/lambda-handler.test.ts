/**
 * The Lambda entry point (lambda.ts) called with function URL events, its
 * app built from the environment against a local dynalite.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { gunzipSync } from "node:zlib";
import { sha256Hex } from "../../cloud/auth.ts";
import { CSV_HEADER } from "../../cloud/csv.ts";
import { startDynalite } from "../../dev/dynalite.ts";
import { ensureTable } from "../../dev/ensure-table.ts";
import { functionUrlEvent, resultBytes, type FunctionUrlEventOptions, type FunctionUrlResult } from "../helpers/function-url-event.ts";
import { wireReading, wireReadings } from "../helpers/wire-reading.ts";

const INGEST = "lambda-ingest-token-0123456789abcdefghijklmn";
const READ = "lambda-read-token-0123456789abcdefghijklmnop";
const TABLE = "thermo-lambda";

const dynamo = await startDynalite();
const setupClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
await ensureTable(setupClient, TABLE);
setupClient.destroy();

// lambda.ts builds its app from process.env when first imported, so the environment is set before the import.
const LAMBDA_ENV: Record<string, string> = {
  THERMO_TABLE: TABLE,
  THERMO_TIMEZONE: "America/Chicago",
  THERMO_INGEST_TOKEN_SHA256: await sha256Hex(INGEST),
  THERMO_READ_TOKEN_SHA256: await sha256Hex(READ),
  THERMO_LOG_LEVEL: "silent",
  AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "local",
};
const savedEnv = new Map(Object.keys(LAMBDA_ENV).map((name) => [name, process.env[name]]));
Object.assign(process.env, LAMBDA_ENV);
const { handler } = await import("../../lambda.ts");

afterAll(async () => {
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await dynamo.close();
});

async function invoke(options: FunctionUrlEventOptions): Promise<FunctionUrlResult> {
  const result = (await handler(functionUrlEvent(options) as never, {} as never)) as FunctionUrlResult;
  expect(typeof result.statusCode).toBe("number");
  return result;
}

const json = (result: FunctionUrlResult): Record<string, unknown> => JSON.parse(new TextDecoder().decode(resultBytes(result))) as Record<string, unknown>;

describe("lambda handler", () => {
  test("health answers 200", async () => {
    const result = await invoke({ path: "/health" });

    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(false);
    expect(result.headers?.["content-type"]).toStartWith("application/json");
    expect(JSON.parse(result.body)).toEqual({ status: "ok", time_zone: "America/Chicago" });
  });

  test("predecessor body as text stored", async () => {
    const result = await invoke({
      method: "POST",
      path: "/",
      headers: { authorization: `Bearer ${INGEST}`, "content-type": "application/x-www-form-urlencoded" },
      body: JSON.stringify(wireReading({ device_id: "lambda", record_date: "2026-03-10T01:00:00" })),
    });

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ stored: 1, duplicates: 0, desired: null });
  });

  test("base64 body through token path", async () => {
    const body = JSON.stringify({ readings: wireReadings(30, { startMs: Date.UTC(2026, 2, 10, 12), deviceId: "lambda" }) });

    const result = await invoke({ method: "POST", path: `/ingest/${INGEST}/readings`, headers: { "content-type": "text/plain" }, body, base64: true });

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ stored: 30, duplicates: 0, desired: null });
  });

  test("base64 invalid UTF-8 is 400", async () => {
    const result = await invoke({ method: "POST", path: "/", headers: { authorization: `Bearer ${INGEST}` }, body: new Uint8Array([0x7b, 0xc3, 0x28, 0x7d]) });

    expect(result.statusCode).toBe(400);
    expect(json(result).error).toBe("invalid_body");
  });

  // Reads what the two ingest tests above stored: 1 + 30 readings on 2026-03-10 in Chicago.
  test("day query in Chicago days", async () => {
    const result = await invoke({ path: "/devices/lambda/days/2026-03-10?limit=5", headers: { authorization: `Bearer ${READ}` } });

    expect(result.statusCode).toBe(200);
    const body = json(result) as { readings: { time: string; record_date: string }[]; summary: { count: number }; next_cursor: string | null };
    expect(body.readings[0]).toMatchObject({ time: "2026-03-10T06:00:00.000Z", record_date: "2026-03-10T01:00:00" });
    expect(body.readings).toHaveLength(5);
    expect(body.summary.count).toBe(31);
    expect(body.next_cursor).not.toBeNull();
  });

  test("CSV with gzip is base64", async () => {
    const result = await invoke({ path: "/devices/lambda/days/2026-03-10?format=csv", headers: { authorization: `Bearer ${READ}`, "accept-encoding": "gzip" } });

    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(true);
    expect(result.headers?.["content-encoding"]).toBe("gzip");
    expect(result.headers?.["content-type"]).toBe("text/csv; charset=utf-8");
    const rows = gunzipSync(resultBytes(result)).toString("utf8").trimEnd().split("\r\n");
    expect(rows[0]).toBe(CSV_HEADER);
    expect(rows).toHaveLength(32);
  });

  test("CSV without gzip is text", async () => {
    const result = await invoke({ path: "/devices/lambda/days/2026-03-10?format=csv", headers: { authorization: `Bearer ${READ}` } });

    expect(result.statusCode).toBe(200);
    expect(result.isBase64Encoded).toBe(false);
    expect(result.body.split("\r\n")[0]).toBe(CSV_HEADER);
  });

  test("missing token is 401", async () => {
    const result = await invoke({ path: "/devices" });

    expect(result.statusCode).toBe(401);
    expect(result.headers?.["www-authenticate"]).toBe('Bearer realm="thermo", scope="read"');
    expect(Object.keys(json(result)).sort()).toEqual(["error", "message"]);
  });

  test("wrong method is 405 with Allow", async () => {
    const result = await invoke({ method: "DELETE", path: "/readings", headers: { authorization: `Bearer ${INGEST}` } });

    expect(result.statusCode).toBe(405);
    expect(result.headers?.allow).toBe("POST");
  });

  test("unknown path is 404 JSON", async () => {
    const result = await invoke({ path: "/nowhere" });

    expect(result.statusCode).toBe(404);
    expect(json(result).error).toBe("not_found");
  });

  test("bad reading is 400 with problems", async () => {
    const result = await invoke({
      method: "POST",
      path: "/",
      headers: { authorization: `Bearer ${INGEST}` },
      body: JSON.stringify(wireReading({ temperature: "hot", record_date: "2026-02-30T00:00:00" })),
    });

    expect(result.statusCode).toBe(400);
    const problems = (json(result).problems as { field: string }[]).map((problem) => problem.field).sort();
    expect(problems).toEqual(["record_date", "temperature"]);
  });

  test("batch over 1 MiB is 413", async () => {
    const body = JSON.stringify({ readings: [wireReading()], padding: "x".repeat(1024 * 1024) });

    const result = await invoke({ method: "POST", path: "/readings", headers: { authorization: `Bearer ${INGEST}` }, body, base64: true });

    expect(result.statusCode).toBe(413);
  });
});
