/**
 * thermo's wire contract, shared by the device and the cloud app: the reading
 * a device sends (wire format v1, which the predecessor's devices also speak),
 * the batch envelope, and the JSON the API responds with.
 *
 * Field checks run in one pass so a 400 names every offending field at once.
 */
import { z } from "zod";
import { parseDateTime } from "./time/rfc3339.ts";

export const UNITS = ["F", "C"] as const;
export type Unit = (typeof UNITS)[number];

/** Device ids: lower-case letters, digits, `_` and `-`, 1–64 characters, starting with a letter or digit. */
export const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const DEFAULT_DEVICE_ID = "thermostat";

/** Widest supported sensor's range (DS18B20), per unit. */
export const TEMPERATURE_RANGE = { C: { min: -55, max: 125 }, F: { min: -67, max: 257 } } as const;
/** Plausible setpoints, per unit. */
export const SETPOINT_RANGE = { C: { min: 0, max: 40 }, F: { min: 32, max: 104 } } as const;
export const HUMIDITY_RANGE = { min: 0, max: 100 } as const;

/** Readings per `POST /readings` request. */
export const MAX_BATCH_READINGS = 500;
/** Body limits in bytes: `POST /` and `POST /readings`. */
export const MAX_SINGLE_BODY_BYTES = 64 * 1024;
export const MAX_BATCH_BODY_BYTES = 1024 * 1024;

const MAX_DATE_LENGTH = 64;
const MAX_NUMBER_STRING_LENGTH = 32;
const DECIMAL_STRING = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const INTEGER_STRING = /^[+-]?\d+$/;

/** A reading as a device sends it (wire format v1). */
export interface WireReading {
  record_date: string;
  thermostat_on: boolean;
  temperature: number | string;
  thermostat_value: number | string;
  device_id?: string;
  humidity?: number;
  unit?: Unit;
}

/** A reading after validation, with numbers parsed and the instant resolved. */
export interface Reading {
  deviceId: string;
  /** The instant the reading was taken, in ms since the epoch. */
  instantMs: number;
  /** `record_date` exactly as sent. */
  recordDate: string;
  heaterOn: boolean;
  temperature: number;
  setpoint: number;
  humidity?: number;
  unit: Unit;
}

export interface ReadingSchemaOptions {
  /** IANA zone for `record_date` values without an offset. */
  timeZone: string;
  /** Unit assumed when a reading has none. */
  defaultUnit: Unit;
}

/** Shows a received value in a message, shortened so a huge string cannot flood a response or a log. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "string") {
    const quoted = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    // Invisible and control characters are shown as escapes so the message shows what was sent.
    return quoted.replace(/[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
  }
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

type FieldResult<T> = { ok: true; value: T } | { ok: false; message: string };

function parseNumberish(value: unknown, what: string, integer: boolean): FieldResult<number> {
  const kind = integer ? "an integer" : "a number";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return { ok: false, message: `${what} must be a finite ${integer ? "integer" : "number"}, got ${describeValue(value)}` };
    if (integer && !Number.isInteger(value)) return { ok: false, message: `${what} must be an integer, got ${value}` };
    return { ok: true, value };
  }
  if (typeof value === "string") {
    const text = value.trim();
    const pattern = integer ? INTEGER_STRING : DECIMAL_STRING;
    if (text.length === 0 || text.length > MAX_NUMBER_STRING_LENGTH || !pattern.test(text)) {
      const example = integer ? `64 or "64"` : `65.5 or "65.5"`;
      return { ok: false, message: `${what} must be ${kind} or a string holding one (such as ${example}), got ${describeValue(value)}` };
    }
    return { ok: true, value: Number(text) };
  }
  return { ok: false, message: `${what} must be ${kind} or a string holding one, got ${describeValue(value)}` };
}

function checkRange(value: number, range: { min: number; max: number }, what: string, unitLabel: string): string | undefined {
  if (value >= range.min && value <= range.max) return undefined;
  return `${what} ${value}${unitLabel} is outside the plausible range ${range.min}…${range.max}${unitLabel}`;
}

/**
 * Builds the schema of one reading. It ignores unknown fields and reports
 * every bad field with its path, its value and what is expected.
 */
export function readingSchema(options: ReadingSchemaOptions) {
  return z
    .object(
      {
        record_date: z.unknown().optional(),
        thermostat_on: z.unknown().optional(),
        temperature: z.unknown().optional(),
        thermostat_value: z.unknown().optional(),
        device_id: z.unknown().optional(),
        humidity: z.unknown().optional(),
        unit: z.unknown().optional(),
      },
      { error: (issue) => `a reading must be a JSON object, got ${describeValue(issue.input)}` },
    )
    .transform((input, ctx): Reading => {
      const fail = (field: string, message: string) => ctx.addIssue({ code: "custom", path: [field], message, input: input[field as keyof typeof input] });

      let unit: Unit = options.defaultUnit;
      // With an invalid unit the ranges of neither unit apply, so only the unit is reported.
      let isUnitKnown = true;
      if (input.unit !== undefined) {
        if (input.unit === "F" || input.unit === "C") unit = input.unit;
        else {
          isUnitKnown = false;
          fail("unit", `unit must be "F" or "C" (upper case), got ${describeValue(input.unit)}`);
        }
      }
      const unitLabel = ` °${unit}`;

      let instantMs = Number.NaN;
      if (typeof input.record_date !== "string") {
        fail("record_date", `record_date is required as an RFC 3339 date-time string, got ${describeValue(input.record_date)}`);
      } else if (input.record_date.length > MAX_DATE_LENGTH) {
        fail("record_date", `record_date is ${input.record_date.length} characters long; an RFC 3339 date-time has at most ${MAX_DATE_LENGTH}`);
      } else {
        const parsed = parseDateTime(input.record_date, options.timeZone);
        if (parsed.ok) instantMs = parsed.instantMs;
        else fail("record_date", `record_date ${describeValue(input.record_date)} ${parsed.reason}`);
      }

      if (typeof input.thermostat_on !== "boolean") {
        fail("thermostat_on", `thermostat_on is required as true or false, got ${describeValue(input.thermostat_on)}`);
      }

      const temperature = parseNumberish(input.temperature, "temperature", false);
      if (!temperature.ok) fail("temperature", temperature.message);
      else if (isUnitKnown) {
        const problem = checkRange(temperature.value, TEMPERATURE_RANGE[unit], "temperature", unitLabel);
        if (problem !== undefined) fail("temperature", problem);
      }

      const setpoint = parseNumberish(input.thermostat_value, "thermostat_value", true);
      if (!setpoint.ok) fail("thermostat_value", setpoint.message);
      else if (isUnitKnown) {
        const problem = checkRange(setpoint.value, SETPOINT_RANGE[unit], "thermostat_value", unitLabel);
        if (problem !== undefined) fail("thermostat_value", problem);
      }

      let deviceId = DEFAULT_DEVICE_ID;
      if (input.device_id !== undefined) {
        if (typeof input.device_id === "string" && DEVICE_ID_PATTERN.test(input.device_id)) deviceId = input.device_id;
        else fail("device_id", `device_id must match ${DEVICE_ID_PATTERN.source} (lower-case letters, digits, "_" and "-", at most 64), got ${describeValue(input.device_id)}`);
      }

      let humidity: number | undefined;
      if (input.humidity !== undefined && input.humidity !== null) {
        if (typeof input.humidity !== "number" || !Number.isFinite(input.humidity)) {
          fail("humidity", `humidity must be a finite number of percent, got ${describeValue(input.humidity)}`);
        } else {
          const problem = checkRange(input.humidity, HUMIDITY_RANGE, "humidity", " %");
          if (problem === undefined) humidity = input.humidity;
          else fail("humidity", problem);
        }
      }

      if (ctx.issues.length > 0 || !temperature.ok || !setpoint.ok) return z.NEVER;
      const reading: Reading = {
        deviceId,
        instantMs,
        recordDate: input.record_date as string,
        heaterOn: input.thermostat_on as boolean,
        temperature: temperature.value,
        setpoint: setpoint.value,
        unit,
      };
      if (humidity !== undefined) reading.humidity = humidity;
      return reading;
    });
}

/** Builds the schema of the `POST /readings` envelope: `{"readings": [...]}` with 1–500 readings. */
export function batchSchema(options: ReadingSchemaOptions) {
  return z.object(
    {
      readings: z
        .array(readingSchema(options), { error: (issue) => `readings must be an array of reading objects, got ${describeValue(issue.input)}` })
        .min(1, { error: "readings must hold at least 1 reading" })
        .max(MAX_BATCH_READINGS, { error: (issue) => `readings holds ${(issue.input as unknown[]).length} readings; send at most ${MAX_BATCH_READINGS} per request` }),
    },
    { error: (issue) => `the body must be a JSON object {"readings": [...]}, got ${describeValue(issue.input)}` },
  );
}

/** One problem in a rejected request: the field's path (`readings[3].temperature`) and what is wrong. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Turns zod issues into field problems with JS-style paths. */
export function describeIssues(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => {
    let field = "";
    for (const key of issue.path) {
      if (typeof key === "number") field += `[${key}]`;
      else field += field === "" ? String(key) : `.${String(key)}`;
    }
    return { field: field === "" ? "(body)" : field, message: issue.message };
  });
}

/** The device's desired state, which the API returns after each ingest so a device behind NAT learns it. */
export const desiredStateSchema = z.object({
  setpoint: z.number().int(),
  unit: z.enum(UNITS),
  updated_at: z.string(),
});
export type DesiredState = z.infer<typeof desiredStateSchema>;

/** The body of a successful ingest response (200). */
export const ingestResponseSchema = z.object({
  stored: z.number().int().nonnegative(),
  /** Readings dropped because another reading in the same request had the same device and instant. */
  duplicates: z.number().int().nonnegative(),
  desired: desiredStateSchema.nullable(),
});
export type IngestResponse = z.infer<typeof ingestResponseSchema>;

/** The body of an error response: a machine-readable code, a sentence, and for 400s the offending fields. */
export const errorResponseSchema = z.object({
  error: z.string(),
  message: z.string(),
  problems: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
export type ErrorResponse = z.infer<typeof errorResponseSchema>;

/** A stored reading as the query API returns it. */
export const storedReadingSchema = z.object({
  device_id: z.string(),
  /** The instant in UTC with milliseconds, e.g. `2026-03-08T07:59:59.123Z`. */
  time: z.string(),
  record_date: z.string(),
  thermostat_on: z.boolean(),
  temperature: z.number(),
  thermostat_value: z.number(),
  humidity: z.number().optional(),
  unit: z.enum(UNITS),
});
export type StoredReading = z.infer<typeof storedReadingSchema>;

/** Statistics of a whole day. `heater_on_fraction` weights each reading by the time until the next one. */
export const daySummarySchema = z.object({
  count: z.number().int(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  mean: z.number().nullable(),
  heater_on_fraction: z.number().nullable(),
  first: z.string().nullable(),
  last: z.string().nullable(),
  unit: z.enum(UNITS).nullable(),
});
export type DaySummary = z.infer<typeof daySummarySchema>;

/** `GET /devices/{device}/days/{day}`: one page of the day's readings; `summary` covers the whole day. */
export const dayResponseSchema = z.object({
  device_id: z.string(),
  day: z.string(),
  time_zone: z.string(),
  readings: z.array(storedReadingSchema),
  summary: daySummarySchema,
  /** Pass as `?cursor=` for the next page; null on the last page. */
  next_cursor: z.string().nullable(),
});
export type DayResponse = z.infer<typeof dayResponseSchema>;

/** `GET /devices`: devices with their last-seen times. */
export const devicesResponseSchema = z.object({
  devices: z.array(
    z.object({
      device_id: z.string(),
      /** UTC instant of the newest reading; null for a device that has a desired state but no readings yet. */
      last_seen: z.string().nullable(),
      desired: desiredStateSchema.nullable(),
    }),
  ),
});
export type DevicesResponse = z.infer<typeof devicesResponseSchema>;

/** `GET /devices/{device}/latest`: the newest reading and its age in seconds. */
export const latestResponseSchema = z.object({
  reading: storedReadingSchema,
  age_s: z.number(),
});
export type LatestResponse = z.infer<typeof latestResponseSchema>;
