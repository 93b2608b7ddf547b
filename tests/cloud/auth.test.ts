/** Token scopes, token-in-path ingest, rotation, and what 401s and logs reveal. */
import { afterAll, describe, expect, test } from "bun:test";
import { sha256Hex } from "../../cloud/auth.ts";
import { startTestStack } from "../helpers/stack-fixture.ts";
import { wireReading } from "../helpers/wire-reading.ts";

const OLD_INGEST = "old-ingest-token-0123456789abcdefghijklmnopq";
const NEW_INGEST = "new-ingest-token-0123456789abcdefghijklmnopq";
const OLD_READ = "old-read-token-0123456789abcdefghijklmnopqrs";
const NEW_READ = "new-read-token-0123456789abcdefghijklmnopqrs";
const ADMIN = "admin-token-0123456789abcdefghijklmnopqrstuv";

const api = await startTestStack({
  tokens: { ingest: NEW_INGEST, read: NEW_READ, admin: ADMIN },
  env: {
    THERMO_INGEST_TOKEN_SHA256: `${await sha256Hex(OLD_INGEST)}, ${(await sha256Hex(NEW_INGEST)).toUpperCase()}`,
    THERMO_READ_TOKEN_SHA256: `${await sha256Hex(OLD_READ)},${await sha256Hex(NEW_READ)}`,
  },
});
afterAll(() => api.stop());

const READING = JSON.stringify(wireReading({ device_id: "shop" }));
const BATCH = JSON.stringify({ readings: [wireReading({ device_id: "shop" })] });

async function expectUnauthorized(response: Response, scope: string): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toBe(`Bearer realm="thermo", scope="${scope}"`);
  const body = (await response.json()) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(["error", "message"]);
  expect(body.error).toBe("unauthorized");
}

describe("auth ingest scope", () => {
  test.each([
    ["old", OLD_INGEST],
    ["new", NEW_INGEST],
  ])("%s rotated token accepted", async (_label, token) => {
    expect((await api.send("POST", "/", { token, body: READING })).status).toBe(200);
    expect((await api.send("POST", "/readings", { token, body: BATCH })).status).toBe(200);
  });

  test.each([
    ["no token", undefined],
    ["wrong token", "not-a-token"],
    ["read token", NEW_READ],
    ["admin token", ADMIN],
    ["token of 513 characters", "x".repeat(513)],
  ])("%s rejected", async (_label, token) => {
    await expectUnauthorized(await api.send("POST", "/", token === undefined ? { body: READING } : { token, body: READING }), "ingest");
    await expectUnauthorized(await api.send("POST", "/readings", token === undefined ? { body: BATCH } : { token, body: BATCH }), "ingest");
  });

  test.each([
    ["lower-case scheme", `bearer ${NEW_INGEST}`, 200],
    ["extra spaces", `Bearer   ${NEW_INGEST}  `, 200],
    ["Basic scheme", `Basic ${NEW_INGEST}`, 401],
    ["bare token", NEW_INGEST, 401],
    ["two tokens", `Bearer ${NEW_INGEST} ${NEW_INGEST}`, 401],
  ])("header with %s", async (_label, header, status) => {
    const response = await api.send("POST", "/", { headers: { authorization: header }, body: READING });

    expect(response.status).toBe(status);
  });

  test("token in path accepted", async () => {
    const single = await api.send("POST", `/ingest/${OLD_INGEST}`, { body: READING });
    const batch = await api.send("POST", `/ingest/${NEW_INGEST}/readings`, { body: BATCH });

    expect(single.status).toBe(200);
    expect(batch.status).toBe(200);
  });

  test("read token in path rejected", async () => {
    await expectUnauthorized(await api.send("POST", `/ingest/${NEW_READ}`, { body: READING }), "ingest");
  });

  test("wrong path token beats valid header", async () => {
    const response = await api.send("POST", "/ingest/wrong-token-in-path", { token: NEW_INGEST, body: READING });

    await expectUnauthorized(response, "ingest");
  });

  test("path token kept out of logs and bodies", async () => {
    const secret = "path-secret-ZXCVBNM-0123456789abcdefghijklm";
    const responses = [
      await api.send("POST", `/ingest/${secret}`, { body: READING }),
      await api.send("POST", `/ingest/${secret}/readings`, { body: "{" }),
      await api.send("GET", `/ingest/${secret}`),
      await api.send("POST", `/ingest/${secret}/nowhere`, { body: READING }),
      await api.send("POST", `/ingest/${NEW_INGEST}`, { body: "{not json" }),
      await api.send("POST", `/ingest/${NEW_INGEST}/readings`, { body: JSON.stringify({ readings: [{ record_date: secret }] }) }),
      await api.send("POST", `/ingest/${NEW_INGEST}`, { body: READING }),
    ];
    const bodies = await Promise.all(responses.map((response) => response.text()));

    expect(responses.map((response) => response.status)).toEqual([401, 401, 405, 404, 400, 400, 200]);
    for (const body of bodies) {
      expect(body).not.toContain(secret);
      expect(body).not.toContain(NEW_INGEST);
    }
    const log = api.logLines.join("\n");
    expect(log).toContain('"route":"/ingest/:token"');
    expect(log).not.toContain(NEW_INGEST);
    expect(log).not.toContain(secret.slice(0, 20));
  });
});

describe("auth read scope", () => {
  test.each([
    ["old", OLD_READ],
    ["new", NEW_READ],
  ])("%s rotated token accepted", async (_label, token) => {
    expect((await api.send("GET", "/devices", { token })).status).toBe(200);
    expect((await api.send("GET", "/devices/shop/days/2026-03-10", { token })).status).toBe(200);
    expect((await api.send("GET", "/devices/shop/latest", { token })).status).toBe(200);
  });

  test.each([
    ["no token", undefined],
    ["wrong token", "not-a-token"],
    ["ingest token", NEW_INGEST],
    ["admin token", ADMIN],
  ])("%s rejected with no data", async (_label, token) => {
    for (const path of ["/devices", "/devices/shop/days/2026-03-10", "/devices/shop/days/2026-03-10?format=csv", "/devices/shop/latest"]) {
      const response = await api.send("GET", path, token === undefined ? {} : { token });
      await expectUnauthorized(response, "read");
    }
  });
});

describe("auth admin scope", () => {
  test.each([
    ["ingest token", NEW_INGEST],
    ["read token", NEW_READ],
    ["no token", undefined],
  ])("%s rejected", async (_label, token) => {
    const put = await api.send("PUT", "/devices/shop/desired", { ...(token === undefined ? {} : { token }), body: '{"setpoint":68}' });
    const remove = await api.send("DELETE", "/devices/shop/desired", token === undefined ? {} : { token });

    await expectUnauthorized(put, "admin");
    await expectUnauthorized(remove, "admin");
  });
});

describe("auth health", () => {
  test("health open without token", async () => {
    const response = await api.send("GET", "/health");

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", time_zone: "UTC" });
  });
});
