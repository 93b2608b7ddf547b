/** Entry of the `thermo` program: parses the command line, loads the configuration, runs a command. */
import { Logger } from "../../lib/log.ts";
import { ConfigError } from "../config/errors.ts";
import { loadConfig, type DeviceConfig, type LoadConfigOptions } from "../config/load.ts";
import type { HardwareOverrides } from "../run/create-hardware.ts";
import { EXIT_CODES } from "../run/exit-codes.ts";
import { NativeModuleError } from "../sensors/errors.ts";
import { describeVersion } from "../version.ts";
import { installServiceCommand } from "./commands/install-service.ts";
import { readCommand } from "./commands/read.ts";
import { relayCommand } from "./commands/relay.ts";
import { requeueCommand } from "./commands/requeue.ts";
import { runCommand } from "./commands/run.ts";
import { statusCommand } from "./commands/status.ts";
import { renderHelp } from "./help.ts";
import { processIo, type CliIo } from "./io.ts";
import { parseArgs, UsageError } from "./parse-args.ts";

export interface CliOptions {
  io?: CliIo;
  env?: Record<string, string | undefined>;
  readTextFile?: LoadConfigOptions["readTextFile"];
  overrides?: HardwareOverrides;
  /** Sink for log lines. @default stderr */
  logSink?: (line: string) => void;
}

/** Runs `thermo` with `argv` (without the program name) and returns the exit code. */
export async function runCli(argv: readonly string[], options: CliOptions = {}): Promise<number> {
  const io = options.io ?? processIo;
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`error: ${error.message}`);
    return EXIT_CODES.usage;
  }
  if (parsed.command === "help") {
    io.out(renderHelp());
    return EXIT_CODES.ok;
  }
  if (parsed.command === "version") {
    io.out(describeVersion());
    return EXIT_CODES.ok;
  }

  let config: DeviceConfig;
  try {
    config = loadConfig({ flags: { ...parsed.settings, config: parsed.options.config }, env: options.env ?? process.env, readTextFile: options.readTextFile });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.err(`error: ${error.message}`);
    return EXIT_CODES.usage;
  }
  const logger = new Logger("thermo", { level: config.log_level, sink: options.logSink, context: { device_id: config.device_id } });
  const json = parsed.options.json === true;
  const asText = (value: string | true | undefined) => (typeof value === "string" ? value : undefined);

  try {
    switch (parsed.command) {
      case "run":
        return await runCommand({ config, logger, overrides: options.overrides });
      case "read":
        return await readCommand({ config, logger, io, json, overrides: options.overrides });
      case "relay":
        return await relayCommand({ config, logger, io, state: parsed.positionals[0], holdS: asText(parsed.options["hold-s"]), overrides: options.overrides });
      case "status":
        return await statusCommand({ config, io, json });
      case "requeue-dead-letters":
        return requeueCommand({ config, logger, io });
      case "install-service":
        return installServiceCommand({ config, io, unitPath: asText(parsed.options["unit-path"]), user: asText(parsed.options.user), isDryRun: parsed.options["dry-run"] === true });
    }
  } catch (error) {
    if (error instanceof NativeModuleError) {
      io.err(`error: ${error.message}`);
      return EXIT_CODES.startFailure;
    }
    throw error;
  }
}
