/** `thermo --help`: the commands and every option with its unit and default, from the key table. */
import { CONFIG_KEYS, CONFIG_KEY_NAMES, envNameOf, flagNameOf, type ConfigKey } from "../config/keys.ts";
import { DEFAULT_CONFIG_PATH } from "../config/load.ts";

const COMMAND_HELP = `Usage: thermo [command] [options]

Keeps a space at its setpoint with a heater relay on a Raspberry Pi and delivers
every reading to the thermo cloud API.

Commands:
  run                 Run the control loop (the default)
  read                Take one sensor reading and print it (wiring check)
  relay on|off        Drive the relay by hand; "on" holds for --hold-s seconds, then turns off
  status              Query the local API of a running thermo
  install-service     Write a systemd unit that restarts on failure and turns the relay off on stop
  requeue-dead-letters  Move readings the API rejected back into the outbox (stop the service first)
  help                Show this help (also --help)
  version             Show the version (also --version)

Command options:
  --config PATH       Configuration file (TOML); default ${DEFAULT_CONFIG_PATH}, or THERMO_CONFIG
  --json              read, status: print JSON
  --hold-s SECONDS    relay on: seconds to hold the relay on before turning it off (default 10)
  --unit-path PATH    install-service: where to write the unit (default /etc/systemd/system/thermo.service)
  --user NAME         install-service: run as this user in group gpio (default root)
  --dry-run           install-service: print the unit instead of writing it

Configuration options (precedence: flag > THERMO_<KEY> variable > file > default):`;

/**
 * Returns the allowed range of a numeric key as `min–max`, read from its
 * schema, or undefined when the schema has no finite bounds or the help
 * already states them. Ranges in degrees depend on `unit` and are checked in
 * load.ts, so their help states them by hand.
 */
export function rangeText(spec: ConfigKey): string | undefined {
  const { minValue, maxValue } = spec.schema as { minValue?: unknown; maxValue?: unknown };
  if (typeof minValue !== "number" || typeof maxValue !== "number") return undefined;
  // A bare integer schema is bounded only by the safe integer range, which is no real limit.
  if (!Number.isFinite(minValue) || !Number.isFinite(maxValue) || maxValue >= Number.MAX_SAFE_INTEGER) return undefined;
  const range = `${minValue}–${maxValue}`;
  return spec.help.includes(range) ? undefined : range;
}

function optionLine(key: string, spec: ConfigKey): string {
  let valueHint = " N";
  if (spec.kind === "boolean") valueHint = "[=true|false]";
  if (spec.kind === "string") valueHint = " TEXT";
  const left = `  ${flagNameOf(key)}${valueHint}`;

  const range = rangeText(spec);
  const details = [range === undefined ? undefined : `range ${range}`, spec.defaultText === undefined ? undefined : `default ${spec.defaultText}`].filter((detail) => detail !== undefined);
  const suffix = details.length === 0 ? "" : ` (${details.join(", ")})`;
  return `${left.padEnd(34)} ${spec.help}${suffix}`;
}

export function renderHelp(): string {
  const lines = [COMMAND_HELP];
  for (const key of CONFIG_KEY_NAMES) lines.push(optionLine(key, CONFIG_KEYS[key]));
  lines.push("", `Every option is also a file key (relay_bcm = 17) and a variable (${envNameOf("relay_bcm")}=17).`);
  lines.push("Secrets: prefer ingest_token_file and api_token_file, which read the token from a file.");
  return lines.join("\n");
}
