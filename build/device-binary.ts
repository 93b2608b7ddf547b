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
 * Builds one binary.
 * @throws {Error} with bun's output when the build fails (for example when the runtime download fails)
 */
export async function buildDeviceBinary(options: { target: string; outfile: string }): Promise<BuiltFile> {
  const child = Bun.spawn(
    [process.execPath, "build", "--compile", "--minify", "--sourcemap", `--target=${options.target}`, join(ROOT, "device.ts"), "--outfile", options.outfile],
    { cwd: ROOT, stdout: "pipe", stderr: "pipe" },
  );
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
