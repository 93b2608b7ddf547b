/**
 * Every configuration key of the device: its type, range, default and help
 * text. The TOML file, the `THERMO_*` variables and the flags all use these
 * keys, so this table is also the source of `thermo --help`.
 */
import { z } from "zod";
import { DEVICE_ID_PATTERN } from "../../schema.ts";

export const SENSOR_KINDS = ["iio-dht", "ds18b20", "node-dht-sensor", "simulated"] as const;
export type SensorKind = (typeof SENSOR_KINDS)[number];
export const RELAY_KINDS = ["gpio-cdev", "gpio-sysfs", "rpi-gpio", "simulated"] as const;
export type RelayKind = (typeof RELAY_KINDS)[number];
export const DS18B20_SOURCES = ["w1_slave", "temperature", "hwmon"] as const;
export type Ds18b20Source = (typeof DS18B20_SOURCES)[number];
export const LOG_LEVEL_NAMES = ["debug", "info", "warn", "error"] as const;

/** Type that text from the environment or a flag is converted to. */
export type KeyKind = "string" | "number" | "integer" | "boolean";

export interface ConfigKey {
  kind: KeyKind;
  schema: z.ZodType;
  /** One line for `--help`: what the key sets and in what unit. */
  help: string;
  /** The default as `--help` shows it; absent when the key is optional with no default. */
  defaultText?: string;
  /** Never printed or logged. */
  isSecret?: boolean;
}

function integerIn(min: number, max: number, unitLabel = ""): z.ZodType<number> {
  const message = `must be a whole number from ${min} to ${max}${unitLabel}`;
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

function numberIn(min: number, max: number, unitLabel = ""): z.ZodType<number> {
  const message = `must be a number from ${min} to ${max}${unitLabel}`;
  return z.number({ error: message }).min(min, { error: message }).max(max, { error: message });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.map((value) => `"${value}"`).join(", ")}` });
}

const path = z.string({ error: "must be a file or folder path" }).min(1, { error: "must not be empty" });
const text = z.string({ error: "must be a string" }).min(1, { error: "must not be empty" });
// Must match the words coerceText in load.ts accepts from the environment and flags.
const flag = z.boolean({ error: "must be true or false (THERMO_* variables and flags also take yes/no, on/off and 1/0, in any case)" });

/**
 * Shortest allowed `min_on_s` and `min_off_s`, in seconds. Each switch wears
 * the relay's contacts, and a heater is not built to be cycled every few
 * seconds, so one on-and-off cycle takes at least a minute.
 */
export const MIN_SWITCH_INTERVAL_S = 30;

/**
 * Limits of the keys in degrees of `unit`, which load.ts checks once the unit
 * is known:
 * - `minTolerance`: about 0.3 °C is three steps of a DHT22 (0.1 °C) and about
 *   five of a DS18B20 (1/16 °C). A one-step flicker of the reading then cannot
 *   move the heater from one band edge to the other. 0.5 °F is 0.28 °C.
 * - `maxOverTempCutoff`: 45 °C (113 °F) is 5 °C above the highest setpoint
 *   (40 °C), room for any hot tolerance. Air in a heated room above that means
 *   a runaway heater or a sensor in the heater's air stream.
 */
export const UNIT_LIMITS = {
  C: { minTolerance: 0.3, maxTolerance: 10, minOverTempCutoff: 0, maxOverTempCutoff: 45 },
  F: { minTolerance: 0.5, maxTolerance: 10, minOverTempCutoff: 32, maxOverTempCutoff: 113 },
} as const;

const degrees = z.number({ error: "must be a number" });

const httpUrl = z
  .string({ error: "must be an http:// or https:// URL" })
  .refine((value) => URL.canParse(value) && ["http:", "https:"].includes(new URL(value).protocol), {
    error: "must be an http:// or https:// URL such as https://<id>.lambda-url.<region>.on.aws",
  });

/** All keys. Order is the order of `--help`. */
export const CONFIG_KEYS = {
  api_url: { kind: "string", schema: httpUrl, help: "Base URL of the cloud API; readings go to POST <api_url>/readings. Unset: readings stay in the outbox" },
  ingest_token: { kind: "string", schema: text, help: "Bearer token for uploads (prefer ingest_token_file)", isSecret: true },
  ingest_token_file: { kind: "string", schema: path, help: "File whose first line is the ingest token" },
  device_id: {
    kind: "string",
    schema: z.string({ error: "must be a string" }).regex(DEVICE_ID_PATTERN, { error: "must be 1–64 of a-z, 0-9, _ and -, starting with a letter or digit" }),
    help: "Device id sent with every reading",
    defaultText: "thermostat",
  },
  sensor: { kind: "string", schema: oneOf(SENSOR_KINDS), help: `Sensor driver: ${SENSOR_KINDS.join(", ")}`, defaultText: "iio-dht" },
  dht_type: {
    kind: "integer",
    schema: z.union([z.literal(11), z.literal(22)], { error: "must be 11 (DHT11) or 22 (DHT22/AM2302)" }),
    help: "DHT model, 11 or 22: sets node-dht-sensor's type and the plausible range",
    defaultText: "22",
  },
  sensor_bcm: { kind: "integer", schema: integerIn(0, 27), help: "DHT data pin, BCM GPIO number", defaultText: "4" },
  sensor_header_pin: { kind: "integer", schema: integerIn(1, 40), help: "DHT data pin as a physical header pin number (instead of sensor_bcm)" },
  ds18b20_id: {
    kind: "string",
    schema: z.string({ error: "must be a string" }).regex(/^[0-9a-f]{2}-[0-9a-f]{12}$/, { error: "must be a 1-Wire id such as 28-3c01d607d4a1" }),
    help: "DS18B20 1-Wire id (default: the first 28-* device found)",
  },
  ds18b20_source: { kind: "string", schema: oneOf(DS18B20_SOURCES), help: `DS18B20 file to read: ${DS18B20_SOURCES.join(", ")}`, defaultText: "w1_slave" },
  relay: { kind: "string", schema: oneOf(RELAY_KINDS), help: `Relay driver: ${RELAY_KINDS.join(", ")}`, defaultText: "gpio-cdev" },
  relay_bcm: { kind: "integer", schema: integerIn(0, 27), help: "Relay pin, BCM GPIO number", defaultText: "17" },
  relay_header_pin: { kind: "integer", schema: integerIn(1, 40), help: "Relay pin as a physical header pin number (instead of relay_bcm)" },
  relay_active_low: { kind: "boolean", schema: flag, help: "The relay board switches on when its input is low", defaultText: "false" },
  gpio_chip_label: { kind: "string", schema: text, help: "GPIO chip label (default: pinctrl-bcm2835, pinctrl-bcm2711 or pinctrl-rp1)" },
  sysfs_root: { kind: "string", schema: path, help: "Where sysfs is mounted", defaultText: "/sys" },
  dev_root: { kind: "string", schema: path, help: "Where device nodes live", defaultText: "/dev" },
  data_dir: { kind: "string", schema: path, help: "Folder for the outbox database and the saved setpoint", defaultText: "/var/lib/thermo" },
  node_modules_dir: { kind: "string", schema: path, help: "Folder holding node-dht-sensor or rpi-gpio when used", defaultText: "<binary's folder>/node_modules" },
  poll_interval_s: { kind: "number", schema: numberIn(2, 3600, " s"), help: "Seconds between sensor readings", defaultText: "15" },
  upload_interval_s: { kind: "number", schema: numberIn(1, 86_400, " s"), help: "Seconds between uploads", defaultText: "60" },
  setpoint: { kind: "integer", schema: z.number({ error: "must be a whole number" }).int({ error: "must be a whole number" }), help: "Target temperature in `unit` (32–104 °F or 0–40 °C)", defaultText: "50 °F or 10 °C" },
  unit: { kind: "string", schema: oneOf(["F", "C"] as const), help: "Temperature unit of the device: F or C", defaultText: "F" },
  timezone: { kind: "string", schema: text, help: "IANA time zone for reading timestamps", defaultText: "the system's zone" },
  cold_tolerance_deg: {
    kind: "number",
    schema: degrees,
    help: "Heater turns on at setpoint minus this, in degrees of `unit`; 0.5–10 °F or 0.3–10 °C, so sensor noise cannot cycle the heater",
    defaultText: "1 °F or 0.5 °C",
  },
  hot_tolerance_deg: {
    kind: "number",
    schema: degrees,
    help: "Heater turns off at setpoint plus this, in degrees of `unit`; 0.5–10 °F or 0.3–10 °C, so sensor noise cannot cycle the heater",
    defaultText: "1 °F or 0.5 °C",
  },
  min_on_s: {
    kind: "number",
    schema: numberIn(MIN_SWITCH_INTERVAL_S, 3600, " s"),
    help: `Minimum seconds the heater stays on, ${MIN_SWITCH_INTERVAL_S}–3600 to spare the relay and heater (safety cut-offs override it)`,
    defaultText: "120",
  },
  min_off_s: {
    kind: "number",
    schema: numberIn(MIN_SWITCH_INTERVAL_S, 3600, " s"),
    help: `Minimum seconds the heater stays off, also after start; ${MIN_SWITCH_INTERVAL_S}–3600 to spare the relay and heater`,
    defaultText: "120",
  },
  max_on_s: { kind: "number", schema: numberIn(60, 86_400, " s"), help: "Maximum seconds of continuous heating before a forced off period of min_off_s", defaultText: "3600" },
  over_temp_cutoff: {
    kind: "number",
    schema: degrees,
    help: "Heater is forced off at or above this temperature, in `unit`; at most 113 °F or 45 °C, 5 °C above the highest setpoint",
    defaultText: "95 °F or 35 °C",
  },
  runaway_window_s: { kind: "number", schema: numberIn(60, 86_400, " s"), help: "Seconds of heating after which the temperature must have risen", defaultText: "1200" },
  runaway_min_rise_deg: { kind: "number", schema: numberIn(0.1, 20), help: "Rise expected within runaway_window_s, in degrees of `unit`", defaultText: "1 °F or 0.5 °C" },
  runaway_lockout_s: { kind: "number", schema: numberIn(0, 604_800, " s"), help: "Seconds the heater stays locked off after a runaway; 0 locks until restart", defaultText: "3600" },
  stale_after_s: { kind: "number", schema: numberIn(4, 86_400, " s"), help: "Heater is forced off when the last good reading is older than this; at least twice poll_interval_s", defaultText: "120" },
  outbox_max_readings: { kind: "integer", schema: integerIn(100, 50_000_000), help: "Readings the outbox keeps before evicting the oldest", defaultText: "30 days at poll_interval_s" },
  upload_batch_size: { kind: "integer", schema: integerIn(1, 500), help: "Readings per upload request", defaultText: "500" },
  request_timeout_s: { kind: "number", schema: numberIn(1, 300, " s"), help: "Seconds before an upload request is abandoned", defaultText: "30" },
  api_bind: { kind: "string", schema: text, help: "Address of the local API; other than loopback needs api_token", defaultText: "127.0.0.1" },
  api_port: { kind: "integer", schema: integerIn(0, 65_535), help: "Port of the local API (0 picks a free one)", defaultText: "8781" },
  api_token: { kind: "string", schema: text, help: "Bearer token the local API requires (prefer api_token_file)", isSecret: true },
  api_token_file: { kind: "string", schema: path, help: "File whose first line is the local API token" },
  speed: { kind: "number", schema: numberIn(1, 1_000_000), help: "Simulated hardware only: run the clock this many times faster", defaultText: "1" },
  log_level: { kind: "string", schema: oneOf(LOG_LEVEL_NAMES), help: `Lowest log level written: ${LOG_LEVEL_NAMES.join(", ")}`, defaultText: "info" },
} as const satisfies Record<string, ConfigKey>;

export type ConfigKeyName = keyof typeof CONFIG_KEYS;
export const CONFIG_KEY_NAMES = Object.keys(CONFIG_KEYS) as ConfigKeyName[];

/** Returns the `THERMO_*` variable of a key. */
export function envNameOf(key: string): string {
  return `THERMO_${key.toUpperCase()}`;
}

/** Returns the flag of a key. */
export function flagNameOf(key: string): string {
  return `--${key.replaceAll("_", "-")}`;
}
