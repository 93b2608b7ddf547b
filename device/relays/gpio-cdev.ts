/**
 * Relay on the GPIO character device, uAPI v2. The chip is found by its
 * label, because the Pi 5's header chip moved from gpiochip4 to gpiochip0 in
 * 6.6 kernels. The line is requested once with the relay off as its initial
 * value and held until close; Raspberry Pi kernels keep the last level after
 * release, so close drives it off first.
 */
import { join } from "node:path";
import { acceptedChipLabels } from "./chip-labels.ts";
import { ERRNO_HINTS, RelayError } from "./errors.ts";
import { errnoName, type IoctlBackend } from "./ioctl-backend.ts";
import {
  CHIP_INFO_SIZE,
  GPIO_GET_CHIPINFO_IOCTL,
  GPIO_V2_GET_LINE_IOCTL,
  GPIO_V2_LINE_GET_VALUES_IOCTL,
  GPIO_V2_LINE_SET_VALUES_IOCTL,
  decodeChipInfo,
  decodeLineRequestFd,
  decodeLineValues,
  encodeLineRequest,
  encodeLineValues,
} from "./gpio-uapi.ts";
import type { RelayDriver } from "./relay.ts";

/** Consumer name the kernel shows for the held line (`gpioinfo`). */
export const LINE_CONSUMER = "thermo";

export interface GpioCdevOptions {
  devRoot: string;
  bcm: number;
  isActiveLow: boolean;
  /** Chip label to use instead of the Raspberry Pi header chips. */
  chipLabel?: string;
  backend: IoctlBackend;
}

export class GpioCdevRelay implements RelayDriver {
  readonly canReadBack = true;
  private readonly options: GpioCdevOptions;
  private lineFd: number | undefined;
  private chip = "";

  constructor(options: GpioCdevOptions) {
    this.options = options;
  }

  get description(): string {
    return `gpio-cdev ${this.chip || this.options.devRoot} line ${this.options.bcm}${this.options.isActiveLow ? " active-low" : ""}`;
  }

  private fail(operation: string, message: string, code?: string, cause?: unknown): never {
    const hint = code !== undefined && ERRNO_HINTS[code] !== undefined ? `: ${ERRNO_HINTS[code]}` : "";
    throw new RelayError({ relay: this.description, operation, message: `${message}${hint}`, code, cause });
  }

  /** Opens each gpiochip node and returns the fd of the first whose label is accepted. */
  private findChip(): { fd: number; lines: number } {
    const { backend, devRoot } = this.options;
    const labels = acceptedChipLabels(this.options.chipLabel);
    let nodes: string[];
    try {
      nodes = backend.list(devRoot).filter((name) => /^gpiochip\d+$/.test(name));
    } catch (error) {
      this.fail("open", `cannot list ${devRoot}`, (error as { code?: string }).code, error);
    }
    nodes.sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));

    const seen: string[] = [];
    for (const node of nodes) {
      const path = join(devRoot, node);
      let fd: number;
      try {
        fd = backend.open(path);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === "EACCES") this.fail("open", `cannot open ${path}`, code, error);
        seen.push(`${node} (${code ?? "open failed"})`);
        continue;
      }
      const info = new Uint8Array(CHIP_INFO_SIZE);
      const { result, errno } = backend.ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, info);
      const chip = result < 0 ? undefined : decodeChipInfo(info);
      if (chip !== undefined && labels.includes(chip.label)) {
        this.chip = `${path} (${chip.label})`;
        return { fd, lines: chip.lines };
      }
      backend.close(fd);
      seen.push(chip === undefined ? `${node} (${errnoName(errno)})` : `${node} "${chip.label}"`);
    }
    this.fail("open", `no GPIO chip labelled ${labels.map((label) => `"${label}"`).join(" or ")} in ${devRoot} (found: ${seen.join(", ") || "none"}); set gpio_chip_label for other boards`);
  }

  async open(): Promise<void> {
    if (this.lineFd !== undefined) return;
    const { backend, bcm } = this.options;
    const chip = this.findChip();
    try {
      if (bcm >= chip.lines) this.fail("open", `line ${bcm} does not exist on ${this.chip}, which has ${chip.lines} lines`);
      const request = encodeLineRequest({ lineOffset: bcm, consumer: LINE_CONSUMER, isActiveLow: this.options.isActiveLow, initialValue: false });
      const { result, errno } = backend.ioctl(chip.fd, GPIO_V2_GET_LINE_IOCTL, request);
      if (result < 0) this.fail("open", `requesting line ${bcm} on ${this.chip} failed with ${errnoName(errno)}`, errnoName(errno));
      this.lineFd = decodeLineRequestFd(request);
    } finally {
      // The line request keeps its own fd; the chip fd is no longer needed.
      backend.close(chip.fd);
    }
  }

  private requireLine(operation: string): number {
    if (this.lineFd === undefined) this.fail(operation, "the line is not requested; call open() first");
    return this.lineFd;
  }

  private setValue(isOn: boolean): { result: number; errno: number } {
    const values = encodeLineValues(isOn ? 1n : 0n, 1n);
    return this.options.backend.ioctl(this.requireLine("write"), GPIO_V2_LINE_SET_VALUES_IOCTL, values);
  }

  async write(isOn: boolean): Promise<void> {
    const { result, errno } = this.setValue(isOn);
    if (result < 0) this.fail("write", `setting line ${this.options.bcm} ${isOn ? "on" : "off"} failed with ${errnoName(errno)}`, errnoName(errno));
  }

  async read(): Promise<boolean> {
    const values = encodeLineValues(0n, 1n);
    const { result, errno } = this.options.backend.ioctl(this.requireLine("read"), GPIO_V2_LINE_GET_VALUES_IOCTL, values);
    if (result < 0) this.fail("read", `reading line ${this.options.bcm} failed with ${errnoName(errno)}`, errnoName(errno));
    return (decodeLineValues(values).bits & 1n) === 1n;
  }

  forceOffSync(): boolean {
    if (this.lineFd === undefined) return false;
    return this.setValue(false).result >= 0;
  }

  async close(): Promise<void> {
    if (this.lineFd === undefined) return;
    const { result, errno } = this.setValue(false);
    // When the off-write fails the line stays held: released, it would keep its last
    // level (Raspberry Pi kernels persist outputs), and the exit path could not retry.
    if (result < 0) this.fail("close", `driving line ${this.options.bcm} off before release failed with ${errnoName(errno)}`, errnoName(errno));
    this.options.backend.close(this.lineFd);
    this.lineFd = undefined;
  }
}
