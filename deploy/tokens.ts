/**
 * Access tokens of the app. Deploy generates them, keeps the plaintext only
 * in the local state file and sends AWS nothing but their SHA-256 hashes.
 */
import { createHash } from "node:crypto";

export const TOKEN_SCOPES = ["ingest", "read", "admin"] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
export type Tokens = Readonly<Record<TokenScope, string>>;

/** Environment variable that holds the comma-separated hashes of each scope's tokens. */
export const TOKEN_HASH_VARIABLES: Readonly<Record<TokenScope, string>> = {
  ingest: "THERMO_INGEST_TOKEN_SHA256",
  read: "THERMO_READ_TOKEN_SHA256",
  admin: "THERMO_ADMIN_TOKEN_SHA256",
};

/** Bytes of randomness per token: 256 bits, 43 base64url characters. */
export const TOKEN_BYTES = 32;

/** Returns one new token: 32 random bytes from crypto.getRandomValues, base64url without padding. */
export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(TOKEN_BYTES));
  return Buffer.from(bytes).toString("base64url");
}

/** Returns a new token for every scope. */
export function generateTokens(): Tokens {
  return { ingest: generateToken(), read: generateToken(), admin: generateToken() };
}

/** Returns the lowercase hex SHA-256 of `token`, as the app compares it. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * Maximum number of hashes in one scope's variable: the current token's and
 * the replaced ones'. Lambda allows 4 KB for all environment variables of a
 * function together ("Lambda quotas" in the Lambda Developer Guide). Each hash
 * takes 65 bytes, so three full scopes use under half of that.
 */
export const MAX_HASHES_PER_SCOPE = 10;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Returns whether `value` is a lowercase hex SHA-256, the form the app accepts. */
export function isTokenHash(value: string): boolean {
  return SHA256_HEX.test(value);
}

/** Splits a THERMO_*_TOKEN_SHA256 value into its entries, trimmed and lowercased, empty ones dropped. */
export function splitHashList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== "");
}
