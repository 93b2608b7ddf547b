/** Read endpoints: a device's day, its latest reading, and the device list. */
import type { Hono } from "hono";
import { DEVICE_ID_PATTERN, describeValue, type DayResponse, type DevicesResponse, type LatestResponse, type StoredReading } from "../../schema.ts";
import { isValidWallTime } from "../../time/zone.ts";
import type { AppContext, AppDeps, AppEnv } from "../context.ts";
import { CSV_HEADER, csvRow } from "../csv.ts";
import { ApiError } from "../errors.ts";
import { MAX_LATEST_CLOCK_SKEW_MS } from "../store/readings-store.ts";
import { requireScope } from "../middleware/require-scope.ts";
import { DaySummaryBuilder } from "../summary.ts";

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const SORT_KEY_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const DEFAULT_PAGE_LIMIT = 5000;
export const MAX_PAGE_LIMIT = 10_000;

function badRequest(code: string, message: string): ApiError {
  return new ApiError({ status: 400, code, message });
}

function parseDevice(raw: string): string {
  if (!DEVICE_ID_PATTERN.test(raw)) {
    throw badRequest("invalid_device", `device ${describeValue(raw)} is not a valid device id: use lower-case letters, digits, "_" and "-", at most 64 characters`);
  }
  return raw;
}

function parseDay(raw: string): string {
  const match = DAY_PATTERN.exec(raw);
  const isReal =
    match !== null &&
    isValidWallTime({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]), hour: 0, minute: 0, second: 0, millisecond: 0 });
  if (!isReal) throw badRequest("invalid_day", `day ${describeValue(raw)} is not a real date in the form YYYY-MM-DD`);
  return raw;
}

/**
 * Encodes a cursor: the device, the day and the last sort key returned,
 * base64url-encoded so clients treat it as opaque. Naming the device and day
 * lets the API reject a cursor from another query instead of paging wrongly.
 */
export function encodeCursor(deviceId: string, day: string, sortKey: string): string {
  return Buffer.from(`${deviceId}/${day}/${sortKey}`, "utf8").toString("base64url");
}

const MAX_CURSOR_LENGTH = 200;

function decodeCursor(raw: string | undefined, deviceId: string, day: string): string | undefined {
  if (raw === undefined) return undefined;
  const decoded = raw.length <= MAX_CURSOR_LENGTH ? Buffer.from(raw, "base64url").toString("utf8") : "";
  const [cursorDevice, cursorDay, sortKey = ""] = decoded.split("/");
  if (!SORT_KEY_PATTERN.test(sortKey)) {
    throw badRequest("invalid_cursor", `cursor ${describeValue(raw)} is not one this API returned; pass next_cursor from the previous page unchanged`);
  }
  if (cursorDevice !== deviceId || cursorDay !== day) {
    throw badRequest("invalid_cursor", `cursor ${describeValue(raw)} belongs to device ${describeValue(cursorDevice)} on ${describeValue(cursorDay)}, not to ${deviceId} on ${day}; start this query without a cursor`);
  }
  return sortKey;
}

/** Returns the only value of query parameter `name`, rejecting repeats such as `?limit=1&limit=2`. */
function singleQuery(c: AppContext, name: string): string | undefined {
  const values = c.req.queries(name) ?? [];
  if (values.length > 1) throw badRequest("invalid_query", `query parameter ${name} is given ${values.length} times; give it once`);
  return values[0];
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_PAGE_LIMIT;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > MAX_PAGE_LIMIT) {
    throw badRequest("invalid_limit", `limit ${describeValue(raw)} must be a whole number from 1 to ${MAX_PAGE_LIMIT}`);
  }
  return value;
}

/**
 * Reads the whole day once, building its summary and keeping the `limit`
 * readings after `afterKey`. One pass serves both, because the summary must
 * describe the whole day whichever page is requested.
 */
async function readDayPageWithSummary(deps: AppDeps, device: string, day: string, afterKey: string | undefined, limit: number) {
  const builder = new DaySummaryBuilder();
  const readings: StoredReading[] = [];
  let hasMore = false;
  for await (const page of deps.store.readDay(device, day)) {
    builder.add(page);
    for (const reading of page) {
      // Sort keys are fixed-width UTC instants, so string order is time order.
      if (afterKey !== undefined && reading.time <= afterKey) continue;
      if (readings.length < limit) readings.push(reading);
      else hasMore = true;
    }
  }
  const last = readings.at(-1);
  return { readings, summary: builder.build(), nextKey: hasMore && last !== undefined ? last.time : undefined };
}

/**
 * Returns whether an Accept-Encoding header allows gzip: named with a q-value above 0, or
 * covered by `*` when gzip is not named. A q-value of 0 means the client does not accept the coding.
 */
export function isGzipAccepted(header: string | undefined): boolean {
  let gzipQuality: number | undefined;
  let wildcardQuality: number | undefined;
  for (const entry of (header ?? "").split(",")) {
    const [coding = "", ...parameters] = entry.split(";").map((part) => part.trim().toLowerCase());
    const qualityParameter = parameters.find((parameter) => parameter.startsWith("q="));
    const quality = qualityParameter === undefined ? 1 : Number(qualityParameter.slice(2));
    if (coding === "gzip" || coding === "x-gzip") gzipQuality = quality;
    else if (coding === "*") wildcardQuality = quality;
  }
  const quality = gzipQuality ?? wildcardQuality ?? 0;
  return Number.isFinite(quality) && quality > 0;
}

async function sendCsv(c: AppContext, deps: AppDeps, device: string, day: string): Promise<Response> {
  const lines = [CSV_HEADER];
  for await (const page of deps.store.readDay(device, day)) for (const reading of page) lines.push(csvRow(reading));
  const csv = lines.join("\r\n") + "\r\n";
  const headers: Record<string, string> = {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${device}-${day}.csv"`,
    Vary: "Accept-Encoding",
  };

  const acceptsGzip = isGzipAccepted(c.req.header("accept-encoding"));
  const bytes = new TextEncoder().encode(csv);
  if (!acceptsGzip) {
    if (bytes.length > deps.config.maxResponseBytes) {
      throw new ApiError({
        status: 406,
        code: "response_too_large",
        message: `the CSV for ${device} on ${day} is ${bytes.length} bytes, over the ${deps.config.maxResponseBytes}-byte response limit; request it compressed with Accept-Encoding: gzip (curl --compressed)`,
      });
    }
    return new Response(bytes, { headers });
  }

  const compressed = new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
  if (compressed.length > deps.config.maxResponseBytes) {
    c.get("logger").error("csv_too_large", { device, day, bytes: bytes.length, gzip_bytes: compressed.length });
    throw new ApiError({ status: 500, code: "response_too_large", message: `the compressed CSV for ${device} on ${day} is ${compressed.length} bytes, over the response limit` });
  }
  return new Response(compressed, { headers: { ...headers, "Content-Encoding": "gzip" } });
}

/**
 * Explains why a device has no latest reading. Readings dated more than MAX_LATEST_CLOCK_SKEW_MS
 * ahead of the server's clock are stored but never become the latest, so a device whose clock runs
 * fast looks silent here. `newestFutureTime` is undefined when the registry has no such reading.
 */
function describeNoLatest(device: string, newestFutureTime: string | undefined, nowMs: number): string {
  const skewMinutes = MAX_LATEST_CLOCK_SKEW_MS / 60_000;
  if (newestFutureTime !== undefined) {
    return (
      `device "${device}" has sent only readings dated more than ${skewMinutes} minutes ahead of the server's clock ` +
      `(the newest at ${newestFutureTime}, server time ${new Date(nowMs).toISOString()}); they are stored but never become the latest, so check the device's clock`
    );
  }
  return `device "${device}" has sent no reading dated at most ${skewMinutes} minutes ahead of the server's clock; if it is sending, check its clock, because later-dated readings are stored but never become the latest`;
}

export function registerQueryRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const now = deps.now ?? Date.now;
  const read = requireScope(deps.config, "read");

  app.get("/devices", read, async (c) => {
    const devices = await deps.store.listDevices();
    const body: DevicesResponse = {
      devices: devices
        .map((device) => ({ device_id: device.deviceId, last_seen: device.lastSeen ?? null, desired: device.desired }))
        .sort((a, b) => a.device_id.localeCompare(b.device_id)),
    };
    return c.json(body);
  });

  app.get("/devices/:device/latest", read, async (c) => {
    const device = parseDevice(c.req.param("device"));
    const record = await deps.store.getDevice(device);
    if (record?.latest === undefined) throw new ApiError({ status: 404, code: "not_found", message: describeNoLatest(device, record?.newestFutureTime, now()) });
    const body: LatestResponse = { reading: record.latest, age_s: Math.max(0, Math.round((now() - Date.parse(record.latest.time)) / 1000)) };
    return c.json(body);
  });

  app.get("/devices/:device/days/:day", read, async (c) => {
    const device = parseDevice(c.req.param("device"));
    const day = parseDay(c.req.param("day"));
    const format = singleQuery(c, "format") ?? "json";
    if (format !== "json" && format !== "csv") throw badRequest("invalid_format", `format ${describeValue(format)} must be "json" or "csv"`);
    if (format === "csv") {
      // The CSV is the whole day in one response, so paging parameters would be silently ignored.
      for (const name of ["cursor", "limit"]) {
        if (c.req.queries(name) !== undefined) {
          throw badRequest("invalid_query", `query parameter ${name} does not apply to format=csv, which returns the whole day in one response; remove ${name}`);
        }
      }
      return sendCsv(c, deps, device, day);
    }

    const afterKey = decodeCursor(singleQuery(c, "cursor"), device, day);
    const limit = parseLimit(singleQuery(c, "limit"));
    const page = await readDayPageWithSummary(deps, device, day, afterKey, limit);
    const body: DayResponse = {
      device_id: device,
      day,
      time_zone: deps.config.timeZone,
      readings: page.readings,
      summary: page.summary,
      next_cursor: page.nextKey === undefined ? null : encodeCursor(device, day, page.nextKey),
    };
    return c.json(body);
  });
}
