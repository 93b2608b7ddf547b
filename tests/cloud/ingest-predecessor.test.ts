/** `POST /` with exactly what the predecessor's device and its curl example send. */
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { startTestStack, type TestStack } from "../helpers/stack-fixture.ts";

const CURL_EXAMPLE = '{"record_date":"2022-02-03T13:22:22","thermostat_on":true,"temperature":"65","thermostat_value":"64"}';
const RUST_CLIENT = '{"record_date":"2022-02-03T13:22:22.123456789-06:00","thermostat_on":false,"temperature":"66.5","thermostat_value":"64"}';

const api: TestStack = await startTestStack();
afterAll(() => api.stop());

beforeEach(async () => {
  for (const item of await api.scanItems()) {
    await api.documentClient.send(new DeleteCommand({ TableName: api.config.tableName, Key: { pk: item.pk, sk: item.sk } }));
  }
});

describe("POST / predecessor payload", () => {
  test.each([
    ["application/x-www-form-urlencoded", { "content-type": "application/x-www-form-urlencoded" }],
    ["text/plain", { "content-type": "text/plain" }],
    ["no content type", {}],
    ["application/json", { "content-type": "application/json" }],
    ["application/octet-stream", { "content-type": "application/octet-stream" }],
  ] as const)("curl example as %s", async (_label, headers) => {
    const response = await api.send("POST", "/", { token: api.tokens.ingest, headers, body: new TextEncoder().encode(CURL_EXAMPLE) });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ stored: 1, duplicates: 0, desired: null });
    const items = await api.readingItems();
    expect(items).toHaveLength(1);
    const item = items[0] as Record<string, unknown>;
    expect(item.pk).toBe("thermostat#2022-02-03");
    expect(item.sk).toBe("2022-02-03T13:22:22.000Z");
    expect(item.record_date).toBe("2022-02-03T13:22:22");
    expect(item.temperature).toBe(65);
    expect(item.thermostat_value).toBe(64);
    expect(item.thermostat_on).toBe(true);
    expect(item.unit).toBe("F");
    expect(item.device_id).toBe("thermostat");
  });

  test("Rust client nanosecond timestamp", async () => {
    const response = await api.send("POST", "/", { token: api.tokens.ingest, headers: { "content-type": "text/plain" }, body: RUST_CLIENT });

    expect(response.status).toBe(200);
    const items = await api.readingItems();
    expect(items).toHaveLength(1);
    const item = items[0] as Record<string, unknown>;
    expect(item.pk).toBe("thermostat#2022-02-03");
    expect(item.sk).toBe("2022-02-03T19:22:22.123Z");
    expect(item.record_date).toBe("2022-02-03T13:22:22.123456789-06:00");
    expect(item.temperature).toBe(66.5);
    expect(item.thermostat_on).toBe(false);
  });

  test("Rust client through token path", async () => {
    const response = await api.send("POST", `/ingest/${api.tokens.ingest}`, { headers: { "content-type": "application/x-www-form-urlencoded" }, body: RUST_CLIENT });

    expect(response.status).toBe(200);
    expect(await api.readingItems()).toHaveLength(1);
  });

  test("resent reading stored once", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await api.send("POST", "/", { token: api.tokens.ingest, body: CURL_EXAMPLE });
      expect(response.status).toBe(200);
    }

    expect(await api.readingItems()).toHaveLength(1);
  });

  test("same instant other offset replaces", async () => {
    await api.send("POST", "/", { token: api.tokens.ingest, body: CURL_EXAMPLE });
    const sameInstant = CURL_EXAMPLE.replace("2022-02-03T13:22:22", "2022-02-03T07:22:22.000-06:00").replace('"65"', '"70"');

    const response = await api.send("POST", "/", { token: api.tokens.ingest, body: sameInstant });

    expect(response.status).toBe(200);
    const items = await api.readingItems();
    expect(items).toHaveLength(1);
    expect(items[0]?.temperature).toBe(70);
    expect(items[0]?.record_date).toBe("2022-02-03T07:22:22.000-06:00");
  });

  test("unknown fields ignored", async () => {
    const body = CURL_EXAMPLE.replace("{", '{"firmware":"1.2","extra":{"a":[1,2]},');

    const response = await api.send("POST", "/", { token: api.tokens.ingest, body });

    expect(response.status).toBe(200);
    const item = (await api.readingItems())[0] as Record<string, unknown>;
    expect(Object.keys(item)).not.toContain("firmware");
  });

  test("UTF-8 byte order mark accepted", async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(CURL_EXAMPLE)]);

    const response = await api.send("POST", "/", { token: api.tokens.ingest, body: bytes });

    expect(response.status).toBe(200);
  });
});
