import { describe, expect, test } from "bun:test";
import { createLocalApi, MAX_BODY_BYTES } from "../../device/api/app.ts";
import { deviceStatusSchema, type DeviceStatus } from "../../device/api/status.ts";
import { checkSetpoint } from "../../device/control/units.ts";
import type { Unit } from "../../schema.ts";
import { Logger, memorySink } from "../../lib/log.ts";

const STATUS: DeviceStatus = {
  device_id: "shop",
  version: "test",
  unit: "F",
  temperature: 49.5,
  humidity: 41,
  reading_at: "2026-01-15T00:00:00.000-06:00",
  reading_age_s: 3,
  setpoint: 50,
  setpoint_source: "config",
  heater: { on: true, since: "2026-01-15T00:00:00.000-06:00", reason: "below_band" },
  relay: { driver: "simulated relay", bcm: 17, header_pin: 11, active_low: false },
  sensor: { driver: "simulated room", healthy: true, consecutive_failures: 0, last_error: null, rejected_total: 0, last_rejection: null },
  upload: { configured: true, last_success_at: null, last_attempt_at: null, last_error: null, consecutive_failures: 0 },
  outbox: { available: true, error: null, depth: 3, dead_letters: 0, evicted_total: 0, oldest_at: null },
  safety: { runaway_lockout_until: null, max_on_cooldown_until: null, last_over_temperature_at: null },
  uptime_s: 10,
};

function makeApi(token?: string, bind = "127.0.0.1") {
  const applied: Array<{ value: number; unit: Unit }> = [];
  const sink = memorySink();
  const app = createLocalApi({
    status: () => STATUS,
    setSetpoint: (value, unit) => {
      const result = checkSetpoint({ value, unit, deviceUnit: "F", overTempCutoff: 95, hotTolerance: 1 });
      if (result.ok) applied.push({ value: result.setpoint, unit: "F" });
      return result;
    },
    deviceUnit: "F",
    token,
    bind,
    logger: new Logger("api", { sink: sink.sink }),
  });
  const put = (body: string, headers: Record<string, string> = {}) => app.request("/setpoint", { method: "PUT", body, headers: { "content-type": "application/json", ...headers } });
  return { app, applied, put };
}

describe("local API", () => {
  test("GET /health answers ok", async () => {
    const response = await makeApi("secret").app.request("/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  test("GET /status returns the status shape", async () => {
    const response = await makeApi().app.request("/status");
    expect(response.status).toBe(200);
    expect(deviceStatusSchema.safeParse(await response.json()).success).toBe(true);
  });

  test("PUT /setpoint applies a valid setpoint", async () => {
    const { put, applied } = makeApi();
    const response = await put(JSON.stringify({ setpoint: 55 }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ setpoint: 55, unit: "F" });
    expect(applied).toEqual([{ value: 55, unit: "F" }]);
  });

  test("PUT /setpoint converts °C", async () => {
    const { put } = makeApi();
    expect(await (await put(JSON.stringify({ setpoint: 12, unit: "C" }))).json()).toEqual({ setpoint: 54, unit: "F" });
  });

  test.each([
    ["not JSON", "{", "not JSON"],
    ["a string setpoint", JSON.stringify({ setpoint: "55" }), "setpoint must be a number"],
    ["an unknown unit", JSON.stringify({ setpoint: 55, unit: "K" }), 'unit must be "F" or "C"'],
    ["an array", JSON.stringify([55]), "must be a JSON object"],
    ["a setpoint out of range", JSON.stringify({ setpoint: 200 }), "outside 32–104 °F"],
    ["a setpoint at the cut-off", JSON.stringify({ setpoint: 94 }), "over_temp_cutoff"],
    ["a fractional setpoint", JSON.stringify({ setpoint: 55.5 }), "setpoint must be a whole number, got 55.5"],
    ["a fractional °C setpoint", JSON.stringify({ setpoint: 12.5, unit: "C" }), "setpoint must be a whole number, got 12.5"],
  ])("PUT /setpoint rejects %s", async (_label, requestBody, fragment) => {
    const { put, applied } = makeApi();
    const response = await put(requestBody);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string; problems?: Array<{ message: string }> };
    const messages = [body.message, ...(body.problems ?? []).map((problem) => problem.message)].join("\n");
    expect(messages).toContain(fragment);
    expect(applied).toEqual([]);
  });

  test("PUT /setpoint rejects a large body", async () => {
    const { put } = makeApi();
    const response = await put(JSON.stringify({ setpoint: 55, pad: "x".repeat(MAX_BODY_BYTES) }));
    expect(response.status).toBe(413);
  });

  test.each([
    [undefined, 401],
    ["Bearer wrong", 401],
    ["secret", 401],
    ["Bearer secret", 200],
    ["bearer secret", 200],
    ["BEARER  secret", 200],
    ["Basic secret", 401],
  ])("token auth with %p answers %d", async (authorization, status) => {
    const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
    const response = await makeApi("secret").app.request("/status", { headers });
    expect(response.status).toBe(status);
  });

  test("unknown routes answer 404 with the routes", async () => {
    const response = await makeApi().app.request("/nope");
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toContain("PUT /setpoint");
  });

  test.each([
    ["GET", "/setpoint", "PUT"],
    ["POST", "/setpoint", "PUT"],
    ["PUT", "/status", "GET, HEAD"],
    ["DELETE", "/health", "GET, HEAD"],
  ])("%s %s answers 405", async (method, path, allow) => {
    const response = await makeApi().app.request(path, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    expect(((await response.json()) as { message: string }).message).toContain(`${method} ${path}`);
  });

  test.each(["127.0.0.1", "127.0.0.1:8781", "localhost", "LOCALHOST:8781", "[::1]", "[::1]:8781"])("loopback bind accepts Host %s", async (host) => {
    const response = await makeApi().app.request("/status", { headers: { host } });
    expect(response.status).toBe(200);
  });

  test.each(["evil.example", "evil.example:8781", "127.0.0.1.evil.example", "localhost.evil.example:8781", "192.168.1.20:8781", ""])("loopback bind rejects Host %p", async (host) => {
    const { app, applied } = makeApi();
    const response = await app.request("/setpoint", { method: "PUT", body: JSON.stringify({ setpoint: 55 }), headers: { host, "content-type": "application/json" } });
    expect(response.status).toBe(421);
    expect(((await response.json()) as { message: string }).message).toContain("127.0.0.1, localhost or [::1]");
    expect(applied).toEqual([]);
  });

  test("loopback bind accepts its own address", async () => {
    const response = await makeApi(undefined, "127.0.0.2").app.request("/status", { headers: { host: "127.0.0.2:8781" } });
    expect(response.status).toBe(200);
  });

  test("other binds accept any Host", async () => {
    const response = await makeApi("secret", "0.0.0.0").app.request("/status", { headers: { host: "thermo.lan:8781", authorization: "Bearer secret" } });
    expect(response.status).toBe(200);
  });
});
