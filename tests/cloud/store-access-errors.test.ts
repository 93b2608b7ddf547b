/**
 * DynamoDB errors that mean the function's credentials or permissions are wrong
 * are a 500 `store_misconfigured`, not a 503 that devices would retry forever.
 * A fake DynamoDB on 127.0.0.1 returns each error body.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { appOnFake, startFakeDynamoDB, type FakeBackedApp, type FakeDynamoDB } from "../helpers/fake-dynamodb.ts";
import { wireReadings } from "../helpers/wire-reading.ts";

const DAY_START_MS = Date.UTC(2026, 2, 10);
const DENIED_MESSAGE = "User: arn:aws:sts::123456789012:assumed-role/thermo/fn is not authorized to perform: dynamodb:BatchWriteItem";

let fake: FakeDynamoDB;

afterEach(async () => {
  await fake.stop();
});

async function ingest(api: FakeBackedApp): Promise<Response> {
  const body = JSON.stringify({ readings: wireReadings(3, { startMs: DAY_START_MS, deviceId: "shop" }) });
  return api.app.request("/readings", { method: "POST", headers: { authorization: `Bearer ${api.ingestToken}` }, body });
}

describe("store access errors", () => {
  test.each([
    ["AccessDeniedException", 400],
    ["UnrecognizedClientException", 400],
    ["InvalidSignatureException", 400],
    ["IncompleteSignatureException", 400],
    ["MissingAuthenticationTokenException", 400],
    ["MissingAuthenticationToken", 403],
    ["NotAuthorized", 401],
  ])("%s is 500 misconfigured", async (type, status) => {
    fake = startFakeDynamoDB();
    fake.failures = { BatchWriteItem: { status, type, message: DENIED_MESSAGE } };
    const api = await appOnFake(fake);

    const response = await ingest(api);

    expect(response.status).toBe(500);
    expect(response.headers.get("retry-after")).toBeNull();
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: "store_misconfigured", message: "the server's data store is misconfigured; its log names the problem" });
    expect(text).not.toContain("arn:aws");
    const failure = api.logRecords().find((record) => record.event === "store_access_denied");
    expect(failure?.level).toBe("error");
    expect(failure?.operation).toBe("BatchWriteItem");
    expect(failure?.table).toBe("thermo");
    expect(String(failure?.hint)).toContain("IAM role policy allows dynamodb:BatchWriteItem on table thermo");
    expect(JSON.stringify(failure)).toContain(DENIED_MESSAGE);
    expect(fake.received).toEqual(["BatchWriteItem"]);
  });

  test("denied query is 500 misconfigured", async () => {
    fake = startFakeDynamoDB();
    fake.failures = { Query: { status: 400, type: "AccessDeniedException", message: "not authorized to perform: dynamodb:Query" } };
    const api = await appOnFake(fake);

    const response = await api.app.request("/devices", { headers: { authorization: `Bearer ${api.readToken}` } });

    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: string }).error).toBe("store_misconfigured");
    expect(String(api.logRecords().find((record) => record.event === "store_access_denied")?.hint)).toContain("dynamodb:Query");
  });

  test("expired token stays 503", async () => {
    fake = startFakeDynamoDB();
    fake.failures = { BatchWriteItem: { status: 400, type: "ExpiredTokenException", message: "The security token included in the request is expired" } };
    const api = await appOnFake(fake);

    const response = await ingest(api);

    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    const failure = api.logRecords().find((record) => record.event === "store_credentials_expired");
    expect(failure?.level).toBe("error");
    expect(String(failure?.hint)).toContain("restart the app with new credentials");
  });

  test("throttling stays 503", async () => {
    fake = startFakeDynamoDB();
    fake.failures = { BatchWriteItem: { status: 400, type: "ThrottlingException", message: "Rate of requests exceeds the allowed throughput" } };
    const api = await appOnFake(fake, { store: { budgetMs: 2000 } });

    const response = await ingest(api);

    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(api.logRecords().some((record) => record.event === "store_unavailable")).toBe(true);
  });
});
