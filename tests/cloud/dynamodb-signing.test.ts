/**
 * DynamoDBHttpClient's request signature against the AWS SDK's signer
 * (@smithy/signature-v4 with the pure-JavaScript SHA-256 of @aws-crypto):
 * the same request, clock and credentials must give the same headers. No
 * request leaves the process, because `fetch` is replaced by a function that
 * keeps the request.
 */
import { describe, expect, test } from "bun:test";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { DynamoDBHttpClient } from "../../cloud/store/dynamodb-http.ts";
import { Logger } from "../../lib/log.ts";

const SIGNED_AT_MS = Date.UTC(2026, 2, 10, 12, 34, 56, 789);
const CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "IQoJb3JpZ2luX2VjEXAMPLE//////////session+token/with=padding",
};

interface CapturedRequest {
  url: URL;
  headers: Headers;
  body: string;
}

/** Sends one GetItem through the client and returns the request it signed. */
async function captureGetItem(endpoint: string, region: string, credentials: typeof CREDENTIALS | Omit<typeof CREDENTIALS, "sessionToken">): Promise<CapturedRequest> {
  let captured: CapturedRequest | undefined;
  const client = new DynamoDBHttpClient({
    endpoint,
    region,
    credentials,
    logger: new Logger("test", { level: "silent" }),
    now: () => SIGNED_AT_MS,
    fetch: async (url, init) => {
      captured = { url: new URL(url), headers: new Headers(init.headers), body: String(init.body) };
      return new Response("{}", { status: 200 });
    },
  });

  await client.getItem({ TableName: "thermo", Key: { pk: "_devices", sk: "shop floor ü" }, ConsistentRead: true });

  if (captured === undefined) throw new Error("the client sent no request");
  return captured;
}

/** Signs the captured request again with the AWS SDK's signer. */
async function signWithSdk(captured: CapturedRequest, region: string, credentials: typeof CREDENTIALS | Omit<typeof CREDENTIALS, "sessionToken">): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: "dynamodb", region, credentials, sha256: Sha256, applyChecksum: false });
  const signed = await signer.sign(
    {
      method: "POST",
      protocol: captured.url.protocol,
      hostname: captured.url.hostname,
      port: captured.url.port === "" ? undefined : Number(captured.url.port),
      path: captured.url.pathname,
      query: {},
      headers: {
        host: captured.url.host,
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810.GetItem",
      },
      body: captured.body,
    },
    // aws4fetch never signs Content-Type, so the reference leaves it out too,
    // although the SDK's own requests to DynamoDB sign it.
    { signingDate: new Date(SIGNED_AT_MS), unsignableHeaders: new Set(["content-type"]) },
  );
  return signed.headers;
}

describe("DynamoDBHttpClient signature", () => {
  test.each([
    ["https://dynamodb.us-east-1.amazonaws.com/", "us-east-1"],
    ["https://dynamodb.cn-north-1.amazonaws.com.cn/", "cn-north-1"],
    ["http://127.0.0.1:8000/", "local"],
  ])("matches SDK signer for %s", async (endpoint, region) => {
    const captured = await captureGetItem(endpoint, region, CREDENTIALS);

    const expected = await signWithSdk(captured, region, CREDENTIALS);

    expect(captured.headers.get("authorization")).toBe(expected.authorization ?? "missing");
    expect(captured.headers.get("x-amz-date")).toBe(expected["x-amz-date"] ?? "missing");
    expect(captured.headers.get("x-amz-security-token")).toBe(expected["x-amz-security-token"] ?? "missing");
  });

  test("signs host, date, token and target", async () => {
    const captured = await captureGetItem("https://dynamodb.eu-west-1.amazonaws.com/", "eu-west-1", CREDENTIALS);

    const authorization = captured.headers.get("authorization") ?? "";

    expect(authorization).toStartWith(`AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260310/eu-west-1/dynamodb/aws4_request, `);
    expect(authorization).toContain("SignedHeaders=host;x-amz-date;x-amz-security-token;x-amz-target, ");
    expect(captured.headers.get("x-amz-date")).toBe("20260310T123456Z");
  });

  test("matches SDK signer without session token", async () => {
    const { sessionToken: _unused, ...longTerm } = CREDENTIALS;
    const captured = await captureGetItem("https://dynamodb.us-west-2.amazonaws.com/", "us-west-2", longTerm);

    const expected = await signWithSdk(captured, "us-west-2", longTerm);

    expect(captured.headers.get("authorization")).toBe(expected.authorization ?? "missing");
    expect(captured.headers.has("x-amz-security-token")).toBe(false);
  });

  test("sends JSON protocol headers and body", async () => {
    const captured = await captureGetItem("http://127.0.0.1:8000/", "local", CREDENTIALS);

    expect(captured.url.href).toBe("http://127.0.0.1:8000/");
    expect(captured.headers.get("content-type")).toBe("application/x-amz-json-1.0");
    expect(captured.headers.get("x-amz-target")).toBe("DynamoDB_20120810.GetItem");
    expect(JSON.parse(captured.body)).toEqual({ TableName: "thermo", Key: { pk: { S: "_devices" }, sk: { S: "shop floor ü" } }, ConsistentRead: true });
  });
});
