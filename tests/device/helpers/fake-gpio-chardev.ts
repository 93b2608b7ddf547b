/**
 * A fake of /dev/gpiochipN behind the IoctlBackend interface: it handles
 * GPIO_GET_CHIPINFO, GPIO_V2_GET_LINE, SET_VALUES and GET_VALUES the way
 * gpiolib-cdev.c does for one line, and records every call's bytes.
 */
import type { IoctlBackend, IoctlResult } from "../../../device/relays/ioctl-backend.ts";
import {
  GPIO_GET_CHIPINFO_IOCTL,
  GPIO_V2_GET_LINE_IOCTL,
  GPIO_V2_LINE_GET_VALUES_IOCTL,
  GPIO_V2_LINE_SET_VALUES_IOCTL,
} from "../../../device/relays/gpio-uapi.ts";
import { errnoError } from "./fake-tree.ts";

const ERRNO = { EPERM: 1, EBADF: 9, EBUSY: 16, EINVAL: 22, ENOTTY: 25 } as const;

export interface FakeChardevChip {
  node: string;
  label: string;
  lines: number;
}

export class FakeGpioChardev implements IoctlBackend {
  readonly calls: Array<{ fd: number; request: bigint; bytes: Uint8Array }> = [];
  readonly closed: number[] = [];
  /** Physical level of each requested line, by offset. */
  readonly rawLevels = new Map<number, 0 | 1>();
  readonly busyLines = new Set<number>();
  /** errno to return from SET_VALUES, when set. */
  failSetValues: keyof typeof ERRNO | undefined;
  /** When set, GET_VALUES reports this logical value whatever was written. */
  stuckReadValue: boolean | undefined;
  private readonly chips: FakeChardevChip[];
  private readonly deniedNodes: Set<string>;
  private nextFd = 40;
  private readonly chipFds = new Map<number, FakeChardevChip>();
  private readonly lineFds = new Map<number, { offset: number; isActiveLow: boolean }>();

  constructor(chips: FakeChardevChip[], options: { deniedNodes?: string[] } = {}) {
    this.chips = chips;
    this.deniedNodes = new Set(options.deniedNodes ?? []);
  }

  list(): string[] {
    return [...this.chips.map((chip) => chip.node), "null", "gpiomem"];
  }

  open(path: string): number {
    const node = path.split("/").pop() ?? "";
    if (this.deniedNodes.has(node)) throw errnoError("EACCES", path);
    const chip = this.chips.find((candidate) => candidate.node === node);
    if (chip === undefined) throw errnoError("ENOENT", path);
    const fd = this.nextFd++;
    this.chipFds.set(fd, chip);
    return fd;
  }

  close(fd: number): void {
    this.closed.push(fd);
    this.chipFds.delete(fd);
    this.lineFds.delete(fd);
  }

  ioctl(fd: number, request: bigint, buffer: Uint8Array): IoctlResult {
    this.calls.push({ fd, request, bytes: buffer.slice() });
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    const fail = (name: keyof typeof ERRNO): IoctlResult => ({ result: -1, errno: ERRNO[name] });

    const chip = this.chipFds.get(fd);
    if (chip !== undefined && request === GPIO_GET_CHIPINFO_IOCTL) {
      const encoder = new TextEncoder();
      buffer.set(encoder.encode(chip.node), 0);
      buffer.set(encoder.encode(chip.label), 32);
      view.setUint32(64, chip.lines, true);
      return { result: 0, errno: 0 };
    }
    if (chip !== undefined && request === GPIO_V2_GET_LINE_IOCTL) {
      const offset = view.getUint32(0, true);
      if (view.getUint32(560, true) !== 1 || offset >= chip.lines) return fail("EINVAL");
      for (let index = 568; index < 588; index++) if (buffer[index] !== 0) return fail("EINVAL");
      if (this.busyLines.has(offset)) return fail("EBUSY");
      const flags = view.getBigUint64(288, true);
      const isActiveLow = (flags & 2n) !== 0n;
      const initial = view.getUint32(296, true) === 1 && view.getUint32(320, true) === 2 ? Number(view.getBigUint64(328, true) & 1n) : 0;
      this.rawLevels.set(offset, (initial === 1) !== isActiveLow ? 1 : 0);
      const lineFd = this.nextFd++;
      this.lineFds.set(lineFd, { offset, isActiveLow });
      view.setInt32(588, lineFd, true);
      return { result: 0, errno: 0 };
    }
    const line = this.lineFds.get(fd);
    if (line !== undefined && request === GPIO_V2_LINE_SET_VALUES_IOCTL) {
      if (this.failSetValues !== undefined) return fail(this.failSetValues);
      if (view.getBigUint64(8, true) === 0n) return fail("EINVAL");
      const logical = (view.getBigUint64(0, true) & 1n) === 1n;
      this.rawLevels.set(line.offset, logical !== line.isActiveLow ? 1 : 0);
      return { result: 0, errno: 0 };
    }
    if (line !== undefined && request === GPIO_V2_LINE_GET_VALUES_IOCTL) {
      const logical = this.stuckReadValue ?? ((this.rawLevels.get(line.offset) === 1) !== line.isActiveLow);
      view.setBigUint64(0, logical ? 1n : 0n, true);
      return { result: 0, errno: 0 };
    }
    return fd === 9999 ? fail("EBADF") : fail("ENOTTY");
  }
}
