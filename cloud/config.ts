/**
 * The app's configuration, read once from the environment (Lambda or local)
 * into a frozen object. Every problem is reported by variable name at once.
 */
import { UNITS, type Unit } from "../schema.ts";
import { isValidTimeZone } from "../time/zone.ts";
import { ConfigError } from "./errors.ts";

export type Scope = "ingest" | "read" | "admin";

export interface AppConfig {
  /** DynamoDB table name (`THERMO_TABLE`). */
  readonly tableName: string;
  /** IANA zone that defines a day (`THERMO_TIMEZONE`). @default "UTC" */
  readonly timeZone: string;
  /** Unit assumed when a reading has none (`THERMO_DEFAULT_UNIT`). @default "F" */
  readonly defaultUnit: Unit;
  /** SHA-256 hashes of accepted tokens per scope (`THERMO_<SCOPE>_TOKEN_SHA256`, comma-separated hex). */
  readonly tokenHashes: Readonly<Record<Scope, readonly Uint8Array[]>>;
  /** Days a reading is kept before DynamoDB's TTL removes it (`THERMO_RETENTION_DAYS`); undefined keeps forever. */
  readonly retentionDays: number | undefined;
  /** Origins allowed to call the API from a browser (`THERMO_CORS_ORIGINS`, comma-separated); empty sends no CORS headers. */
  readonly corsOrigins: readonly string[];
  /**
   * Largest response body in bytes (`THERMO_MAX_RESPONSE_BYTES`). A Lambda function URL buffers at
   * most 6 MB per response, and binary bodies grow by a third in base64, so the default leaves room.
   * @default 4_000_000
   */
  readonly maxResponseBytes: number;
}

const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const ORIGIN = /^https?:\/\/[^/\s]+$/;

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function parseHashes(name: string, raw: string | undefined, problems: string[]): Uint8Array[] {
  if (raw === undefined || raw.trim() === "") return [];
  const hashes: Uint8Array[] = [];
  for (const [index, part] of raw.split(",").entries()) {
    const hex = part.trim().toLowerCase();
    if (SHA256_HEX.test(hex)) hashes.push(hexToBytes(hex));
    // The value is a hash, not a secret, but it is still left out of the message.
    else problems.push(`${name} entry ${index + 1} is not a 64-character hex SHA-256 hash (compute one with: printf %s "$TOKEN" | sha256sum)`);
  }
  return hashes;
}

/**
 * Reads the configuration from `env`.
 * @throws {ConfigError} listing every invalid variable
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const problems: string[] = [];

  const tableName = env.THERMO_TABLE?.trim() ?? "";
  if (!TABLE_NAME.test(tableName)) {
    problems.push(`THERMO_TABLE must name a DynamoDB table (3–255 of A–Z a–z 0–9 _ . -), got ${JSON.stringify(env.THERMO_TABLE ?? "")}`);
  }

  const timeZone = env.THERMO_TIMEZONE?.trim() || "UTC";
  if (!isValidTimeZone(timeZone)) problems.push(`THERMO_TIMEZONE ${JSON.stringify(timeZone)} is not an IANA time zone such as "UTC" or "America/Chicago"`);

  const unitRaw = env.THERMO_DEFAULT_UNIT?.trim() || "F";
  const defaultUnit = UNITS.find((unit) => unit === unitRaw);
  if (defaultUnit === undefined) problems.push(`THERMO_DEFAULT_UNIT must be "F" or "C", got ${JSON.stringify(unitRaw)}`);

  const tokenHashes = {
    ingest: parseHashes("THERMO_INGEST_TOKEN_SHA256", env.THERMO_INGEST_TOKEN_SHA256, problems),
    read: parseHashes("THERMO_READ_TOKEN_SHA256", env.THERMO_READ_TOKEN_SHA256, problems),
    admin: parseHashes("THERMO_ADMIN_TOKEN_SHA256", env.THERMO_ADMIN_TOKEN_SHA256, problems),
  };

  let retentionDays: number | undefined;
  const retentionRaw = env.THERMO_RETENTION_DAYS?.trim();
  if (retentionRaw !== undefined && retentionRaw !== "") {
    const value = Number(retentionRaw);
    if (Number.isInteger(value) && value >= 1 && value <= 36_500) retentionDays = value;
    else problems.push(`THERMO_RETENTION_DAYS must be a whole number of days from 1 to 36500, got ${JSON.stringify(retentionRaw)}`);
  }

  const corsOrigins: string[] = [];
  for (const origin of (env.THERMO_CORS_ORIGINS ?? "").split(",").map((part) => part.trim()).filter(Boolean)) {
    if (ORIGIN.test(origin)) corsOrigins.push(origin);
    else problems.push(`THERMO_CORS_ORIGINS entry ${JSON.stringify(origin)} is not an origin such as https://example.com`);
  }

  let maxResponseBytes = 4_000_000;
  const maxRaw = env.THERMO_MAX_RESPONSE_BYTES?.trim();
  if (maxRaw !== undefined && maxRaw !== "") {
    const value = Number(maxRaw);
    if (Number.isInteger(value) && value >= 1024) maxResponseBytes = value;
    else problems.push(`THERMO_MAX_RESPONSE_BYTES must be a whole number of bytes of at least 1024, got ${JSON.stringify(maxRaw)}`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    tableName,
    timeZone,
    defaultUnit: defaultUnit as Unit,
    tokenHashes: Object.freeze(tokenHashes),
    retentionDays,
    corsOrigins: Object.freeze(corsOrigins),
    maxResponseBytes,
  });
}
