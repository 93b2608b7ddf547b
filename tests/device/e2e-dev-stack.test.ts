/**
 * End to end: the real `thermo run` (through the dev runner, as a child
 * process) on simulated hardware against the real local API and dynalite.
 * Covers delivery, the desired setpoint, an outage of the API with the
 * outbox draining afterwards, and a device restart.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { deviceStatusSchema, type DeviceStatus } from "../../device/api/status.ts";
import { startSimulatedDevice, type SimulatedDevice } from "../../device/dev-runner.ts";
import { startStack, type Stack } from "../../dev/stack.ts";
import { Logger } from "../../lib/log.ts";
import { dayResponseSchema, type StoredReading } from "../../schema.ts";
import { localDay } from "../../time/zone.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";

setDefaultTimeout(60_000);

const ZONE = "America/Chicago";
const DEVICE_ID = "e2e";
/** Simulated seconds between readings and between uploads; the clock runs 10 times faster. */
const POLL_S = 5;
const SPEED = 10;
let tree: ReturnType<typeof makeTempTree>;
let stack: Stack;
let device: SimulatedDevice;
let port: number;
const quiet = new Logger("e2e", { level: "warn" });

function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const chosen = probe.port as number;
  probe.stop(true);
  return chosen;
}

async function startLocalStack(): Promise<Stack> {
  return startStack({ port, dataDir: join(tree.root, "dynamodb"), tokens: { ingest: "e2e-ingest", read: "e2e-read", admin: "e2e-admin" }, env: { THERMO_TIMEZONE: ZONE }, logger: quiet, dashboard: false });
}

async function startDevice(): Promise<SimulatedDevice> {
  return startSimulatedDevice({ apiUrl: stack.url, ingestToken: "e2e-ingest", dataDir: join(tree.root, "device"), deviceId: DEVICE_ID, speed: SPEED, pollIntervalS: POLL_S, uploadIntervalS: POLL_S, logger: quiet, env: { THERMO_TIMEZONE: ZONE } });
}

async function deviceStatus(): Promise<DeviceStatus> {
  return deviceStatusSchema.parse(await (await fetch(`${device.localApiUrl}/status`)).json());
}

/** Waits up to about 20 s for `check` to pass. */
async function eventually<T>(check: () => Promise<T | undefined>): Promise<T | undefined> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await Bun.sleep(100);
  }
  return undefined;
}

/** Every stored reading of the device on today's and tomorrow's local days (the simulated clock runs ahead). */
async function storedReadings(): Promise<StoredReading[]> {
  const readings: StoredReading[] = [];
  const nowMs = Date.now();
  for (const day of new Set([localDay(nowMs, ZONE), localDay(nowMs + 86_400_000, ZONE)])) {
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? "" : `?cursor=${encodeURIComponent(cursor)}`;
      const response = await fetch(`${stack.url}/devices/${DEVICE_ID}/days/${day}${query}`, { headers: { authorization: "Bearer e2e-read" } });
      if (!response.ok) break;
      const page = dayResponseSchema.parse(await response.json());
      readings.push(...page.readings);
      cursor = page.next_cursor;
    } while (cursor !== null);
  }
  return readings;
}

describe("thermo run against the local stack", () => {
  beforeAll(async () => {
    tree = makeTempTree();
    port = freePort();
    stack = await startLocalStack();
    device = await startDevice();
  });

  afterAll(async () => {
    await device?.stop();
    await stack?.stop();
    tree?.remove();
  });

  test("delivers readings with the real local offset", async () => {
    const readings = await eventually(async () => {
      const found = await storedReadings();
      return found.length >= 3 ? found : undefined;
    });

    expect(readings?.length).toBeGreaterThanOrEqual(3);
    expect(readings?.[0]?.record_date).toMatch(/T\d{2}:\d{2}:\d{2}\.\d{3}-0[56]:00$/);
    expect(readings?.[0]?.unit).toBe("F");
  });

  test("applies the desired setpoint from the API", async () => {
    const response = await fetch(`${stack.url}/devices/${DEVICE_ID}/desired`, {
      method: "PUT",
      headers: { authorization: "Bearer e2e-admin", "content-type": "application/json" },
      body: JSON.stringify({ setpoint: 12, unit: "C" }),
    });
    expect(response.status).toBe(200);

    const status = await eventually(async () => {
      const current = await deviceStatus();
      return current.setpoint === 54 ? current : undefined;
    });

    expect(status?.setpoint_source).toBe("cloud");
  });

  test("keeps readings through an outage and drains them after", async () => {
    await stack.stop();
    const during = await eventually(async () => {
      const current = await deviceStatus();
      return current.upload.consecutive_failures > 0 && (current.outbox.depth ?? 0) >= 3 ? current : undefined;
    });
    expect(during?.upload.last_error).toBeTruthy();

    stack = await startLocalStack();
    const drained = await eventually(async () => {
      const current = await deviceStatus();
      return current.outbox.depth === 0 && current.upload.consecutive_failures === 0 ? current : undefined;
    });
    expect(drained).toBeDefined();

    const readings = await storedReadings();
    const times = readings.map((reading) => Date.parse(reading.time)).sort((a, b) => a - b);
    expect(new Set(times).size).toBe(times.length);
    const gapsS = times.slice(1).map((time, index) => (time - (times[index] ?? time)) / 1000);
    expect(Math.max(...gapsS)).toBeLessThan(2 * POLL_S);
  });

  test("keeps the setpoint across a device restart", async () => {
    await device.stop();
    expect(await device.exited).toBe(0);

    device = await startDevice();
    const status = await deviceStatus();

    expect(status.setpoint).toBe(54);
    expect(status.setpoint_source).toBe("cloud");
  });
});
