/**
 * Parses the command line and the optional config file once, into a frozen
 * `DeployOptions`. Precedence: flag, then config file key, then default.
 * Every rejected value names the option, the value and what is allowed.
 */
import { parseArgs } from "node:util";
import { assertTimeZone } from "../time/zone.ts";
import { readConfigFile, type ConfigFileSettings } from "./config-file.ts";
import { OptionError } from "./errors.ts";
import { TOKEN_SCOPES, type TokenScope } from "./tokens.ts";

/** Retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS_ALLOWED = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const DEFAULTS = Object.freeze({
  stage: "prod",
  timezone: "UTC",
  defaultUnit: "F" as const,
  logRetentionDays: 30,
  /** A cost ceiling: one device needs 1, the dashboard a few more. */
  reservedConcurrency: 5,
});

/** Upper bound of `--retention-days`: the range the app accepts in THERMO_RETENTION_DAYS. */
export const MAX_RETENTION_DAYS = 36_500;
/** Highest reserved concurrency deploy sets; AWS accounts start with a limit of 1,000 at most. */
export const MAX_RESERVED_CONCURRENCY = 1000;

export interface DeployOptions {
  readonly mode: "deploy" | "destroy";
  /** Print what would change and change nothing. */
  readonly isPlan: boolean;
  /** Print the machine-readable summary on stdout; human lines go to stderr. */
  readonly isJson: boolean;
  /** AWS region; undefined means the SDK's chain (AWS_REGION, the profile). */
  readonly region: string | undefined;
  /** Named profile; undefined means the SDK's default chain. */
  readonly profile: string | undefined;
  readonly stage: string;
  readonly timezone: string;
  /** Days readings are kept (DynamoDB TTL); undefined keeps them forever. */
  readonly retentionDays: number | undefined;
  readonly logRetentionDays: number;
  /** Reserved concurrency of the function, or null for none. */
  readonly reservedConcurrency: number | null;
  readonly corsOrigins: readonly string[];
  readonly defaultUnit: "F" | "C";
  /** Issue new tokens for `tokenScopes`; the current ones stay accepted until `retireOldTokens`. */
  readonly rotateTokens: boolean;
  /** Stop accepting the tokens that an earlier rotation replaced in `tokenScopes`. */
  readonly retireOldTokens: boolean;
  /** Scopes that rotation or retirement acts on, in TOKEN_SCOPES order; all three unless `--scope` is given. */
  readonly tokenScopes: readonly TokenScope[];
  readonly deleteData: boolean;
  readonly yes: boolean;
  /** A prebuilt bundle to deploy instead of running the build. */
  readonly bundlePath: string | undefined;
  readonly configPath: string | undefined;
}

export type ParsedCommand = { readonly help: true } | { readonly help: false; readonly options: DeployOptions };

const FLAGS = {
  region: { type: "string" },
  profile: { type: "string" },
  stage: { type: "string" },
  timezone: { type: "string" },
  "retention-days": { type: "string" },
  "log-retention-days": { type: "string" },
  "reserved-concurrency": { type: "string" },
  "cors-origin": { type: "string", multiple: true },
  "default-unit": { type: "string" },
  bundle: { type: "string" },
  config: { type: "string" },
  "rotate-tokens": { type: "boolean" },
  "retire-old-tokens": { type: "boolean" },
  scope: { type: "string", multiple: true },
  json: { type: "boolean" },
  plan: { type: "boolean" },
  destroy: { type: "boolean" },
  "delete-data": { type: "boolean" },
  yes: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** One raw setting and where it came from, so a message can name the right option. */
interface Sourced<T> {
  value: T;
  label: string;
}

/**
 * Parses `argv` (without the runtime and script) into options.
 * @throws {OptionError} for unknown flags, missing values, invalid values and conflicting flags
 * @throws {ConfigFileError} when `--config` names a file that cannot be used
 */
export function parseOptions(argv: readonly string[]): ParsedCommand {
  const flags = parseFlags(argv);
  if (flags.help) return { help: true };

  const configPath = flags.config;
  const file: ConfigFileSettings = configPath === undefined ? {} : readConfigFile(configPath);
  const fileLabel = (key: string) => `${key} in ${configPath}`;

  function pick<T>(flag: keyof typeof FLAGS, flagValue: T | undefined, key: keyof ConfigFileSettings, fileValue: T | undefined): Sourced<T> | undefined {
    if (flagValue !== undefined) return { value: flagValue, label: `--${flag}` };
    if (fileValue !== undefined) return { value: fileValue, label: fileLabel(key) };
    return undefined;
  }

  const region = pick("region", flags.region, "region", file.region);
  const profile = pick("profile", flags.profile, "profile", file.profile);
  const stage = pick("stage", flags.stage, "stage", file.stage);
  const timezone = pick("timezone", flags.timezone, "timezone", file.timezone);
  const retention = pick<string | number>("retention-days", flags["retention-days"], "retention_days", file.retention_days);
  const logRetention = pick<string | number>("log-retention-days", flags["log-retention-days"], "log_retention_days", file.log_retention_days);
  const concurrency = pick<string | number>("reserved-concurrency", flags["reserved-concurrency"], "reserved_concurrency", file.reserved_concurrency);
  const cors = pick<readonly string[]>("cors-origin", flags["cors-origin"], "cors_origins", file.cors_origins);
  const unit = pick("default-unit", flags["default-unit"], "default_unit", file.default_unit);
  const bundle = pick("bundle", flags.bundle, "bundle", file.bundle);

  const mode = flags.destroy === true ? "destroy" : "deploy";
  const deleteData = flags["delete-data"] === true;
  const rotateTokens = flags["rotate-tokens"] === true;
  if (deleteData && mode !== "destroy") {
    throw new OptionError("--delete-data", true, "--delete-data is only valid with --destroy", {
      hint: "run `bun run deploy.ts --destroy --delete-data` to remove everything including the table",
    });
  }
  if (rotateTokens && mode === "destroy") {
    throw new OptionError("--rotate-tokens", true, "--rotate-tokens cannot be combined with --destroy");
  }
  const retireOldTokens = flags["retire-old-tokens"] === true;
  if (retireOldTokens && mode === "destroy") {
    throw new OptionError("--retire-old-tokens", true, "--retire-old-tokens cannot be combined with --destroy");
  }
  if (rotateTokens && retireOldTokens) {
    throw new OptionError("--retire-old-tokens", true, "--retire-old-tokens cannot be combined with --rotate-tokens: together they would cut off every client at once", {
      hint: "run --rotate-tokens, move the devices and the dashboard to the new tokens, then run --retire-old-tokens",
    });
  }
  if (flags.scope !== undefined && !rotateTokens && !retireOldTokens) {
    throw new OptionError("--scope", flags.scope.join(","), "--scope is only valid with --rotate-tokens or --retire-old-tokens");
  }

  return {
    help: false,
    options: Object.freeze({
      mode,
      isPlan: flags.plan === true,
      isJson: flags.json ?? file.json ?? false,
      region: region === undefined ? undefined : validateRegion(region),
      profile: profile === undefined ? undefined : validateProfile(profile),
      stage: stage === undefined ? DEFAULTS.stage : validateStage(stage),
      timezone: timezone === undefined ? DEFAULTS.timezone : validateTimezone(timezone),
      retentionDays: retention === undefined ? undefined : validateInteger(retention, 1, MAX_RETENTION_DAYS),
      logRetentionDays: logRetention === undefined ? DEFAULTS.logRetentionDays : validateLogRetention(logRetention),
      reservedConcurrency: concurrency === undefined ? DEFAULTS.reservedConcurrency : validateConcurrency(concurrency),
      corsOrigins: cors === undefined ? [] : Object.freeze(validateCorsOrigins(cors)),
      defaultUnit: unit === undefined ? DEFAULTS.defaultUnit : validateUnit(unit),
      rotateTokens,
      retireOldTokens,
      tokenScopes: Object.freeze(flags.scope === undefined ? [...TOKEN_SCOPES] : validateScopes(flags.scope)),
      deleteData,
      yes: flags.yes === true,
      bundlePath: bundle === undefined ? undefined : validateNonEmpty(bundle),
      configPath,
    }),
  };
}

type Flags = { [K in keyof typeof FLAGS]?: (typeof FLAGS)[K] extends { multiple: true } ? string[] : (typeof FLAGS)[K]["type"] extends "boolean" ? boolean : string };

function parseFlags(argv: readonly string[]): Flags {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: FLAGS, strict: true, allowPositionals: true });
    if (positionals.length > 0) {
      throw new OptionError(positionals[0]!, positionals[0], `unexpected argument "${positionals[0]}": deploy takes only options`, {
        hint: "run `bun run deploy.ts --help` to list them",
      });
    }
    return values as Flags;
  } catch (error) {
    if (error instanceof OptionError) throw error;
    throw translateParseError(error);
  }
}

/** Turns node:util parseArgs errors into OptionErrors with our wording. */
function translateParseError(error: unknown): OptionError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? "(unknown)";
  const hint = "run `bun run deploy.ts --help` to list the options";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return new OptionError(option, undefined, `unknown option ${option}`, { hint, cause: error });
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const takesValue = option.replace(/^-+/, "") in FLAGS && FLAGS[option.replace(/^-+/, "") as keyof typeof FLAGS].type === "string";
    const detail = takesValue ? `missing value for ${option}` : `${option} takes no value`;
    return new OptionError(option, undefined, detail, { hint, cause: error });
  }
  return new OptionError(option, undefined, `invalid command line: ${message}`, { hint, cause: error });
}

const STAGE_PATTERN = /^[a-z](?:[a-z0-9]|-(?!-)){0,22}[a-z0-9]$|^[a-z]$/;

/** Stage: 1–24 characters of a–z, 0–9 and single hyphens, starting with a letter, not ending with a hyphen. */
function validateStage({ value, label }: Sourced<string>): string {
  if (!STAGE_PATTERN.test(value)) {
    throw new OptionError(label, value, `invalid ${label} "${value}": use 1–24 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen`, {
      hint: "the stage prefixes every resource name (thermo-<stage>), e.g. prod or test-2",
    });
  }
  return value;
}

/** Region names such as us-east-1, eu-central-2, us-gov-west-1, cn-north-1. */
function validateRegion({ value, label }: Sourced<string>): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(value)) {
    throw new OptionError(label, value, `invalid ${label} "${value}": expected an AWS region name such as us-east-1 or eu-central-1`);
  }
  return value;
}

function validateProfile({ value, label }: Sourced<string>): string {
  if (!/^[\w.+@=,-]{1,128}$/.test(value)) {
    throw new OptionError(label, value, `invalid ${label} "${value}": expected a profile name from ~/.aws/config, such as default or thermo`);
  }
  return value;
}

function validateTimezone({ value, label }: Sourced<string>): string {
  try {
    return assertTimeZone(value);
  } catch (error) {
    throw new OptionError(label, value, `invalid ${label} "${value}": not an IANA time zone name; use one such as UTC or America/Chicago`, { cause: error });
  }
}

function toInteger({ value, label }: Sourced<string | number>, allowed: string): number {
  const number = typeof value === "number" ? value : /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(number)) {
    throw new OptionError(label, value, `invalid ${label} "${value}": expected a whole number, ${allowed}`);
  }
  return number;
}

function validateInteger(sourced: Sourced<string | number>, min: number, max: number): number {
  const allowed = `${min} to ${max}`;
  const number = toInteger(sourced, allowed);
  if (number < min || number > max) {
    throw new OptionError(sourced.label, sourced.value, `invalid ${sourced.label} ${number}: expected ${allowed}`);
  }
  return number;
}

function validateLogRetention(sourced: Sourced<string | number>): number {
  const allowed = `one of ${LOG_RETENTION_DAYS_ALLOWED.join(", ")}`;
  const number = toInteger(sourced, allowed);
  if (!(LOG_RETENTION_DAYS_ALLOWED as readonly number[]).includes(number)) {
    throw new OptionError(sourced.label, sourced.value, `invalid ${sourced.label} ${number}: CloudWatch Logs accepts ${allowed}`);
  }
  return number;
}

function validateConcurrency(sourced: Sourced<string | number>): number | null {
  if (sourced.value === "none") return null;
  const allowed = `1 to ${MAX_RESERVED_CONCURRENCY}, or none for no reservation`;
  const number = toInteger(sourced, allowed);
  if (number < 1 || number > MAX_RESERVED_CONCURRENCY) {
    throw new OptionError(sourced.label, sourced.value, `invalid ${sourced.label} ${number}: expected ${allowed}`, {
      hint: "0 would stop every invocation; use none to remove the reservation",
    });
  }
  return number;
}

/**
 * CORS origins: scheme://host[:port] with http or https and nothing after it.
 * The app rejects `*` in THERMO_CORS_ORIGINS, so deploy does too.
 */
function validateCorsOrigins({ value, label }: Sourced<readonly string[]>): string[] {
  const origins: string[] = [];
  for (const origin of value) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    const isOrigin = url !== undefined && (url.protocol === "https:" || url.protocol === "http:") && url.origin === origin.replace(/\/$/, "");
    if (!isOrigin) {
      throw new OptionError(label, origin, `invalid ${label} "${origin}": expected an origin such as https://example.com or http://localhost:5173 (scheme, host and optional port, no path)`);
    }
    origins.push(url!.origin);
  }
  return [...new Set(origins)];
}

/**
 * Token scopes from `--scope`, which may repeat and may hold a comma-separated
 * list. Returns them without duplicates, in TOKEN_SCOPES order.
 */
function validateScopes(values: readonly string[]): TokenScope[] {
  const requested = new Set<string>();
  for (const value of values) {
    for (const part of value.split(",")) {
      const scope = part.trim();
      if (!(TOKEN_SCOPES as readonly string[]).includes(scope)) {
        const shown = scope === "" ? `an empty scope in "${value}"` : `"${scope}"`;
        throw new OptionError("--scope", value, `invalid --scope: ${shown} is not a token scope; expected ${TOKEN_SCOPES.join(", ")}`, {
          hint: "repeat --scope or separate scopes with commas, e.g. --scope ingest,read",
        });
      }
      requested.add(scope);
    }
  }
  return TOKEN_SCOPES.filter((scope) => requested.has(scope));
}

function validateUnit({ value, label }: Sourced<string>): "F" | "C" {
  if (value !== "F" && value !== "C") {
    throw new OptionError(label, value, `invalid ${label} "${value}": expected F or C`);
  }
  return value;
}

function validateNonEmpty({ value, label }: Sourced<string>): string {
  if (value.trim() === "") throw new OptionError(label, value, `invalid ${label}: the path is empty`);
  return value;
}
