/**
 * Builds the device configuration from its three layers. Precedence: flags
 * win over `THERMO_*` environment variables, which win over the TOML file,
 * which wins over the defaults in keys.ts. The result is checked as a whole
 * and frozen; every problem names the key, where it came from, the value and
 * what is allowed.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import { SETPOINT_RANGE, type Unit } from "../../schema.ts";
import { TimeZoneError } from "../../time/errors.ts";
import { findSystemZone, loadZone, type SystemZone } from "../../time/system-zone.ts";
import type { TimeZone } from "../../time/time-zone.ts";
import { checkBcm, checkHeaderPin } from "./pins.ts";
import { ConfigError, type ConfigProblem, type ConfigSource } from "./errors.ts";
import { redactUrl } from "./redact-url.ts";
import {
  CONFIG_KEYS,
  CONFIG_KEY_NAMES,
  UNIT_LIMITS,
  envNameOf,
  flagNameOf,
  type ConfigKeyName,
  type Ds18b20Source,
  type RelayKind,
  type SensorKind,
} from "./keys.ts";

/** Path of the configuration file when neither `--config` nor `THERMO_CONFIG` names one. */
export const DEFAULT_CONFIG_PATH = "/etc/thermo/thermo.toml";

/** The checked, frozen device configuration. Keys match the file, with pins and secrets resolved. */
export interface DeviceConfig {
  readonly api_url: string | undefined;
  readonly ingest_token: string | undefined;
  readonly device_id: string;
  readonly sensor: SensorKind;
  readonly dht_type: 11 | 22;
  readonly sensor_bcm: number;
  readonly ds18b20_id: string | undefined;
  readonly ds18b20_source: Ds18b20Source;
  readonly relay: RelayKind;
  readonly relay_bcm: number;
  /** Physical header pin of `relay_bcm`, for logs and status. */
  readonly relay_header_pin: number;
  readonly relay_active_low: boolean;
  readonly gpio_chip_label: string | undefined;
  readonly sysfs_root: string;
  readonly dev_root: string;
  readonly data_dir: string;
  readonly node_modules_dir: string;
  readonly poll_interval_s: number;
  readonly upload_interval_s: number;
  readonly setpoint: number;
  readonly unit: Unit;
  readonly timezone: string;
  /** The rules of `timezone`, read from the tz database at load, so formatting a timestamp reads no file. */
  readonly zone: TimeZone;
  readonly cold_tolerance_deg: number;
  readonly hot_tolerance_deg: number;
  readonly min_on_s: number;
  readonly min_off_s: number;
  readonly max_on_s: number;
  readonly over_temp_cutoff: number;
  readonly runaway_window_s: number;
  readonly runaway_min_rise_deg: number;
  readonly runaway_lockout_s: number;
  readonly stale_after_s: number;
  readonly outbox_max_readings: number;
  readonly upload_batch_size: number;
  readonly request_timeout_s: number;
  readonly api_bind: string;
  readonly api_port: number;
  readonly api_token: string | undefined;
  readonly speed: number;
  readonly log_level: "debug" | "info" | "warn" | "error";
  /** The file that was read, or undefined when none was found at the default path. */
  readonly config_path: string | undefined;
}

export interface LoadConfigOptions {
  /** Settings from flags, by key (`relay_bcm`); `true` for a flag given without a value. */
  flags?: Partial<Record<string, string | boolean>>;
  /** The environment. @default process.env */
  env?: Record<string, string | undefined>;
  /** Reads a text file. @default readFileSync as UTF-8 */
  readTextFile?: (path: string) => string;
  /** The system's time zone, used when `timezone` is not set. @default findSystemZone: TZ, /etc/localtime, /etc/timezone, then UTC */
  systemTimeZone?: string;
  /** Folder of the compiled tz database. @default "/usr/share/zoneinfo" */
  zoneinfoDir?: string;
  /** Folder of the running program, the base of the default `node_modules_dir`. @default the executable's folder */
  programDir?: string;
}

interface RawSetting {
  value: unknown;
  source: ConfigSource;
  origin: string;
}

const SECONDS_PER_DAY = 86_400;
/** The outbox keeps at least this many days of readings by default. */
export const OUTBOX_DEFAULT_DAYS = 30;

const UNIT_DEFAULTS = {
  F: { setpoint: 50, cold_tolerance_deg: 1, hot_tolerance_deg: 1, over_temp_cutoff: 95, runaway_min_rise_deg: 1 },
  C: { setpoint: 10, cold_tolerance_deg: 0.5, hot_tolerance_deg: 0.5, over_temp_cutoff: 35, runaway_min_rise_deg: 0.5 },
} as const;

const FIXED_DEFAULTS: Partial<Record<ConfigKeyName, unknown>> = {
  device_id: "thermostat",
  sensor: "iio-dht",
  dht_type: 22,
  ds18b20_source: "w1_slave",
  relay: "gpio-cdev",
  relay_active_low: false,
  sysfs_root: "/sys",
  dev_root: "/dev",
  data_dir: "/var/lib/thermo",
  poll_interval_s: 15,
  upload_interval_s: 60,
  unit: "F",
  min_on_s: 120,
  min_off_s: 120,
  max_on_s: 3600,
  runaway_window_s: 1200,
  runaway_lockout_s: 3600,
  stale_after_s: 120,
  upload_batch_size: 500,
  request_timeout_s: 30,
  api_bind: "127.0.0.1",
  api_port: 8781,
  speed: 1,
  log_level: "info",
};

const NUMBER_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const TRUE_WORDS = new Set(["true", "1", "yes", "on"]);
const FALSE_WORDS = new Set(["false", "0", "no", "off"]);

/** Converts text from the environment or a flag to the key's type. Text that does not fit stays text, so the schema reports it. */
function coerceText(key: ConfigKeyName, raw: string | boolean): unknown {
  const kind = CONFIG_KEYS[key].kind;
  if (typeof raw === "boolean") return kind === "boolean" ? raw : "";
  const text = raw.trim();
  if ((kind === "number" || kind === "integer") && NUMBER_TEXT.test(text)) return Number(text);
  if (kind === "boolean") {
    if (TRUE_WORDS.has(text.toLowerCase())) return true;
    if (FALSE_WORDS.has(text.toLowerCase())) return false;
  }
  return text;
}

function isConfigKey(key: string): key is ConfigKeyName {
  return Object.hasOwn(CONFIG_KEYS, key);
}

/** Suggests the closest key for a misspelt one. */
function suggestKey(key: string): string {
  const stem = key.toLowerCase().replace(/[^a-z]/g, "");
  const match = CONFIG_KEY_NAMES.find((name) => name.replace(/_/g, "").includes(stem) || stem.includes(name.replace(/_/g, "")));
  if (key === "relay_pin" || key === "pin") return "; use relay_bcm (BCM GPIO number) or relay_header_pin (physical pin)";
  return match === undefined ? "; see thermo --help for the keys" : `; did you mean ${match}?`;
}

function readFileLayer(path: string, readTextFile: (path: string) => string, isExplicit: boolean, problems: ConfigProblem[]): Map<string, RawSetting> | undefined {
  let text: string;
  try {
    text = readTextFile(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ENOENT" && !isExplicit) return undefined;
    problems.push({ key: "config", source: "flag", origin: "--config", value: path, message: `cannot read the file (${code ?? String(error)})` });
    return new Map();
  }

  let document: Record<string, unknown>;
  try {
    document = parseToml(text);
  } catch (error) {
    const where = error instanceof TomlError ? ` at line ${error.line}, column ${error.column}` : "";
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ConfigError([{ key: "config", source: "file", origin: path, value: path, message: `is not valid TOML${where}: ${reason}` }], { cause: error });
  }

  const layer = new Map<string, RawSetting>();
  for (const [key, value] of Object.entries(document)) {
    if (!isConfigKey(key)) {
      problems.push({ key, source: "file", origin: path, value, message: `is not a configuration key${suggestKey(key)}` });
      continue;
    }
    layer.set(key, { value, source: "file", origin: path });
  }
  return layer;
}

function readEnvLayer(env: Record<string, string | undefined>): Map<string, RawSetting> {
  const layer = new Map<string, RawSetting>();
  const known = new Set(CONFIG_KEY_NAMES.map(envNameOf));
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith("THERMO_") || raw === undefined || raw === "") continue;
    const key = name.slice("THERMO_".length).toLowerCase();
    // THERMO_CONFIG names the file, and the cloud app's variables share the prefix, so unknown names are skipped.
    if (!known.has(name)) continue;
    layer.set(key, { value: coerceText(key as ConfigKeyName, raw), source: "env", origin: name });
  }
  return layer;
}

function readFlagLayer(flags: Partial<Record<string, string | boolean>>, problems: ConfigProblem[]): Map<string, RawSetting> {
  const layer = new Map<string, RawSetting>();
  for (const [key, raw] of Object.entries(flags)) {
    if (raw === undefined) continue;
    if (!isConfigKey(key)) {
      problems.push({ key, source: "flag", origin: flagNameOf(key), value: raw, message: `is not an option${suggestKey(key)}` });
      continue;
    }
    layer.set(key, { value: coerceText(key, raw), source: "flag", origin: flagNameOf(key) });
  }
  return layer;
}

function readSecretFile(path: string, readTextFile: (path: string) => string): { ok: true; value: string } | { ok: false; message: string } {
  let text: string;
  try {
    text = readTextFile(path);
  } catch (error) {
    return { ok: false, message: `cannot read the token file (${(error as { code?: string }).code ?? String(error)})` };
  }
  const firstLine = text.split(/\r?\n/, 1)[0]?.trim() ?? "";
  if (firstLine === "") return { ok: false, message: "the token file is empty; put the token on its first line" };
  return { ok: true, value: firstLine };
}

/** Returns whether an address is on this machine only. */
export function isLoopbackAddress(address: string): boolean {
  return address === "localhost" || address === "::1" || address === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(address);
}

/**
 * Reads, merges and checks the configuration.
 * @throws {ConfigError} listing every invalid setting
 */
export function loadConfig(options: LoadConfigOptions = {}): DeviceConfig {
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const readTextFile = options.readTextFile ?? ((path: string) => readFileSync(path, "utf8"));
  const problems: ConfigProblem[] = [];

  const explicitPath = typeof flags.config === "string" ? flags.config : env.THERMO_CONFIG || undefined;
  const configPath = explicitPath ?? DEFAULT_CONFIG_PATH;
  const fileLayer = readFileLayer(configPath, readTextFile, explicitPath !== undefined, problems);
  const { config: _config, ...settingFlags } = flags;
  const layers = [fileLayer ?? new Map<string, RawSetting>(), readEnvLayer(env), readFlagLayer(settingFlags, problems)];

  // Merge: a later layer replaces an earlier one key by key.
  const merged = new Map<ConfigKeyName, RawSetting>();
  const overridden: Array<{ key: ConfigKeyName; setting: RawSetting }> = [];
  for (const layer of layers) {
    for (const [key, setting] of layer) {
      const earlier = merged.get(key as ConfigKeyName);
      if (earlier !== undefined) overridden.push({ key: key as ConfigKeyName, setting: earlier });
      merged.set(key as ConfigKeyName, setting);
    }
  }

  // Check each key on its own.
  const values = new Map<ConfigKeyName, unknown>();
  for (const [key, setting] of merged) {
    const result = CONFIG_KEYS[key].schema.safeParse(setting.value);
    if (result.success) values.set(key, result.data);
    else problems.push({ ...setting, key, message: result.error.issues[0]?.message ?? "is invalid" });
  }
  // An invalid value that another source overrides is still a fault: it takes effect once the override goes.
  for (const { key, setting } of overridden) {
    const result = CONFIG_KEYS[key].schema.safeParse(setting.value);
    if (result.success) continue;
    const winner = merged.get(key)?.origin ?? key;
    problems.push({ ...setting, key, message: `${result.error.issues[0]?.message ?? "is invalid"} (overridden by ${winner}, but fix it here too)` });
  }
  const problemAt = (key: string, message: string, value?: unknown) => {
    const setting = merged.get(key as ConfigKeyName);
    problems.push({ key, source: setting?.source ?? "default", origin: setting?.origin ?? key, value: value ?? setting?.value ?? values.get(key as ConfigKeyName), message });
  };
  const get = <T>(key: ConfigKeyName, fallback?: T): T => (values.has(key) ? values.get(key) : (FIXED_DEFAULTS[key] ?? fallback)) as T;
  const isSet = (key: ConfigKeyName) => merged.has(key);

  const unit = get<Unit>("unit");
  const unitDefaults = UNIT_DEFAULTS[unit] ?? UNIT_DEFAULTS.F;
  const num = (key: keyof typeof unitDefaults) => get<number>(key, unitDefaults[key]);

  // Secrets: a value or a file, not both.
  const resolveSecret = (valueKey: ConfigKeyName, fileKey: ConfigKeyName): string | undefined => {
    if (isSet(valueKey) && isSet(fileKey)) {
      problemAt(fileKey, `set either ${valueKey} or ${fileKey}, not both`);
      return undefined;
    }
    const filePath = values.get(fileKey);
    if (typeof filePath !== "string") return values.get(valueKey) as string | undefined;
    const secret = readSecretFile(filePath, readTextFile);
    if (!secret.ok) problemAt(fileKey, secret.message);
    return secret.ok ? secret.value : undefined;
  };
  const ingestToken = resolveSecret("ingest_token", "ingest_token_file");
  const apiToken = resolveSecret("api_token", "api_token_file");

  // Pins: by BCM number, or by header pin under its own key.
  const resolvePin = (bcmKey: ConfigKeyName, headerKey: ConfigKeyName, fallbackBcm: number) => {
    if (isSet(bcmKey) && isSet(headerKey)) {
      problemAt(headerKey, `set either ${bcmKey} or ${headerKey}, not both`);
      return { bcm: fallbackBcm, headerPin: 0 };
    }
    const check = values.has(headerKey) ? checkHeaderPin(values.get(headerKey) as number) : checkBcm(get<number>(bcmKey, fallbackBcm));
    if (!check.ok) {
      problemAt(values.has(headerKey) ? headerKey : bcmKey, check.reason);
      return { bcm: fallbackBcm, headerPin: 0 };
    }
    return { bcm: check.bcm, headerPin: check.headerPin };
  };
  const relayPin = resolvePin("relay_bcm", "relay_header_pin", 17);
  const sensorPin = resolvePin("sensor_bcm", "sensor_header_pin", 4);
  const sensor = get<SensorKind>("sensor");
  const relay = get<RelayKind>("relay");
  if ((sensor === "iio-dht" || sensor === "node-dht-sensor") && relay !== "simulated" && relayPin.bcm === sensorPin.bcm) {
    problemAt("relay_bcm", `the relay and the ${sensor} sensor cannot share BCM ${relayPin.bcm}`, relayPin.bcm);
  }

  // Control limits, in the device's unit.
  const setpoint = num("setpoint");
  const setpointRange = SETPOINT_RANGE[unit];
  const isSetpointInRange = setpoint >= setpointRange.min && setpoint <= setpointRange.max;
  if (!isSetpointInRange) problemAt("setpoint", `must be from ${setpointRange.min} to ${setpointRange.max} °${unit}`, setpoint);
  const limits = UNIT_LIMITS[unit] ?? UNIT_LIMITS.F;
  const checkDegrees = (key: ConfigKeyName, value: number, min: number, max: number): boolean => {
    if (value >= min && value <= max) return true;
    problemAt(key, `must be a number from ${min} to ${max} °${unit}`, value);
    return false;
  };
  checkDegrees("cold_tolerance_deg", num("cold_tolerance_deg"), limits.minTolerance, limits.maxTolerance);
  const hotTolerance = num("hot_tolerance_deg");
  checkDegrees("hot_tolerance_deg", hotTolerance, limits.minTolerance, limits.maxTolerance);
  const overTempCutoff = num("over_temp_cutoff");
  const isCutoffInRange = checkDegrees("over_temp_cutoff", overTempCutoff, limits.minOverTempCutoff, limits.maxOverTempCutoff);
  if (isCutoffInRange && isSetpointInRange && overTempCutoff <= setpoint + hotTolerance) {
    problemAt("over_temp_cutoff", `must be above setpoint + hot_tolerance_deg (${setpoint + hotTolerance} °${unit})`, overTempCutoff);
  }

  const pollIntervalS = get<number>("poll_interval_s");
  const staleAfterS = get<number>("stale_after_s");
  if (staleAfterS < 2 * pollIntervalS) {
    problemAt("stale_after_s", `must be at least twice poll_interval_s (${2 * pollIntervalS} s) so one missed reading does not cut the heater`, staleAfterS);
  }

  const systemZone: SystemZone | undefined = values.has("timezone") ? undefined : describeSystemZone(options, env);
  const timezone = get<string>("timezone", systemZone?.name);
  const zone = loadConfiguredZone(timezone, { zoneinfoDir: options.zoneinfoDir, systemZone, problemAt });

  const speed = get<number>("speed");
  if (speed !== 1 && (sensor !== "simulated" || relay !== "simulated")) {
    problemAt("speed", `only works with sensor = "simulated" and relay = "simulated" (now "${sensor}" and "${relay}")`, speed);
  }

  const apiBind = get<string>("api_bind");
  if (!isLoopbackAddress(apiBind) && apiToken === undefined) {
    problemAt("api_bind", "binding to an address other than loopback requires api_token or api_token_file");
  }

  const apiUrl = values.get("api_url") as string | undefined;
  if (apiUrl !== undefined && ingestToken === undefined && !problems.some((problem) => problem.key === "ingest_token_file")) {
    problemAt("api_url", "needs ingest_token or ingest_token_file so uploads can authenticate");
  }

  // A zone that failed to load has recorded a problem, so `zone` is set past this line.
  if (problems.length > 0 || zone === undefined) throw new ConfigError(problems);

  const defaultOutboxMax = Math.ceil((OUTBOX_DEFAULT_DAYS * SECONDS_PER_DAY) / pollIntervalS);
  return Object.freeze({
    api_url: apiUrl?.replace(/\/+$/, ""),
    ingest_token: ingestToken,
    device_id: get<string>("device_id"),
    sensor,
    dht_type: get<11 | 22>("dht_type"),
    sensor_bcm: sensorPin.bcm,
    ds18b20_id: values.get("ds18b20_id") as string | undefined,
    ds18b20_source: get<Ds18b20Source>("ds18b20_source"),
    relay,
    relay_bcm: relayPin.bcm,
    relay_header_pin: relayPin.headerPin,
    relay_active_low: get<boolean>("relay_active_low"),
    gpio_chip_label: values.get("gpio_chip_label") as string | undefined,
    sysfs_root: get<string>("sysfs_root"),
    dev_root: get<string>("dev_root"),
    data_dir: get<string>("data_dir"),
    node_modules_dir: get<string>("node_modules_dir", join(options.programDir ?? dirname(process.execPath), "node_modules")),
    poll_interval_s: pollIntervalS,
    upload_interval_s: get<number>("upload_interval_s"),
    setpoint,
    unit,
    timezone,
    zone,
    cold_tolerance_deg: num("cold_tolerance_deg"),
    hot_tolerance_deg: hotTolerance,
    min_on_s: get<number>("min_on_s"),
    min_off_s: get<number>("min_off_s"),
    max_on_s: get<number>("max_on_s"),
    over_temp_cutoff: overTempCutoff,
    runaway_window_s: get<number>("runaway_window_s"),
    runaway_min_rise_deg: num("runaway_min_rise_deg"),
    runaway_lockout_s: get<number>("runaway_lockout_s"),
    stale_after_s: staleAfterS,
    outbox_max_readings: get<number>("outbox_max_readings", defaultOutboxMax),
    upload_batch_size: get<number>("upload_batch_size"),
    request_timeout_s: get<number>("request_timeout_s"),
    api_bind: apiBind,
    api_port: get<number>("api_port"),
    api_token: apiToken,
    speed,
    log_level: get<DeviceConfig["log_level"]>("log_level"),
    config_path: fileLayer === undefined ? undefined : configPath,
  });
}

function describeSystemZone(options: LoadConfigOptions, env: Record<string, string | undefined>): SystemZone {
  if (options.systemTimeZone !== undefined) return { name: options.systemTimeZone, source: "the systemTimeZone option" };
  return findSystemZone({ env, zoneinfoDir: options.zoneinfoDir });
}

/**
 * Loads `timezone` from the tz database and records a problem when that fails.
 * A zone that came from the system names where it was found, since the user
 * did not set it.
 */
function loadConfiguredZone(
  timezone: string,
  context: { zoneinfoDir: string | undefined; systemZone: SystemZone | undefined; problemAt: (key: string, message: string, value?: unknown) => void },
): TimeZone | undefined {
  try {
    return loadZone(timezone, { zoneinfoDir: context.zoneinfoDir });
  } catch (error) {
    if (!(error instanceof TimeZoneError)) throw error;
    const { systemZone } = context;
    const origin = systemZone === undefined ? "" : ` (the system's zone, from ${systemZone.source}; set timezone to choose one)`;
    context.problemAt("timezone", `${error.reason}${origin}; ${error.hint}`, timezone);
    return undefined;
  }
}

/** Returns the configuration without secrets, for logs and `thermo status`. */
export function describeConfig(config: DeviceConfig): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    // `timezone` already names the zone; its rules are no setting.
    if (key === "zone") continue;
    if (key.endsWith("token")) shown[key] = value === undefined ? undefined : "(set)";
    else if (key === "api_url" && typeof value === "string") shown[key] = redactUrl(value);
    else shown[key] = value;
  }
  return shown;
}
