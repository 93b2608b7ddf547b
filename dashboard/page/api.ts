/**
 * The page's client for the thermo query API. Every request carries the read
 * token in the Authorization header, every response is checked with the shared
 * zod schemas, and every failure becomes an error from errors.ts whose message
 * the page can show as it is.
 */
import { z } from "zod";
import {
  dayResponseSchema, devicesResponseSchema, errorResponseSchema, latestResponseSchema,
  type DayResponse, type DaySummary, type DevicesResponse, type LatestResponse, type StoredReading,
} from "../../schema.ts";
import { ApiError, NetworkError, ResponseShapeError, UnauthorizedError } from "./errors.ts";

/** A request with no response after this long fails with a message instead of spinning forever. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Readings per page the client asks for; the server may cap it lower. */
export const DAY_PAGE_LIMIT = 5000;
/** Stops a server that keeps returning cursors; a day of 1-second readings is 86,400 readings. */
const MAX_PAGES_PER_DAY = 1000;

const healthSchema = z.object({ status: z.string(), time_zone: z.string().optional() });

/** A whole local day: every reading from every page, and the API's summary of the day. */
export interface WholeDay {
  deviceId: string;
  day: string;
  timeZone: string;
  readings: StoredReading[];
  summary: DaySummary;
  /** Pages fetched to get the readings. */
  pageCount: number;
}

export interface ApiClientOptions {
  /** Origin and optional path prefix of the API, without a trailing slash; "" for the page's own origin. */
  baseUrl: string;
  token: string;
  /** @default REQUEST_TIMEOUT_MS */
  timeoutMs?: number;
}

/** Calls the query API with the read token and validates each response. */
export class ApiClient {
  readonly #baseUrl: string;
  readonly #token: string;
  readonly #timeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.#baseUrl = options.baseUrl;
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  /** Fetches `GET /health`; `time_zone` is present only when the server reports it. */
  async health(signal?: AbortSignal): Promise<z.infer<typeof healthSchema>> {
    return this.#getJson("/health", healthSchema, signal);
  }

  /** Fetches the known devices with their last-seen times. */
  async devices(signal?: AbortSignal): Promise<DevicesResponse> {
    return this.#getJson("/devices", devicesResponseSchema, signal);
  }

  /** Fetches the newest reading of a device, or null when it has none (404). */
  async latest(deviceId: string, signal?: AbortSignal): Promise<LatestResponse | null> {
    try {
      return await this.#getJson(`/devices/${encodeURIComponent(deviceId)}/latest`, latestResponseSchema, signal);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** Fetches one page of a day; pass the previous page's `next_cursor` to continue. */
  async dayPage(deviceId: string, day: string, options: { cursor?: string; limit?: number; signal?: AbortSignal } = {}): Promise<DayResponse> {
    const query = new URLSearchParams({ limit: String(options.limit ?? DAY_PAGE_LIMIT) });
    if (options.cursor !== undefined) query.set("cursor", options.cursor);
    return this.#getJson(`${dayPath(deviceId, day)}?${query}`, dayResponseSchema, options.signal);
  }

  /**
   * Fetches every page of a day by following `next_cursor` until it is null.
   * @throws {ResponseShapeError} when the server repeats a cursor or returns more than 1,000 pages
   */
  async wholeDay(deviceId: string, day: string, options: { signal?: AbortSignal; onPage?: (readingsSoFar: number) => void } = {}): Promise<WholeDay> {
    const first = await this.dayPage(deviceId, day, { signal: options.signal });
    const readings = [...first.readings];
    const seenCursors = new Set<string>();
    let cursor = first.next_cursor;
    let pageCount = 1;
    options.onPage?.(readings.length);

    while (cursor !== null) {
      if (seenCursors.has(cursor) || pageCount >= MAX_PAGES_PER_DAY) {
        throw new ResponseShapeError(`The server kept paging through ${day} (${pageCount} pages) without reaching the end`, dayPath(deviceId, day));
      }
      seenCursors.add(cursor);
      const page = await this.dayPage(deviceId, day, { cursor, signal: options.signal });
      for (const reading of page.readings) readings.push(reading);
      cursor = page.next_cursor;
      pageCount++;
      options.onPage?.(readings.length);
    }
    return { deviceId: first.device_id, day: first.day, timeZone: first.time_zone, readings, summary: first.summary, pageCount };
  }

  /** Fetches a whole day as CSV text; the browser undoes any gzip encoding. */
  async dayCsv(deviceId: string, day: string, signal?: AbortSignal): Promise<string> {
    const response = await this.#request(`${dayPath(deviceId, day)}?format=csv`, "text/csv", signal);
    return response.text();
  }

  async #getJson<T>(path: string, schema: z.ZodType<T>, signal?: AbortSignal): Promise<T> {
    const response = await this.#request(path, "application/json", signal);
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new ResponseShapeError(`The response to ${pathOnly(path)} was not JSON`, path, error);
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue === undefined || issue.path.length === 0 ? "the body" : issue.path.join(".");
      throw new ResponseShapeError(`The response to ${pathOnly(path)} had an unexpected shape at ${where}: ${issue?.message ?? "unknown problem"}`, path, parsed.error);
    }
    return parsed.data;
  }

  async #request(path: string, accept: string, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    let response: Response;
    try {
      response = await fetch(`${this.#baseUrl}${path}`, {
        headers: { authorization: `Bearer ${this.#token}`, accept },
        signal: combined,
        credentials: "omit",
        cache: "no-store",
      });
    } catch (error) {
      if (signal?.aborted === true) throw error; // the caller cancelled: not a failure to show
      if (timeout.aborted) {
        const limit = this.#timeoutMs >= 1000 ? `${Math.round(this.#timeoutMs / 1000)} s` : `${this.#timeoutMs} ms`;
        throw new NetworkError(`No response from the API for ${pathOnly(path)} within ${limit}`, path, error);
      }
      throw new NetworkError(`Could not reach the API at ${this.#baseUrl === "" ? "this page's origin" : this.#baseUrl} (network failure, or the browser blocked the request: check the API base URL and the server's CORS origins)`, path, error);
    }
    if (response.ok) return response;
    throw await errorFromResponse(response, path);
  }
}

function dayPath(deviceId: string, day: string): string {
  return `/devices/${encodeURIComponent(deviceId)}/days/${encodeURIComponent(day)}`;
}

function pathOnly(path: string): string {
  return path.split("?")[0] ?? path;
}

/** Turns an error response into an ApiError, using the API's JSON message when the body has one. */
async function errorFromResponse(response: Response, path: string): Promise<ApiError> {
  let code = `http_${response.status}`;
  let message = `The API returned ${response.status} ${response.statusText} for ${pathOnly(path)}`.trim();
  try {
    const parsed = errorResponseSchema.safeParse(await response.json());
    if (parsed.success) {
      code = parsed.data.error;
      message = parsed.data.message;
    }
  } catch {
    // Not JSON (a proxy's page, say): keep the status line.
  }
  const options = { status: response.status, code, message, path };
  return response.status === 401 ? new UnauthorizedError(options) : new ApiError(options);
}
