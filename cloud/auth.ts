/**
 * Bearer-token authentication with per-scope token lists. Only SHA-256 hashes
 * of tokens are configured. A presented token is hashed and compared against
 * every configured hash in constant time, so timing reveals neither which
 * hash matched nor how much of it.
 */
import type { AppConfig, Scope } from "./config.ts";

const encoder = new TextEncoder();
/** Longer tokens are rejected before hashing; generated tokens are 43 characters. */
export const MAX_TOKEN_LENGTH = 512;

/** The form of token that the API can accept, for messages about configured tokens. */
export const TOKEN_FORM = `1 to ${MAX_TOKEN_LENGTH} characters with no spaces or other whitespace`;

/**
 * Returns whether `token` can pass in an `Authorization: Bearer` header:
 * {@link bearerToken} rejects a header whose token contains whitespace, and
 * {@link isTokenValid} rejects empty tokens and tokens over {@link MAX_TOKEN_LENGTH} characters.
 */
export function isTokenWellFormed(token: string): boolean {
  return token.length > 0 && token.length <= MAX_TOKEN_LENGTH && !/\s/.test(token);
}

/** Returns the SHA-256 digest of `token`. */
export async function sha256(token: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(token)));
}

/** Returns the lower-case hex SHA-256 of `token`, the form the configuration takes. */
export async function sha256Hex(token: string): Promise<string> {
  return Array.from(await sha256(token), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Compares two equal-length byte arrays without an early exit. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

/** Returns whether `token` is accepted for `scope`; checks every hash so the time does not depend on which matched. */
export async function isTokenValid(config: AppConfig, scope: Scope, token: string | undefined): Promise<boolean> {
  if (token === undefined || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return false;
  const digest = await sha256(token);
  let matched = false;
  for (const hash of config.tokenHashes[scope]) matched = constantTimeEqual(digest, hash) || matched;
  return matched;
}

/** Returns the token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match?.[1];
}

/** Generates a random token: 32 bytes, base64url, 43 characters. */
export function generateToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
