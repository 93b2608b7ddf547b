/**
 * Relay on the legacy sysfs GPIO interface (`/sys/class/gpio`). The global
 * line number is the header chip's base plus the BCM number, and the base
 * depends on the kernel: 0 on 6.1 (Pi 0–4), 512 on 6.6 and later, 399 or 571
 * for the Pi 5's RP1 chip. So the chip is found by label and its base read at
 * run time.
 *
 * Export survives the process, so a restart finds `gpioN/` present and an
 * export would fail with EBUSY. After export, udev fixes the group of the new
 * files asynchronously, so non-root writes fail with EACCES for a moment.
 */
import { join } from "node:path";
import { acceptedChipLabels } from "./chip-labels.ts";
import { ERRNO_HINTS, RelayError } from "./errors.ts";
import type { RelayDriver } from "./relay.ts";
import { fsSysfsFiles, type SysfsFiles } from "./sysfs-files.ts";

/** Time to keep retrying EACCES after export while udev fixes permissions, in ms. */
export const UDEV_PERMISSION_WAIT_MS = 2000;
const PERMISSION_RETRY_MS = 20;

export interface GpioSysfsOptions {
  sysfsRoot: string;
  bcm: number;
  isActiveLow: boolean;
  chipLabel?: string;
  files?: SysfsFiles;
  /** Waits between permission retries. @default a timer */
  sleep?: (ms: number) => Promise<void>;
}

function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

export class GpioSysfsRelay implements RelayDriver {
  readonly canReadBack = true;
  private readonly options: GpioSysfsOptions;
  private readonly files: SysfsFiles;
  private gpioDir: string | undefined;
  private chip = "";
  private globalNumber: number | undefined;

  constructor(options: GpioSysfsOptions) {
    this.options = options;
    this.files = options.files ?? fsSysfsFiles;
  }

  get description(): string {
    const line = this.globalNumber === undefined ? `BCM ${this.options.bcm}` : `gpio${this.globalNumber} (BCM ${this.options.bcm}, ${this.chip})`;
    return `gpio-sysfs ${line}${this.options.isActiveLow ? " active-low" : ""}`;
  }

  private fail(operation: string, message: string, cause?: unknown): never {
    const code = errnoOf(cause);
    const hint = code !== undefined && ERRNO_HINTS[code] !== undefined ? `: ${ERRNO_HINTS[code]}` : "";
    throw new RelayError({ relay: this.description, operation, message: `${message}${hint}`, code, cause });
  }

  private get classDir(): string {
    return join(this.options.sysfsRoot, "class/gpio");
  }

  /** Finds the header chip by label and returns the global number of the BCM line. */
  private resolveGlobalNumber(): number {
    const labels = acceptedChipLabels(this.options.chipLabel);
    let entries: string[];
    try {
      entries = this.files.list(this.classDir).filter((name) => name.startsWith("gpiochip"));
    } catch (error) {
      this.fail("open", `cannot list ${this.classDir}; the kernel may lack CONFIG_GPIO_SYSFS, so use relay = "gpio-cdev"`, error);
    }
    const seen: string[] = [];
    for (const entry of entries.sort()) {
      const dir = join(this.classDir, entry);
      const label = this.files.read(join(dir, "label")).trim();
      seen.push(`${entry} "${label}"`);
      if (!labels.includes(label)) continue;
      const base = Number(this.files.read(join(dir, "base")).trim());
      const ngpio = Number(this.files.read(join(dir, "ngpio")).trim());
      if (!Number.isInteger(base) || !Number.isInteger(ngpio)) this.fail("open", `${dir} has an unreadable base or ngpio`);
      if (this.options.bcm >= ngpio) this.fail("open", `BCM ${this.options.bcm} is beyond ${label}'s ${ngpio} lines`);
      this.chip = `${label} base ${base}`;
      return base + this.options.bcm;
    }
    this.fail("open", `no GPIO chip labelled ${labels.map((label) => `"${label}"`).join(" or ")} in ${this.classDir} (found: ${seen.join(", ") || "none"})`);
  }

  /** Writes a file, retrying EACCES and ENOENT while udev sets up a freshly exported line. */
  private async writeAfterExport(path: string, text: string): Promise<void> {
    const sleep = this.options.sleep ?? ((ms: number) => Bun.sleep(ms));
    for (let waitedMs = 0; ; waitedMs += PERMISSION_RETRY_MS) {
      try {
        this.files.write(path, text);
        return;
      } catch (error) {
        const code = errnoOf(error);
        if ((code !== "EACCES" && code !== "ENOENT") || waitedMs >= UDEV_PERMISSION_WAIT_MS) {
          this.fail("open", `writing "${text}" to ${path} failed with ${code ?? String(error)}${code === "EACCES" ? ` after waiting ${UDEV_PERMISSION_WAIT_MS} ms for udev` : ""}`, error);
        }
        await sleep(PERMISSION_RETRY_MS);
      }
    }
  }

  async open(): Promise<void> {
    if (this.gpioDir !== undefined) return;
    const globalNumber = this.resolveGlobalNumber();
    this.globalNumber = globalNumber;
    const gpioDir = join(this.classDir, `gpio${globalNumber}`);

    if (!this.files.exists(gpioDir)) {
      try {
        this.files.write(join(this.classDir, "export"), String(globalNumber));
      } catch (error) {
        // EBUSY with the folder present means another export won a race; the line is usable.
        if (!(errnoOf(error) === "EBUSY" && this.files.exists(gpioDir))) {
          this.fail("open", `exporting gpio${globalNumber} failed with ${errnoOf(error) ?? String(error)}`, error);
        }
      }
    }

    // active_low first, then direction with the raw level that means "off": high for active-low boards.
    await this.writeAfterExport(join(gpioDir, "active_low"), this.options.isActiveLow ? "1" : "0");
    await this.writeAfterExport(join(gpioDir, "direction"), this.options.isActiveLow ? "high" : "low");
    // Direction already drives the line off; writing the logical value too covers a line left as an output by an earlier run.
    await this.writeAfterExport(join(gpioDir, "value"), "0");
    this.gpioDir = gpioDir;
  }

  private requireDir(operation: string): string {
    if (this.gpioDir === undefined) this.fail(operation, "the line is not exported; call open() first");
    return this.gpioDir;
  }

  async write(isOn: boolean): Promise<void> {
    const path = join(this.requireDir("write"), "value");
    try {
      this.files.write(path, isOn ? "1" : "0");
    } catch (error) {
      this.fail("write", `writing ${isOn ? 1 : 0} to ${path} failed with ${errnoOf(error) ?? String(error)}`, error);
    }
  }

  async read(): Promise<boolean> {
    const path = join(this.requireDir("read"), "value");
    let text: string;
    try {
      text = this.files.read(path).trim();
    } catch (error) {
      this.fail("read", `reading ${path} failed with ${errnoOf(error) ?? String(error)}`, error);
    }
    if (text !== "0" && text !== "1") this.fail("read", `${path} contains ${JSON.stringify(text)}, expected 0 or 1`);
    return text === "1";
  }

  forceOffSync(): boolean {
    if (this.gpioDir === undefined) return false;
    try {
      this.files.write(join(this.gpioDir, "value"), "0");
      return true;
    } catch {
      return false;
    }
  }

  /** Drives the relay off. The line stays exported so a restart needs no new export and no udev wait. */
  async close(): Promise<void> {
    if (this.gpioDir === undefined) return;
    await this.write(false);
    this.gpioDir = undefined;
  }
}
