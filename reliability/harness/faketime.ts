/**
 * Steps the wall clock of one child process with libfaketime (Debian package
 * `libfaketime`), as NTP does when it corrects a clock: the offset is read
 * from a file on every call, so writing the file jumps the clock at once.
 * The monotonic clock is left alone, as the kernel leaves it alone.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const LIBRARY_CANDIDATES = ["/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1", "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1"];

/** Returns the library's path, or undefined when libfaketime is not installed. */
export function faketimeLibrary(): string | undefined {
  return LIBRARY_CANDIDATES.find((path) => existsSync(path));
}

/** Returns why clock jumps cannot be injected here, or undefined when they can. */
export function faketimeUnavailableReason(): string | undefined {
  return faketimeLibrary() === undefined ? "libfaketime is not installed (apt-get install libfaketime)" : undefined;
}

export interface ClockStepper {
  /** Environment for the child process. */
  env: Record<string, string>;
  /** Sets the child's wall clock to real time plus `offsetS` seconds. */
  setOffsetS(offsetS: number): void;
  dispose(): void;
}

/** Creates the control file at offset 0. @throws {Error} when libfaketime is missing */
export function createClockStepper(): ClockStepper {
  const library = faketimeLibrary();
  if (library === undefined) throw new Error("libfaketime is not installed (apt-get install libfaketime)");
  const dir = mkdtempSync(join(tmpdir(), "thermo-rel-faketime-"));
  const file = join(dir, "offset");
  const write = (offsetS: number) => writeFileSync(file, `${offsetS >= 0 ? "+" : ""}${offsetS}\n`);
  write(0);
  return {
    env: { LD_PRELOAD: library, FAKETIME_TIMESTAMP_FILE: file, FAKETIME_NO_CACHE: "1", DONT_FAKE_MONOTONIC: "1" },
    setOffsetS: write,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
