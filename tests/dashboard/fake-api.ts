/**
 * A small stand-in for the thermo query API, for page tests that need an
 * answer the real app cannot be made to give on demand (a 503, a malformed
 * body, a slow page). It serves the dashboard routes and the query endpoints
 * from in-memory readings, with the same JSON shapes, paging and token check.
 */
import { Hono } from "hono";
import type { DaySummary, StoredReading } from "../../schema.ts";
import { dashboardRoutes } from "../../dashboard/routes.ts";

export interface FakeApiOptions {
  token: string;
  timeZone: string;
  /** Readings per device and local day: `readings["shop"]["2026-03-08"]`. */
  readings: Record<string, Record<string, StoredReading[]>>;
  /** Page size cap; the real app's cap is not fixed here. */
  maxPageSize?: number;
  /** When set, every data request fails with this status and message. */
  failWith?: { status: 400 | 500 | 503; code: string; message: string };
  /** Extra origins the dashboard page may call. */
  connectOrigins?: string[];
}

/** Computes a day summary the way the API documents it: heater time weighted by the time to the next reading. */
export function summarize(readings: readonly StoredReading[]): DaySummary {
  if (readings.length === 0) return { count: 0, min: null, max: null, mean: null, heater_on_fraction: null, first: null, last: null, unit: null };
  const temperatures = readings.map((reading) => reading.temperature);
  let onMs = 0;
  let totalMs = 0;
  for (let index = 0; index + 1 < readings.length; index++) {
    const spanMs = Date.parse((readings[index + 1] as StoredReading).time) - Date.parse((readings[index] as StoredReading).time);
    totalMs += spanMs;
    if ((readings[index] as StoredReading).thermostat_on) onMs += spanMs;
  }
  return {
    count: readings.length,
    min: Math.min(...temperatures),
    max: Math.max(...temperatures),
    mean: temperatures.reduce((sum, value) => sum + value, 0) / readings.length,
    heater_on_fraction: totalMs > 0 ? onMs / totalMs : (readings[0] as StoredReading).thermostat_on ? 1 : 0,
    first: (readings[0] as StoredReading).time,
    last: (readings.at(-1) as StoredReading).time,
    unit: (readings.at(-1) as StoredReading).unit,
  };
}

function toCsv(readings: readonly StoredReading[]): string {
  const header = "time,record_date,device_id,thermostat_on,temperature,thermostat_value,humidity,unit";
  const rows = readings.map((r) => [r.time, r.record_date, r.device_id, r.thermostat_on, r.temperature, r.thermostat_value, r.humidity ?? "", r.unit].join(","));
  return `${[header, ...rows].join("\n")}\n`;
}

/** Builds the fake app: dashboard routes plus the query API. */
export function createFakeApi(options: FakeApiOptions): Hono {
  const app = new Hono();
  app.route("/", dashboardRoutes({ connectOrigins: options.connectOrigins ?? [] }));
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.use("/devices/*", async (c, next) => {
    if (c.req.header("authorization") !== `Bearer ${options.token}`) return c.json({ error: "unauthorized", message: "missing or invalid read token" }, 401);
    if (options.failWith !== undefined) return c.json({ error: options.failWith.code, message: options.failWith.message }, options.failWith.status);
    await next();
  });
  app.use("/devices", async (c, next) => {
    if (c.req.header("authorization") !== `Bearer ${options.token}`) return c.json({ error: "unauthorized", message: "missing or invalid read token" }, 401);
    if (options.failWith !== undefined) return c.json({ error: options.failWith.code, message: options.failWith.message }, options.failWith.status);
    await next();
  });
  app.get("/devices", (c) => {
    const devices = Object.entries(options.readings).map(([deviceId, days]) => {
      const all = Object.values(days).flat().sort((a, b) => a.time.localeCompare(b.time));
      return { device_id: deviceId, last_seen: all.at(-1)?.time ?? new Date(0).toISOString(), desired: null };
    });
    return c.json({ devices });
  });
  app.get("/devices/:device/latest", (c) => {
    const all = Object.values(options.readings[c.req.param("device")] ?? {}).flat().sort((a, b) => a.time.localeCompare(b.time));
    const reading = all.at(-1);
    if (reading === undefined) return c.json({ error: "not_found", message: "no readings" }, 404);
    return c.json({ reading, age_s: (Date.now() - Date.parse(reading.time)) / 1000 });
  });
  app.get("/devices/:device/days/:day", (c) => {
    const day = c.req.param("day");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return c.json({ error: "invalid_day", message: `invalid day "${day}"` }, 400);
    const readings = options.readings[c.req.param("device")]?.[day] ?? [];
    if (c.req.query("format") === "csv") return c.body(toCsv(readings), 200, { "content-type": "text/csv; charset=utf-8" });
    const limit = Math.min(Number(c.req.query("limit") ?? "1000"), options.maxPageSize ?? 1000);
    const start = Number(c.req.query("cursor") ?? "0");
    const end = Math.min(readings.length, start + limit);
    return c.json({
      device_id: c.req.param("device"), day, time_zone: options.timeZone,
      readings: readings.slice(start, end), summary: summarize(readings),
      next_cursor: end < readings.length ? String(end) : null,
    });
  });
  return app;
}
