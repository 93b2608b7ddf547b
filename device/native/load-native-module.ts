/**
 * Loads an optional native npm package (node-dht-sensor, rpi-gpio) from a
 * folder next to the binary, only when a driver that needs it is selected.
 * `bun build --compile` cannot bundle an addon built for another machine, so
 * these packages are installed and built on the Pi itself.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { NativeModuleError } from "../sensors/errors.ts";

/** Loads a package; injectable so tests can hand in a test double with the real API. */
export type NativeModuleLoader = (packageName: string) => unknown;

/** How to install each optional package on the Pi. */
const INSTALL_HINTS: Record<string, string> = {
  "node-dht-sensor":
    "on the Pi run: sudo apt-get install -y build-essential python3 && cd <node_modules_dir>/.. && npm install node-dht-sensor@0.4.5 " +
    "(on a Pi 5 add --use_libgpiod=true after apt-get install libgpiod-dev); or use sensor = \"iio-dht\", which needs no native code",
  "rpi-gpio":
    "on the Pi run: sudo apt-get install -y build-essential python3 && cd <node_modules_dir>/.. && npm install rpi-gpio@2.1.7; " +
    "or use relay = \"gpio-cdev\", which needs no native code",
};

/**
 * Returns a loader that requires packages from `nodeModulesDir`.
 * The error names the package, the folder searched and how to install it.
 */
export function createNativeModuleLoader(nodeModulesDir: string): NativeModuleLoader {
  return (packageName) => {
    // A require rooted in node_modules' parent finds <nodeModulesDir>/<packageName>.
    const requireFrom = createRequire(join(nodeModulesDir, "..", "thermo-native-loader.js"));
    try {
      return requireFrom(packageName);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const hint = (INSTALL_HINTS[packageName] ?? "install it on the Pi").replaceAll("<node_modules_dir>", nodeModulesDir);
      const what = code === "MODULE_NOT_FOUND" && String((error as Error).message).includes(packageName) && !String((error as Error).message).includes("build")
        ? `${packageName} is not installed in ${nodeModulesDir}`
        : `${packageName} in ${nodeModulesDir} could not be loaded (${code ?? (error as Error).message}); its native addon is probably not built for this machine`;
      throw new NativeModuleError(packageName, `${what}: ${hint}`, { cause: error });
    }
  };
}
