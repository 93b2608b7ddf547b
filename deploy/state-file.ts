/**
 * The local deploy state: one JSON file per stage and region under
 * `$XDG_CONFIG_HOME/thermo/` (default `~/.config/thermo/`), mode 0600 in a
 * 0700 directory. It holds the only plaintext copy of the tokens, because AWS
 * receives only their hashes; when the file is lost, the tokens are lost.
 */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative, resolve, isAbsolute } from "node:path";
import { z } from "zod";
import { StateFileError } from "./errors.ts";
import { TOKEN_SCOPES } from "./tokens.ts";

const FILE_MODE = 0o600;
const DIRECTORY_MODE = 0o700;

const tokensSchema = z.strictObject(Object.fromEntries(TOKEN_SCOPES.map((scope) => [scope, z.string().min(20)])) as Record<(typeof TOKEN_SCOPES)[number], z.ZodString>);

/** A token that --rotate-tokens replaced and the function still accepts until --retire-old-tokens. */
const previousTokenSchema = z.strictObject({
  /** Lowercase hex SHA-256 of the token, as deployed. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The plaintext; absent for hashes found deployed after the state file was lost. */
  token: z.string().min(20).optional(),
  /** ISO time of the rotation that replaced it. */
  replacedAt: z.string(),
});

const previousTokensSchema = z.strictObject(
  Object.fromEntries(TOKEN_SCOPES.map((scope) => [scope, z.array(previousTokenSchema).min(1).optional()])) as Record<
    (typeof TOKEN_SCOPES)[number],
    z.ZodOptional<z.ZodArray<typeof previousTokenSchema>>
  >,
);

const stateSchema = z.strictObject({
  version: z.literal(1),
  stage: z.string(),
  region: z.string(),
  accountId: z.string().regex(/^\d{12}$/),
  /** The current token of each scope. */
  tokens: tokensSchema.optional(),
  /** ISO time of the last run that issued tokens, first deploy or rotation. */
  tokensIssuedAt: z.string().optional(),
  /** False until a run has printed the tokens of the last issue once. */
  tokensShown: z.boolean(),
  /** Scopes whose tokens the last issue created and that are not shown yet; absent means all three. */
  issuedScopes: z.array(z.enum(TOKEN_SCOPES)).optional(),
  /** Replaced tokens per scope, oldest first; a scope without any has no key. */
  previousTokens: previousTokensSchema.optional(),
  /** Set when AWS rejected the reservation because the account's concurrency is too low. */
  reservedConcurrencySkipped: z
    .strictObject({ requested: z.number().int(), skippedAt: z.string(), reason: z.string() })
    .optional(),
});

export type DeployState = z.infer<typeof stateSchema>;
export type PreviousToken = z.infer<typeof previousTokenSchema>;
export type PreviousTokens = z.infer<typeof previousTokensSchema>;

/**
 * Returns the state file path for `stage` and `region`.
 * @throws {StateFileError} when the resolved folder lies inside `workingDirectory`, where the tokens could be committed
 */
export function stateFilePath(options: { stage: string; region: string; env: Record<string, string | undefined>; workingDirectory: string }): string {
  const configHome = options.env.XDG_CONFIG_HOME && isAbsolute(options.env.XDG_CONFIG_HOME) ? options.env.XDG_CONFIG_HOME : join(options.env.HOME || homedir(), ".config");
  const path = join(configHome, "thermo", `deploy-${options.stage}-${options.region}.json`);
  const fromWorkingDirectory = relative(resolve(options.workingDirectory), path);
  if (!fromWorkingDirectory.startsWith("..") && !isAbsolute(fromWorkingDirectory)) {
    throw new StateFileError(path, `state file "${path}" would be inside the working directory, where the tokens could be committed`, {
      hint: "set XDG_CONFIG_HOME to a folder outside the repository, or unset it to use ~/.config",
    });
  }
  return path;
}

/**
 * Reads the state file, or returns undefined when there is none. A file that
 * others can read is narrowed to 0600 and reported through `onLooseMode`.
 * @throws {StateFileError} when the file cannot be read or does not match the schema
 */
export function readStateFile(path: string, onLooseMode?: (mode: number) => void): DeployState | undefined {
  let text: string;
  try {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      chmodSync(path, FILE_MODE);
      onLooseMode?.(mode);
    }
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new StateFileError(path, `cannot read state file "${path}": ${(error as Error).message}`, { cause: error });
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(path, `state file "${path}" is not valid JSON`, {
      hint: "restore it from a backup; if it is lost, move it away and run with --rotate-tokens to issue new tokens",
      cause: error,
    });
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(top level)"}: ${issue.message}`).join("; ");
    throw new StateFileError(path, `state file "${path}" has an unexpected shape: ${problems}`, {
      hint: "restore it from a backup; if it is lost, move it away and run with --rotate-tokens to issue new tokens",
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/**
 * Writes `state` atomically: a 0600 temporary file in the same folder,
 * flushed, then renamed over the old file, so a crash leaves either the old
 * or the new file and never a partial one.
 * @throws {StateFileError} when the folder or file cannot be written
 */
export function writeStateFile(path: string, state: DeployState): void {
  const directory = dirname(path);
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(directory, { recursive: true, mode: DIRECTORY_MODE });
    chmodSync(directory, DIRECTORY_MODE);
    const descriptor = openSync(temporary, "wx", FILE_MODE);
    try {
      writeSync(descriptor, JSON.stringify(stateSchema.parse(state), null, 2) + "\n");
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new StateFileError(path, `cannot write state file "${path}": ${(error as Error).message}`, { cause: error });
  }
}

/** Deletes the state file; a missing file is fine. */
export function deleteStateFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch (error) {
    throw new StateFileError(path, `cannot delete state file "${path}": ${(error as Error).message}`, { cause: error });
  }
}
