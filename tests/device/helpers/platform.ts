/**
 * Checks for tools some tests need. Locally a missing tool skips the test
 * with the install command; with CI=true the test must run, so it fails.
 */
import { existsSync } from "node:fs";

export const IS_CI = process.env.CI === "true";

/** Returns why the arm64 binary cannot run here, or undefined when it can. */
export function missingArm64Runner(): string | undefined {
  if (Bun.which("qemu-aarch64-static") === null) return "qemu-aarch64-static is missing: apt-get install qemu-user-static";
  if (!existsSync("/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1")) return "the arm64 C library is missing: apt-get install libc6-arm64-cross";
  return undefined;
}

/** Marks a suite as skipped with the reason printed, unless CI requires it. */
export function skipUnlessAvailable(reason: string | undefined, suite: string): boolean {
  if (reason === undefined) return false;
  if (IS_CI) return false;
  console.warn(`skipping ${suite}: ${reason}`);
  return true;
}

/** Returns why a Node-API addon cannot be compiled here, or undefined when it can. */
export function missingAddonToolchain(): string | undefined {
  if (Bun.which("gcc") === null) return "gcc is missing: apt-get install gcc";
  if (!existsSync("/usr/include/node/node_api.h")) return "the Node-API headers are missing: apt-get install nodejs (Debian ships them in it)";
  return undefined;
}
