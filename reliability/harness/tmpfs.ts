/**
 * Small tmpfs mounts for the disk scenarios. Root ignores permission bits,
 * so chmod cannot make a folder read-only for a root CI; a tmpfs of a few
 * MiB fills up for real and can be remounted read-only. Mounting
 * needs root (or CAP_SYS_ADMIN); where it is refused the scenarios report
 * "not run" with the reason, and fail under CI=true.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runAtExit } from "./cleanup.ts";

export interface Tmpfs {
  path: string;
  /** Remounts read-only (fails while files are open for writing) or read-write. */
  remount(mode: "ro" | "rw"): void;
  unmount(): void;
}

function run(argv: string[]): { ok: boolean; output: string } {
  const result = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
  return { ok: result.exitCode === 0, output: (result.stdout.toString() + result.stderr.toString()).trim() };
}

/**
 * Mounts a tmpfs of `sizeKiB` on a new temp folder.
 * @throws {Error} with mount's message when the mount is refused
 */
export function mountTmpfs(sizeKiB: number): Tmpfs {
  const path = mkdtempSync(join(tmpdir(), "thermo-rel-tmpfs-"));
  const mounted = run(["mount", "-t", "tmpfs", "-o", `size=${sizeKiB}k,mode=0755`, "tmpfs", path]);
  if (!mounted.ok) {
    rmSync(path, { recursive: true, force: true });
    throw new Error(`mount -t tmpfs failed: ${mounted.output}`);
  }
  const cancelExitUnmount = runAtExit(() => run(["umount", "-l", path]));
  return {
    path,
    remount: (mode) => {
      const result = run(["mount", "-o", `remount,${mode}`, path]);
      if (!result.ok) throw new Error(`mount -o remount,${mode} ${path} failed: ${result.output}`);
    },
    unmount: () => {
      cancelExitUnmount();
      run(["umount", "-l", path]);
      rmSync(path, { recursive: true, force: true });
    },
  };
}

let probeResult: string | undefined | null = null;

/** Returns why a tmpfs cannot be mounted here, or undefined when it can; probes once. */
export function tmpfsUnavailableReason(): string | undefined {
  if (probeResult !== null) return probeResult;
  if (process.platform !== "linux") return (probeResult = `tmpfs mounts need Linux, this is ${process.platform}`);
  try {
    mountTmpfs(64).unmount();
    probeResult = undefined;
  } catch (error) {
    probeResult = `cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): ${error instanceof Error ? error.message : String(error)}`;
  }
  return probeResult;
}
