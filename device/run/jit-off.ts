/**
 * Turns JavaScriptCore's JIT tiers off for `thermo run` in a compiled binary,
 * to save resident memory on a 512 MB Pi. The process re-executes itself once
 * with BUN_JSC_useBaselineJIT=0, which also turns off the DFG and FTL tiers,
 * so the JavaScript runs in the interpreter. The control loop runs a few times
 * a minute, so the interpreter is fast enough. Without the JIT's compiled code
 * and compiler pages, peak RSS over a simulated hour drops from about 60 MiB
 * to about 51 MiB (bench/device-binary.ts, x64).
 *
 * BUN_JSC_useJIT=0 would save a little more, but in Bun 1.4.5 bun:ffi
 * throws "bun:ffi requires the JIT" then, and the gpio-cdev relay calls ioctl
 * through bun:ffi. Turning off only the tiers keeps bun:ffi working.
 *
 * NOTE: BUN_JSC_* options are not a stable Bun API, and a binary exits at
 * start when one names an option its JavaScriptCore does not have.
 * tests/device/jit-off.test.ts starts the compiled binary with it, so a Bun
 * upgrade that drops the option fails that test before a release.
 */
import type { Command } from "../cli/parse-args.ts";

/** Environment variable that selects the JIT tiers; set to "0" for `thermo run`. */
export const BASELINE_JIT_ENV = "BUN_JSC_useBaselineJIT";

/** Bun's path prefix for the files embedded in a `bun build --compile` binary (Bun 1.4.5). */
const EMBEDDED_ROOT = "/$bunfs/";

/** Arguments for `process.execve`. */
export interface ExecPlan {
  file: string;
  args: string[];
  env: Record<string, string>;
}

export interface JitOffInput {
  command: Command;
  /** Arguments after the program name. */
  argv: readonly string[];
  env: Record<string, string | undefined>;
  /** Path of the entry module, `Bun.main`. */
  main: string;
  /** The running executable, `process.execPath`. */
  execPath: string;
}

/** Returns whether the entry module is embedded in a compiled binary. */
export function isCompiledBinary(main: string): boolean {
  return main.startsWith(EMBEDDED_ROOT);
}

/**
 * Returns how to re-execute the process with the JIT tiers off, or undefined
 * when it should go on as it is. That is the case for every command but `run`
 * and outside a compiled binary. It is also the case when the variable is
 * already set, after the re-execution or by an operator who sets 1 to keep
 * the JIT.
 */
export function planJitOffExec(input: JitOffInput): ExecPlan | undefined {
  if (input.command !== "run" || !isCompiledBinary(input.main) || input.env[BASELINE_JIT_ENV] !== undefined) return undefined;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.env)) if (value !== undefined) env[name] = value;
  env[BASELINE_JIT_ENV] = "0";
  // The binary runs its embedded entry by itself, so only the user's arguments follow the program name.
  return { file: input.execPath, args: [input.execPath, ...input.argv], env };
}

/** Returns "off" when the JIT tiers are off in this process, for the start log. */
export function describeJit(env: Record<string, string | undefined>): "off" | "on" {
  const value = env[BASELINE_JIT_ENV]?.trim().toLowerCase();
  return value === "0" || value === "false" ? "off" : "on";
}
