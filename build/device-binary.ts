/**
 * Compiles device.ts into the `thermo` binaries with `bun build --compile`:
 * dist/thermo-linux-arm64 for the Raspberry Pi (64-bit Raspberry Pi OS only;
 * Bun has no 32-bit ARM build) and dist/thermo-linux-x64. Cross-compiling
 * downloads the target's Bun runtime from the npm registry on first use.
 */
import { rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export interface BuiltFile {
  path: string;
  bytes: number;
}

/** Bun targets and the file each one produces. */
export const DEVICE_TARGETS = [
  { target: "bun-linux-arm64", file: "thermo-linux-arm64" },
  { target: "bun-linux-x64", file: "thermo-linux-x64" },
] as const;

const ROOT = resolve(import.meta.dir, "..");

/**
 * Scale of JavaScriptCore's JIT tier-up thresholds that the binary starts
 * with (`--compile-jit-policy`, see Bun.unsafe.setJITPolicy). thermo never
 * resets it, so its JavaScript stays in the interpreter. The control loop runs
 * a few times a minute, so the interpreter is fast enough, and without the
 * JIT's compiled code and compiler pages peak RSS of `thermo run` over a
 * simulated hour drops from about 59 to 51 MiB (bench/device-binary.ts, x64).
 * Unlike BUN_JSC_useJIT=0 it keeps bun:ffi working, which the gpio-cdev
 * relay needs.
 */
export const DEVICE_JIT_POLICY = 1_000_000_000;

/** Returns the `bun build` arguments for one binary. */
export function deviceBuildArgs(options: { target: string; outfile: string }): string[] {
  return [
    "build",
    "--compile",
    "--minify",
    "--sourcemap",
    `--compile-jit-policy=${DEVICE_JIT_POLICY}`,
    `--target=${options.target}`,
    join(ROOT, "device.ts"),
    "--outfile",
    options.outfile,
  ];
}

/**
 * Builds one binary.
 * @throws {Error} with bun's output when the build fails (for example when the runtime download fails)
 */
export async function buildDeviceBinary(options: { target: string; outfile: string }): Promise<BuiltFile> {
  const child = Bun.spawn([process.execPath, ...deviceBuildArgs(options)], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`bun build --compile --target=${options.target} failed with exit code ${code}:\n${stderr || stdout}`);
  // The binary embeds its source map; the separate copy bun also writes is not needed.
  rmSync(`${options.outfile}.map`, { force: true });
  return { path: options.outfile, bytes: statSync(options.outfile).size };
}

/** Builds every device binary into `outDir`. */
export async function buildDeviceBinaries(outDir = join(ROOT, "dist")): Promise<BuiltFile[]> {
  const built: BuiltFile[] = [];
  for (const { target, file } of DEVICE_TARGETS) built.push(await buildDeviceBinary({ target, outfile: join(outDir, file) }));
  return built;
}
