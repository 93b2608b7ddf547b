/**
 * Ingest endpoints: `POST /` takes one reading exactly as the predecessor's
 * device sends it, `POST /readings` a batch from the device outbox. Each also
 * exists under `/ingest/{token}` for devices that can change only their URL.
 */
import type { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { batchSchema, describeIssues, MAX_BATCH_BODY_BYTES, MAX_SINGLE_BODY_BYTES, readingSchema, type IngestResponse, type Reading } from "../../schema.ts";
import { readJsonBody } from "../body.ts";
import type { AppDeps, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { requireScope } from "../middleware/require-scope.ts";

function limitBody(maxBytes: number, hint: string) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError({ status: 413, code: "body_too_large", message: `the body is larger than ${maxBytes} bytes; ${hint}` });
    },
  });
}

const SINGLE_EXPECTED = "one reading as a JSON object";
const BATCH_EXPECTED = 'a JSON object {"readings": [...]} with 1 to 500 readings';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function registerIngestRoutes(app: Hono<AppEnv>, deps: AppDeps): void {
  const schemaOptions = { timeZone: deps.config.timeZone, defaultUnit: deps.config.defaultUnit };
  const single = readingSchema(schemaOptions);
  const batch = batchSchema(schemaOptions);

  const store = async (readings: Reading[]): Promise<IngestResponse> => {
    const result = await deps.store.putReadings(readings);
    // Every reading of the predecessor's format names one device; a batch normally does too.
    const firstDevice = readings[0]?.deviceId;
    const desired = firstDevice === undefined ? null : (result.desired.get(firstDevice) ?? null);
    return { stored: result.stored, duplicates: result.duplicates, desired };
  };

  const ingestOne = async (request: Request, batchPath: string) => {
    const body = await readJsonBody(request, SINGLE_EXPECTED);
    if (isObject(body) && Array.isArray(body.readings)) {
      throw new ApiError({ status: 400, code: "invalid_reading", message: `this endpoint takes one reading; send a {"readings": [...]} batch to POST ${batchPath}` });
    }
    const parsed = single.safeParse(body);
    if (!parsed.success) {
      throw new ApiError({ status: 400, code: "invalid_reading", message: "the reading is invalid; see problems for each field", problems: describeIssues(parsed.error) });
    }
    return store([parsed.data]);
  };

  const ingestBatch = async (request: Request, singlePath: string) => {
    const body = await readJsonBody(request, BATCH_EXPECTED);
    if (isObject(body) && body.readings === undefined && body.record_date !== undefined) {
      throw new ApiError({ status: 400, code: "invalid_readings", message: `this endpoint takes a {"readings": [...]} batch; wrap the reading in one, or send it alone to POST ${singlePath}` });
    }
    const parsed = batch.safeParse(body);
    if (!parsed.success) {
      const problems = describeIssues(parsed.error);
      const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
      throw new ApiError({ status: 400, code: "invalid_readings", message: `the batch is invalid (${count}) and nothing was stored; see problems`, problems });
    }
    const readings = parsed.data.readings;
    const devices = new Set(readings.map((reading) => reading.deviceId));
    if (devices.size > 1) {
      throw new ApiError({ status: 400, code: "mixed_devices", message: `a batch must come from one device, got ${devices.size}: ${[...devices].slice(0, 5).join(", ")}` });
    }
    return store(readings);
  };

  for (const prefix of ["", "/ingest/:token"]) {
    const singlePath = prefix === "" ? "/" : "/ingest/<token>";
    const batchPath = prefix === "" ? "/readings" : "/ingest/<token>/readings";
    const singleTooLarge = `one reading is far smaller, so send batches to POST ${batchPath}`;
    const batchTooLarge = "send fewer readings per request";
    app.post(prefix === "" ? "/" : prefix, limitBody(MAX_SINGLE_BODY_BYTES, singleTooLarge), requireScope(deps.config, "ingest"), async (c) =>
      c.json(await ingestOne(c.req.raw, batchPath)),
    );
    app.post(`${prefix}/readings`, limitBody(MAX_BATCH_BODY_BYTES, batchTooLarge), requireScope(deps.config, "ingest"), async (c) =>
      c.json(await ingestBatch(c.req.raw, singlePath)),
    );
  }
}
