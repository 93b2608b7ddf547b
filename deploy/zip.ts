/**
 * Deterministic deployment package: the same handler file always gives the
 * same zip bytes and so the same SHA-256, which deploy compares with the
 * function's CodeSha256 to decide whether the code changed.
 */
import { createHash } from "node:crypto";
import { zipSync, type ZipAttributes } from "fflate";

/**
 * Entry time of every file. The zip format stores local wall-clock fields and
 * fflate fills them from the Date's local-time getters, so the Date is built
 * from local components: the stored fields are 1980-01-01 00:00 in every time
 * zone. 1980 is the earliest date the format can hold.
 */
const FIXED_ENTRY_TIME = new Date(1980, 0, 1, 0, 0, 0);

/** Unix regular file, rw-r--r--, in the upper 16 bits of the external attributes. */
const ENTRY_ATTRIBUTES: ZipAttributes = { os: 3, attrs: (0o100644 << 16) >>> 0, mtime: FIXED_ENTRY_TIME };

/** Compression level; fixed so a change of fflate's default cannot change the hash. */
const COMPRESSION_LEVEL = 9;

export interface DeploymentPackage {
  readonly zip: Uint8Array;
  /** Base64 SHA-256 of the zip, the form Lambda reports as CodeSha256. */
  readonly sha256Base64: string;
}

/** Zips `files` (name → contents) with sorted entries, fixed times and fixed attributes. */
export function zipDeterministic(files: Readonly<Record<string, Uint8Array>>): DeploymentPackage {
  const entries: Record<string, [Uint8Array, ZipAttributes & { level: typeof COMPRESSION_LEVEL }]> = {};
  for (const name of Object.keys(files).sort()) {
    entries[name] = [files[name]!, { ...ENTRY_ATTRIBUTES, level: COMPRESSION_LEVEL }];
  }
  const zip = zipSync(entries);
  return { zip, sha256Base64: codeSha256(zip) };
}

/** Returns the base64 SHA-256 of `bytes`, as Lambda's CodeSha256. */
export function codeSha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64");
}
