/**
 * Reads the optional deploy config file (`--config FILE`, JSON or TOML) into
 * raw settings. Keys are the flag names in snake_case (`retention_days` for
 * `--retention-days`). Values are checked for type here and for range later
 * by `parseOptions`, which treats them exactly like flags (flags win).
 */
import { readFileSync } from "node:fs";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import { ConfigFileError } from "./errors.ts";

/**
 * Flags that act on one run rather than describe the installation. A config
 * file that could destroy, delete data or skip the confirmation on every run
 * is a trap, so these are rejected in the file with a clear message.
 */
export const RUN_ONLY_KEYS = ["plan", "destroy", "delete_data", "yes", "rotate_tokens", "retire_old_tokens", "scope", "help", "config"] as const;

const configFileSchema = z.strictObject({
  region: z.string().optional(),
  profile: z.string().optional(),
  stage: z.string().optional(),
  timezone: z.string().optional(),
  retention_days: z.number().optional(),
  log_retention_days: z.number().optional(),
  reserved_concurrency: z.union([z.number(), z.literal("none")]).optional(),
  cors_origins: z.array(z.string()).optional(),
  default_unit: z.string().optional(),
  bundle: z.string().optional(),
  json: z.boolean().optional(),
});

export type ConfigFileSettings = z.infer<typeof configFileSchema>;

/** Every key the config file accepts, for messages and the usage text. */
export const CONFIG_FILE_KEYS = Object.keys(configFileSchema.shape);

/**
 * Reads and type-checks the config file at `path`.
 * @throws {ConfigFileError} when the file is missing, unreadable, not valid JSON/TOML, or has unknown or mistyped keys
 */
export function readConfigFile(path: string): ConfigFileSettings {
  if (!/\.(json|toml)$/i.test(path)) {
    throw new ConfigFileError(path, `invalid config file name "${path}": the name must end in .json or .toml`);
  }

  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "file not found" : `read failed (${code ?? String(error)})`;
    throw new ConfigFileError(path, `cannot read config file "${path}": ${reason}`, { cause: error });
  }

  let raw: unknown;
  try {
    raw = path.toLowerCase().endsWith(".toml") ? parseToml(text) : JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ConfigFileError(path, `invalid config file "${path}": ${detail}`, { cause: error });
  }

  if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
    for (const key of RUN_ONLY_KEYS) {
      if (key in raw) {
        throw new ConfigFileError(path, `key "${key}" is not allowed in config file "${path}": it acts on one run only`, {
          hint: `pass --${key.replaceAll("_", "-")} on the command line instead`,
        });
      }
    }
  }

  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => describeIssue(issue)).join("; ");
    throw new ConfigFileError(path, `invalid config file "${path}": ${problems}`, {
      hint: `allowed keys: ${CONFIG_FILE_KEYS.join(", ")}`,
      cause: parsed.error,
    });
  }
  return parsed.data;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return `unknown key ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
  const key = issue.path.join(".") || "(top level)";
  return `"${key}": ${issue.message}`;
}
