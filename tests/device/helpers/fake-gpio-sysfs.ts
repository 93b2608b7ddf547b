/**
 * A fake of the kernel's sysfs GPIO class over a temp folder. Plain files
 * cannot create gpioN/ on export or fail with EBUSY, so this plays the kernel:
 * it validates writes as gpiolib-sysfs.c does and tracks each line's raw
 * (physical) level separately from the logical value file.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { SysfsFiles } from "../../../device/relays/sysfs-files.ts";
import { errnoError } from "./fake-tree.ts";

export interface FakeChip {
  base: number;
  label: string;
  ngpio: number;
}

/** Chip sets of the boards and kernels the driver must handle. */
export const BOARDS = {
  pi4Kernel66: [
    { base: 512, label: "pinctrl-bcm2711", ngpio: 58 },
    { base: 570, label: "raspberrypi-exp-gpio", ngpio: 8 },
  ],
  pi4Kernel61: [
    { base: 0, label: "pinctrl-bcm2711", ngpio: 58 },
    { base: 504, label: "raspberrypi-exp-gpio", ngpio: 8 },
  ],
  pi5Kernel66: [
    { base: 512, label: "gpio-brcmstb@107d508500", ngpio: 32 },
    { base: 571, label: "pinctrl-rp1", ngpio: 54 },
  ],
  pi5Kernel61: [{ base: 399, label: "pinctrl-rp1", ngpio: 54 }],
} satisfies Record<string, FakeChip[]>;

export class FakeGpioSysfs implements SysfsFiles {
  readonly classDir: string;
  /** Raw (physical) level of each exported line, by global number. */
  readonly rawLevels = new Map<number, 0 | 1>();
  /** Lines a kernel driver holds: export fails with EBUSY. */
  readonly busyLines = new Set<number>();
  /** Writes into a new gpioN/ that fail with EACCES before udev "fixes" the permissions. */
  permissionDelayWrites = 0;
  /** Every write, as "path=text" relative to the class folder. */
  readonly writes: string[] = [];
  /** When set, writes to value fail with this errno. */
  failValueWrites: string | undefined;
  private readonly chips: FakeChip[];
  private pendingPermissionFailures = 0;

  constructor(sysfsRoot: string, chips: FakeChip[]) {
    this.chips = chips;
    this.classDir = join(sysfsRoot, "class/gpio");
    mkdirSync(this.classDir, { recursive: true });
    writeFileSync(join(this.classDir, "export"), "");
    writeFileSync(join(this.classDir, "unexport"), "");
    for (const chip of chips) {
      const dir = join(this.classDir, `gpiochip${chip.base}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "base"), `${chip.base}\n`);
      writeFileSync(join(dir, "label"), `${chip.label}\n`);
      writeFileSync(join(dir, "ngpio"), `${chip.ngpio}\n`);
    }
  }

  /** Creates gpioN/ as a previous run of the program would have left it. */
  preExport(globalNumber: number, direction: "in" | "out" = "in"): void {
    this.createLine(globalNumber, direction);
  }

  read(path: string): string {
    return readFileSync(path, "utf8");
  }

  exists(path: string): boolean {
    return existsSync(path);
  }

  list(dir: string): string[] {
    return readdirSync(dir);
  }

  write(path: string, text: string): void {
    this.writes.push(`${path.slice(this.classDir.length + 1)}=${text}`);
    const name = basename(path);
    if (dirname(path) === this.classDir) {
      if (name === "export") return this.export(text);
      throw errnoError("EINVAL", path);
    }
    const line = Number(/gpio(\d+)$/.exec(dirname(path))?.[1]);
    if (!this.rawLevels.has(line)) throw errnoError("ENOENT", path);
    if (this.pendingPermissionFailures > 0) {
      this.pendingPermissionFailures--;
      throw errnoError("EACCES", path);
    }
    const dir = dirname(path);
    const activeLow = this.read(join(dir, "active_low")).trim() === "1";
    const word = text.trim();
    if (name === "direction") {
      if (!["in", "out", "low", "high"].includes(word)) throw errnoError("EINVAL", path);
      writeFileSync(path, `${word === "in" ? "in" : "out"}\n`);
      if (word !== "in") this.rawLevels.set(line, word === "high" ? 1 : 0);
    } else if (name === "active_low") {
      if (!/^-?\d+$/.test(word)) throw errnoError("EINVAL", path);
      writeFileSync(path, `${Number(word) !== 0 ? 1 : 0}\n`);
    } else if (name === "value") {
      if (this.failValueWrites !== undefined) throw errnoError(this.failValueWrites, path);
      if (this.read(join(dir, "direction")).trim() === "in") throw errnoError("EPERM", path);
      if (!/^-?\d+$/.test(word)) throw errnoError("EINVAL", path);
      const logical = Number(word) !== 0;
      this.rawLevels.set(line, logical !== activeLow ? 1 : 0);
    } else {
      throw errnoError("EINVAL", path);
    }
    // The value file always shows the logical level.
    const isActiveLowNow = this.read(join(dir, "active_low")).trim() === "1";
    writeFileSync(join(dir, "value"), `${(this.rawLevels.get(line) === 1) !== isActiveLowNow ? 1 : 0}\n`);
  }

  private export(text: string): void {
    const number = Number(text.trim());
    const chip = this.chips.find((candidate) => number >= candidate.base && number < candidate.base + candidate.ngpio);
    if (!Number.isInteger(number) || chip === undefined) throw errnoError("EINVAL", "export");
    if (this.rawLevels.has(number) || this.busyLines.has(number)) throw errnoError("EBUSY", "export");
    this.createLine(number, "in");
    this.pendingPermissionFailures = this.permissionDelayWrites;
  }

  private createLine(number: number, direction: "in" | "out"): void {
    const dir = join(this.classDir, `gpio${number}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "direction"), `${direction}\n`);
    writeFileSync(join(dir, "value"), "0\n");
    writeFileSync(join(dir, "active_low"), "0\n");
    this.rawLevels.set(number, 0);
  }
}
