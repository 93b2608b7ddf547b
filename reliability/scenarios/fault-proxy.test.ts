/**
 * Checks the fault-injecting proxy itself, so a device scenario that passes
 * through it is known to have met each fault for real.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startCloud, type Cloud } from "../harness/cloud.ts";
import { startFaultProxy, type Fault, type FaultProxy } from "../harness/fault-proxy.ts";
import { countDelivery, daysOf, makeReadings } from "../harness/ledger.ts";

let cloud: Cloud;
let proxy: FaultProxy;
let fault: Fault = { kind: "pass" };
let nextStartMs = Date.UTC(2026, 2, 8, 0, 0, 0);

beforeAll(async () => {
  cloud = await startCloud();
  proxy = await startFaultProxy({ targetUrl: cloud.url, plan: () => fault, maxHoldMs: 5_000 });
});

afterAll(async () => {
  await proxy?.close();
  await cloud?.stop();
});

function nextBatch(count: number) {
  const readings = makeReadings({ deviceId: "proxy", startMs: nextStartMs, count, stepMs: 1000 });
  nextStartMs += count * 1000 + 60_000;
  return readings;
}

async function post(readings: unknown[], timeoutMs = 3_000): Promise<Response> {
  return fetch(`${proxy.url}/readings`, {
    method: "POST",
    headers: { authorization: `Bearer ${cloud.ingestToken}`, "content-type": "application/json" },
    body: JSON.stringify({ readings }),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

async function storedOf(readings: ReturnType<typeof nextBatch>) {
  const items = await cloud.readingsOf("proxy", daysOf(readings));
  const keys = new Set(readings.map((reading) => reading.record_date));
  return items.filter((item) => keys.has(item.sk));
}

describe("fault proxy", () => {
  test("pass forwards and relays the response", async () => {
    fault = { kind: "pass" };
    const readings = nextBatch(5);
    const response = await post(readings);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { stored: number }).stored).toBe(5);
    expect((await storedOf(readings)).length).toBe(5);
  });

  test("status responds without forwarding", async () => {
    fault = { kind: "status", status: 503, retryAfterS: 7 };
    const readings = nextBatch(5);
    const response = await post(readings);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("7");
    expect((await storedOf(readings)).length).toBe(0);
  });

  test("reset before forwarding fails the request", async () => {
    fault = { kind: "reset", forward: false };
    const readings = nextBatch(5);
    await expect(post(readings)).rejects.toThrow();
    await Bun.sleep(100);
    expect((await storedOf(readings)).length).toBe(0);
  });

  test("reset after forwarding stores but fails", async () => {
    fault = { kind: "reset", forward: true };
    const readings = nextBatch(5);
    let isFailed = false;
    try {
      const response = await post(readings);
      await response.text();
    } catch {
      isFailed = true;
    }
    expect(isFailed).toBe(true);
    expect((await storedOf(readings)).length).toBe(5);
  });

  test("hang after forwarding times out", async () => {
    fault = { kind: "hang", forward: true };
    const readings = nextBatch(5);
    await expect(post(readings, 500)).rejects.toThrow();
    await Bun.sleep(600);
    expect((await storedOf(readings)).length).toBe(5);
  });

  test("slow delays the response", async () => {
    fault = { kind: "slow", delayMs: 400 };
    const startedMs = performance.now();
    const response = await post(nextBatch(2));
    expect(response.status).toBe(200);
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(380);
  });

  test("partial stores a strict prefix", async () => {
    fault = { kind: "partial", status: 503 };
    const readings = nextBatch(10);
    const response = await post(readings);
    expect(response.status).toBe(503);
    const stored = await storedOf(readings);
    expect(stored.length).toBe(5);
    expect(countDelivery(readings.slice(0, 5), stored).lost).toBe(0);
  });

  test("bare answers 200 without forwarding", async () => {
    fault = { kind: "bare", status: 200, contentType: "text/html", body: "<html>portal</html>" };
    const readings = nextBatch(3);
    const response = await post(readings);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html");
    expect(await response.text()).toBe("<html>portal</html>");
    expect(await storedOf(readings)).toHaveLength(0);
  });

  test("unreachable refuses connections", async () => {
    fault = { kind: "pass" };
    await proxy.setReachable(false);
    await expect(post(nextBatch(1))).rejects.toThrow();
    await proxy.setReachable(true);
    expect((await post(nextBatch(1))).status).toBe(200);
  });
});
