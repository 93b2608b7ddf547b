/**
 * Relay through the `rpi-gpio` package (2.1.7, unmaintained) in BCM mode, for
 * users who already rely on it. It writes the raw BCM number to
 * `/sys/class/gpio/export`, which is only right while the header chip's base
 * is 0: kernels before 6.6 on the Pi 0–4, never on the Pi 5. It has no
 * active-low support, so this driver inverts values itself.
 */
import { release } from "node:os";
import { z } from "zod";
import type { NativeModuleLoader } from "../native/load-native-module.ts";
import { NativeModuleError } from "../sensors/errors.ts";
import { RelayError } from "./errors.ts";
import type { RelayDriver } from "./relay.ts";

/** The parts of rpi-gpio's API this driver calls. */
export interface RpiGpioModule {
  MODE_BCM: string;
  DIR_LOW: string;
  DIR_HIGH: string;
  setMode(mode: string): void;
  promise: {
    setup(channel: number, direction: string): Promise<void>;
    write(channel: number, value: boolean): Promise<void>;
    read(channel: number): Promise<boolean>;
    destroy(): Promise<void>;
  };
}

const moduleShape = z.object({
  MODE_BCM: z.string(),
  DIR_LOW: z.string(),
  DIR_HIGH: z.string(),
  setMode: z.function(),
  promise: z.object({ setup: z.function(), write: z.function(), read: z.function(), destroy: z.function() }),
});

/** Returns whether a kernel release string (`6.6.31+rpt-rpi-v8`) is 6.6 or later. */
export function isKernelAtLeast66(kernelRelease: string): boolean {
  const match = /^(\d+)\.(\d+)/.exec(kernelRelease);
  if (match === null) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major > 6 || (major === 6 && minor >= 6);
}

export interface RpiGpioOptions {
  bcm: number;
  isActiveLow: boolean;
  loadModule: NativeModuleLoader;
  /** The running kernel's release. @default os.release() */
  kernelRelease?: string;
}

export class RpiGpioRelay implements RelayDriver {
  readonly canReadBack = true;
  readonly description: string;
  private readonly options: RpiGpioOptions;
  private gpio: RpiGpioModule | undefined;

  constructor(options: RpiGpioOptions) {
    this.options = options;
    this.description = `rpi-gpio BCM ${options.bcm}${options.isActiveLow ? " active-low" : ""}`;
  }

  private fail(operation: string, message: string, cause?: unknown): never {
    throw new RelayError({ relay: this.description, operation, message, cause });
  }

  /**
   * @throws {RelayError} on kernels 6.6 and later, where rpi-gpio exports the wrong line
   * @throws {NativeModuleError} when rpi-gpio is missing or unbuilt
   */
  async open(): Promise<void> {
    if (this.gpio !== undefined) return;
    const kernelRelease = this.options.kernelRelease ?? release();
    if (isKernelAtLeast66(kernelRelease)) {
      this.fail("open", `rpi-gpio writes raw BCM numbers to /sys/class/gpio/export, which fails on kernel 6.6 and later (this one is ${kernelRelease}); use relay = "gpio-cdev" or "gpio-sysfs"`);
    }
    const loaded = this.options.loadModule("rpi-gpio");
    if (!moduleShape.safeParse(loaded).success) throw new NativeModuleError("rpi-gpio", "rpi-gpio loaded but lacks setMode() or promise.setup(); install version 2.1.7");
    const gpio = loaded as RpiGpioModule;

    gpio.setMode(gpio.MODE_BCM);
    // The direction word sets the raw level at export time: low is off for active-high boards, high for active-low ones.
    const direction = this.options.isActiveLow ? gpio.DIR_HIGH : gpio.DIR_LOW;
    try {
      await gpio.promise.setup(this.options.bcm, direction);
    } catch (error) {
      this.fail("open", `rpi-gpio setup of BCM ${this.options.bcm} failed: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    this.gpio = gpio;
  }

  private requireModule(operation: string): RpiGpioModule {
    if (this.gpio === undefined) this.fail(operation, "the pin is not set up; call open() first");
    return this.gpio;
  }

  async write(isOn: boolean): Promise<void> {
    const gpio = this.requireModule("write");
    try {
      await gpio.promise.write(this.options.bcm, this.options.isActiveLow ? !isOn : isOn);
    } catch (error) {
      this.fail("write", `rpi-gpio write to BCM ${this.options.bcm} failed: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  }

  async read(): Promise<boolean> {
    const gpio = this.requireModule("read");
    let level: boolean;
    try {
      level = await gpio.promise.read(this.options.bcm);
    } catch (error) {
      this.fail("read", `rpi-gpio read of BCM ${this.options.bcm} failed: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    return this.options.isActiveLow ? !level : level;
  }

  /** rpi-gpio has only asynchronous writes. */
  forceOffSync(): boolean {
    return false;
  }

  async close(): Promise<void> {
    const gpio = this.gpio;
    if (gpio === undefined) return;
    await this.write(false);
    // destroy() unexports the pin; Raspberry Pi kernels keep the level, which is now off.
    await gpio.promise.destroy();
    this.gpio = undefined;
  }
}
