/**
 * Byte layouts and ioctl numbers of the Linux GPIO character device, uAPI v2
 * (`include/uapi/linux/gpio.h`). The structs are explicitly padded, so the
 * layout is the same on arm64 and x86-64; all fields are little-endian here
 * because both targets are.
 */

export const GPIO_GET_CHIPINFO_IOCTL = 0x8044b401n;
export const GPIO_V2_GET_LINE_IOCTL = 0xc250b407n;
export const GPIO_V2_LINE_GET_VALUES_IOCTL = 0xc010b40en;
export const GPIO_V2_LINE_SET_VALUES_IOCTL = 0xc010b40fn;

export const CHIP_INFO_SIZE = 68;
export const LINE_REQUEST_SIZE = 592;
export const LINE_VALUES_SIZE = 16;

/** `enum gpio_v2_line_flag` bits used here. */
export const LINE_FLAGS = { ACTIVE_LOW: 1n << 1n, OUTPUT: 1n << 3n } as const;
/** `enum gpio_v2_line_attr_id`: the initial output value. */
export const ATTR_ID_OUTPUT_VALUES = 2;

/** Byte offsets inside `struct gpio_v2_line_request`. */
export const LINE_REQUEST_OFFSETS = {
  offsets: 0,
  consumer: 256,
  configFlags: 288,
  configNumAttrs: 296,
  firstAttrId: 320,
  firstAttrValues: 328,
  firstAttrMask: 336,
  numLines: 560,
  eventBufferSize: 564,
  fd: 588,
} as const;

const CONSUMER_MAX_BYTES = 31;

export interface LineRequest {
  /** Line offset on the chip; on Raspberry Pi header chips this is the BCM number. */
  lineOffset: number;
  /** Name shown by `gpioinfo` as the line's user, at most 31 bytes. */
  consumer: string;
  isActiveLow: boolean;
  /** Logical value driven as soon as the request succeeds. */
  initialValue: boolean;
}

/** Builds a `gpio_v2_line_request` for one output line with an explicit initial value. Every padding byte is zero, as the kernel requires. */
export function encodeLineRequest(request: LineRequest): Uint8Array {
  const bytes = new Uint8Array(LINE_REQUEST_SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(LINE_REQUEST_OFFSETS.offsets, request.lineOffset, true);
  bytes.set(new TextEncoder().encode(request.consumer).subarray(0, CONSUMER_MAX_BYTES), LINE_REQUEST_OFFSETS.consumer);
  const flags = LINE_FLAGS.OUTPUT | (request.isActiveLow ? LINE_FLAGS.ACTIVE_LOW : 0n);
  view.setBigUint64(LINE_REQUEST_OFFSETS.configFlags, flags, true);
  view.setUint32(LINE_REQUEST_OFFSETS.configNumAttrs, 1, true);
  view.setUint32(LINE_REQUEST_OFFSETS.firstAttrId, ATTR_ID_OUTPUT_VALUES, true);
  view.setBigUint64(LINE_REQUEST_OFFSETS.firstAttrValues, request.initialValue ? 1n : 0n, true);
  view.setBigUint64(LINE_REQUEST_OFFSETS.firstAttrMask, 1n, true);
  view.setUint32(LINE_REQUEST_OFFSETS.numLines, 1, true);
  return bytes;
}

/** Reads the line-request fd the kernel wrote into a request buffer. */
export function decodeLineRequestFd(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(LINE_REQUEST_OFFSETS.fd, true);
}

/** Builds a `gpio_v2_line_values`: bit i is request line i. */
export function encodeLineValues(bits: bigint, mask: bigint): Uint8Array {
  const bytes = new Uint8Array(LINE_VALUES_SIZE);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, bits, true);
  view.setBigUint64(8, mask, true);
  return bytes;
}

export function decodeLineValues(bytes: Uint8Array): { bits: bigint; mask: bigint } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { bits: view.getBigUint64(0, true), mask: view.getBigUint64(8, true) };
}

function readCString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** Decodes `struct gpiochip_info`: name @0 (32 bytes), label @32 (32 bytes), lines u32 @64. */
export function decodeChipInfo(bytes: Uint8Array): { name: string; label: string; lines: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { name: readCString(bytes.subarray(0, 32)), label: readCString(bytes.subarray(32, 64)), lines: view.getUint32(64, true) };
}
