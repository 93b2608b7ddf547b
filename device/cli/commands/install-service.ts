/** `thermo install-service`: writes the systemd unit (or prints it with --dry-run) and prints what to run next. */
import { writeFileSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import type { DeviceConfig } from "../../config/load.ts";
import { DEFAULT_CONFIG_PATH } from "../../config/load.ts";
import { EXIT_CODES } from "../../run/exit-codes.ts";
import { renderUnit } from "../../service/systemd-unit.ts";
import type { CliIo } from "../io.ts";

export const DEFAULT_UNIT_PATH = "/etc/systemd/system/thermo.service";

/** Folders where systemd finds system units by name. */
const SYSTEM_UNIT_DIRS = ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"];

/**
 * Returns what `systemctl enable` needs to find the unit at `unitPath`: its
 * name in a folder systemd searches, otherwise the absolute path, which
 * systemctl(1) links into /etc/systemd/system.
 */
export function unitArgument(unitPath: string): string {
  const absolutePath = resolve(unitPath);
  return SYSTEM_UNIT_DIRS.includes(dirname(absolutePath)) ? basename(absolutePath) : absolutePath;
}

/** Returns the command that starts this program: the binary itself, or bun with device.ts when run from source. */
export function programCommand(): string[] {
  // Compiled executables run their bundled code from Bun's virtual /$bunfs/ file system.
  const isCompiled = import.meta.path.startsWith("/$bunfs/");
  return isCompiled ? [process.execPath] : [process.execPath, resolve(import.meta.dir, "../../../device.ts")];
}

export function installServiceCommand(options: { config: DeviceConfig; io: CliIo; unitPath: string | undefined; user: string | undefined; isDryRun: boolean; command?: string[] }): number {
  const { config, io } = options;
  if (options.user !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(options.user)) {
    io.err(`error: --user must be a Linux user name such as "thermo", got "${options.user}"`);
    return EXIT_CODES.usage;
  }
  if (options.unitPath !== undefined && !/^[^/]+\.service$/.test(basename(options.unitPath))) {
    io.err(`error: --unit-path must name a file ending in .service, such as ${DEFAULT_UNIT_PATH}, got "${options.unitPath}"`);
    return EXIT_CODES.usage;
  }
  const unit = renderUnit({
    command: options.command ?? programCommand(),
    configPath: resolve(config.config_path ?? DEFAULT_CONFIG_PATH),
    user: options.user,
    dataDir: config.data_dir,
  });
  if (options.isDryRun) {
    io.out(unit);
    return EXIT_CODES.ok;
  }

  const unitPath = options.unitPath ?? DEFAULT_UNIT_PATH;
  try {
    writeFileSync(unitPath, unit, { mode: 0o644 });
  } catch (error) {
    const code = (error as { code?: string }).code;
    io.err(`error: writing ${unitPath} failed (${code ?? String(error)})${code === "EACCES" ? "; run with sudo" : ""}`);
    return EXIT_CODES.startFailure;
  }
  io.out(`wrote ${unitPath}`);
  const unitToEnable = unitArgument(unitPath);
  io.out(`next: sudo systemctl daemon-reload && sudo systemctl enable --now ${unitToEnable}`);
  if (unitToEnable !== basename(unitPath)) io.out(`note: ${unitPath} is outside systemd's unit folders, so it must stay there and on the root file system`);
  if (config.config_path === undefined) io.out(`note: ${DEFAULT_CONFIG_PATH} does not exist yet; the service will run on defaults until you create it`);
  return EXIT_CODES.ok;
}
