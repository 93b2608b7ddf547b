#!/usr/bin/env bun
/**
 * thermo: the Raspberry Pi thermostat. Reads a temperature sensor, switches a
 * heater relay, and delivers every reading to the thermo cloud API.
 * Run `thermo --help` for the commands and options; docs/device.md has the
 * installation guide.
 */
import { Logger } from "./lib/log.ts";
import { runCli } from "./device/cli/main.ts";
import { parseArgs } from "./device/cli/parse-args.ts";
import { planJitOffExec } from "./device/run/jit-off.ts";

/**
 * Re-executes a compiled `thermo run` with the JIT tiers off (see
 * device/run/jit-off.ts). Returns only when the process goes on as it is:
 * nothing has touched the relay yet, so a failed re-execution only costs memory.
 */
function reexecWithJitOff(argv: string[]): void {
  let command;
  try {
    command = parseArgs(argv).command;
  } catch {
    return; // runCli reports the usage error.
  }
  const plan = planJitOffExec({ command, argv, env: process.env, main: Bun.main, execPath: process.execPath });
  if (plan === undefined) return;
  try {
    if (process.execve === undefined) throw new Error("process.execve is not available in this Bun");
    process.execve(plan.file, plan.args, plan.env);
  } catch (error) {
    new Logger("thermo").warn("jit_off_reexec_failed", { error, effect: "running with the JIT on, which uses about 8 MiB more memory" });
  }
}

if (import.meta.main) {
  const argv = process.argv.slice(2);
  reexecWithJitOff(argv);
  process.exit(await runCli(argv));
}
