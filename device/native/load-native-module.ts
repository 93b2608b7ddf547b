/**
 * Loads an optional native npm package (node-dht-sensor, rpi-gpio) from a
 * folder next to the binary, only when a driver that needs it is selected.
 * `bun build --compile` cannot bundle an addon built for another machine, so
 * these packages are installed and built on the Pi itself.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { NativeModuleError } from "../sensors/errors.ts";

/** Loads a package; injectable so tests can hand in a test double with the real API. */
export type NativeModuleLoader = (packageName: string) => unknown;

/** Install instructions for each optional package on the Pi. */
const INSTALL_HINTS: Record<string, string> = {
  "node-dht-sensor":
    "on the Pi run: sudo apt-get install -y build-essential python3 && cd <node_modules_dir>/.. && npm install node-dht-sensor@0.4.5 " +
    "(on a Pi 5 add --use_libgpiod=true after apt-get install libgpiod-dev); or use sensor = \"iio-dht\", which needs no native code",
  "rpi-gpio":
    "on the Pi run: sudo apt-get install -y build-essential python3 && cd <node_modules_dir>/.. && npm install rpi-gpio@2.1.7; " +
    "or use relay = \"gpio-cdev\", which needs no native code",
};

/**
 * Returns the entry file of an installed package from its package.json `main`.
 *
 * NOTE: a `bun build --compile` binary (Bun 1.4.5) fails to resolve a bare
 * package name whose `main` sits in a subfolder, as node-dht-sensor's
 * `lib/index.js` does, while an absolute file path loads. So the entry is
 * resolved here and required by its path.
 */
function resolvePackageEntry(packageDir: string): string | undefined {
  const manifestPath = join(packageDir, "package.json");
  if (!existsSync(manifestPath)) return undefined;
  let main = "index.js";
  try {
    const manifest: unknown = JSON.parse(readFileSync(manifestPath, "utf8"));
    const declared = (manifest as { main?: unknown } | null)?.main;
    if (typeof declared === "string" && declared.length > 0) main = declared;
  } catch {
    return undefined;
  }
  const base = join(packageDir, main);
  const candidates = [base, `${base}.js`, `${base}.cjs`, join(base, "index.js")];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/**
 * Returns a loader that requires packages from `nodeModulesDir`.
 * The error names the package, the folder searched and how to install it.
 */
export function createNativeModuleLoader(nodeModulesDir: string): NativeModuleLoader {
  return (packageName) => {
    const hint = (INSTALL_HINTS[packageName] ?? "install it on the Pi").replaceAll("<node_modules_dir>", nodeModulesDir);
    const entry = resolvePackageEntry(join(nodeModulesDir, packageName));
    if (entry === undefined) throw new NativeModuleError(packageName, `${packageName} is not installed in ${nodeModulesDir}: ${hint}`);
    try {
      return createRequire(entry)(entry);
    } catch (error) {
      const reason = (error as { code?: unknown }).code ?? (error instanceof Error ? error.message.split("\n")[0] : String(error));
      throw new NativeModuleError(packageName, `${packageName} in ${nodeModulesDir} could not be loaded (${reason}); its native addon is probably not built for this machine: ${hint}`, { cause: error });
    }
  };
}
