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

function limitBody(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError({ status: 413, code: "body_too_large", message: `the body is larger than ${maxBytes} bytes; send fewer readings per request` });
    },
  });
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

  const ingestOne = async (request: Request) => {
    const parsed = single.safeParse(await readJsonBody(request));
    if (!parsed.success) {
      throw new ApiError({ status: 400, code: "invalid_reading", message: "the reading is invalid; see problems for each field", problems: describeIssues(parsed.error) });
    }
    return store([parsed.data]);
  };

  const ingestBatch = async (request: Request) => {
    const parsed = batch.safeParse(await readJsonBody(request));
    if (!parsed.success) {
      const problems = describeIssues(parsed.error);
      throw new ApiError({ status: 400, code: "invalid_readings", message: `the batch is invalid (${problems.length} problems) and nothing was stored; see problems`, problems });
    }
    const readings = parsed.data.readings;
    const devices = new Set(readings.map((reading) => reading.deviceId));
    if (devices.size > 1) {
      throw new ApiError({ status: 400, code: "mixed_devices", message: `a batch must come from one device, got ${devices.size}: ${[...devices].slice(0, 5).join(", ")}` });
    }
    return store(readings);
  };

  for (const prefix of ["", "/ingest/:token"]) {
    app.post(prefix === "" ? "/" : prefix, limitBody(MAX_SINGLE_BODY_BYTES), requireScope(deps.config, "ingest"), async (c) => c.json(await ingestOne(c.req.raw)));
    app.post(`${prefix}/readings`, limitBody(MAX_BATCH_BODY_BYTES), requireScope(deps.config, "ingest"), async (c) => c.json(await ingestBatch(c.req.raw)));
  }
}
