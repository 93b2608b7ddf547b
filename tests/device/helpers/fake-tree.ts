/** Temp-folder fixtures: fake sysfs and /dev trees with the kernel's exact file contents. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { SysfsReader } from "../../../device/sensors/sensor.ts";
import { fsSysfsReader } from "../../../device/sensors/sysfs-reader.ts";

/** Creates a temp folder and returns it with a function that writes files under it. */
export function makeTempTree(prefix = "thermo-test-"): { root: string; write: (path: string, text: string) => string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  return {
    root,
    write: (path, text) => {
      const full = join(root, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
      return full;
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** An errno error as node:fs raises it. */
export function errnoError(code: string, path = ""): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${path}`), { code, path });
}

/**
 * A reader over a real temp tree that can fail chosen files with an errno,
 * which plain files cannot do: `failures.set(pathSuffix, ["EIO", "ETIMEDOUT"])`
 * fails the next reads of that file in order, then reads it normally.
 */
export function faultyReader(failures: Map<string, string[]>): SysfsReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async readText(path) {
      reads.push(path);
      for (const [suffix, codes] of failures) {
        if (path.endsWith(suffix) && codes.length > 0) throw errnoError(codes.shift() as string, path);
      }
      return fsSysfsReader.readText(path);
    },
    list: (dir) => fsSysfsReader.list(dir),
  };
}
