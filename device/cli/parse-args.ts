/**
 * Splits `thermo` arguments into a command, its positional arguments, the
 * command's own options and configuration flags (`--relay-bcm 17`,
 * `--relay-bcm=17`, or a bare `--relay-active-low` for true).
 */
import { CONFIG_KEYS, type ConfigKeyName } from "../config/keys.ts";

export const COMMANDS = ["run", "read", "relay", "status", "install-service", "requeue-dead-letters", "help", "version"] as const;
export type Command = (typeof COMMANDS)[number];

/** Options that belong to commands rather than to the configuration, with whether they take a value. */
export const COMMAND_OPTIONS = {
  config: true,
  json: false,
  help: false,
  version: false,
  "hold-s": true,
  "unit-path": true,
  user: true,
  "dry-run": false,
} as const;
type CommandOption = keyof typeof COMMAND_OPTIONS;

export interface ParsedArgs {
  command: Command;
  positionals: string[];
  options: Partial<Record<CommandOption, string | true>>;
  /** Configuration settings by key (`relay_bcm`). */
  settings: Record<string, string | boolean>;
}

/** An invalid command line; the message names the problem. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

function isCommand(word: string): word is Command {
  return (COMMANDS as readonly string[]).includes(word);
}

/** @throws {UsageError} naming the unknown command or option, or the missing value */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const parsed: ParsedArgs = { command: "run", positionals: [], options: {}, settings: {} };
  let commandSeen = false;

  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (!arg.startsWith("--")) {
      if (!commandSeen) {
        if (!isCommand(arg)) throw new UsageError(`unknown command "${arg}"; commands: ${COMMANDS.join(", ")}`);
        parsed.command = arg;
        commandSeen = true;
      } else {
        parsed.positionals.push(arg);
      }
      continue;
    }

    const body = arg.slice(2);
    const equals = body.indexOf("=");
    const name = equals < 0 ? body : body.slice(0, equals);
    const inlineValue = equals < 0 ? undefined : body.slice(equals + 1);
    const next = argv[index + 1];
    const takeValue = (): string => {
      if (inlineValue !== undefined) return inlineValue;
      if (next === undefined || next.startsWith("--")) throw new UsageError(`option --${name} needs a value`);
      index++;
      return next;
    };

    if (Object.hasOwn(COMMAND_OPTIONS, name)) {
      const option = name as CommandOption;
      parsed.options[option] = COMMAND_OPTIONS[option] ? takeValue() : true;
      continue;
    }
    const key = name.replaceAll("-", "_");
    if (!Object.hasOwn(CONFIG_KEYS, key)) throw new UsageError(`unknown option --${name}; run thermo --help for the options`);
    if (CONFIG_KEYS[key as ConfigKeyName].kind === "boolean" && inlineValue === undefined && (next === undefined || !/^(true|false|1|0|yes|no|on|off)$/i.test(next))) {
      parsed.settings[key] = true;
      continue;
    }
    parsed.settings[key] = takeValue();
  }

  if (parsed.options.help === true) parsed.command = "help";
  else if (parsed.options.version === true) parsed.command = "version";
  return parsed;
}
