import { describe, expect, test } from "bun:test";
import {
  CHIP_INFO_SIZE,
  GPIO_GET_CHIPINFO_IOCTL,
  GPIO_V2_GET_LINE_IOCTL,
  GPIO_V2_LINE_GET_VALUES_IOCTL,
  GPIO_V2_LINE_SET_VALUES_IOCTL,
  LINE_REQUEST_SIZE,
  LINE_VALUES_SIZE,
  decodeChipInfo,
  decodeLineRequestFd,
  encodeLineRequest,
  encodeLineValues,
} from "../../device/relays/gpio-uapi.ts";
import { createLibcIoctlBackend, errnoName } from "../../device/relays/ioctl-backend.ts";

/** The size field of a Linux _IOC number: bits 16–29. */
function ioctlSize(request: bigint): number {
  return Number((request >> 16n) & 0x3fffn);
}

/** Writes little-endian bytes at an offset, independently of DataView. */
function putLe(bytes: Uint8Array, offset: number, value: number, width: number): void {
  for (let index = 0; index < width; index++) bytes[offset + index] = Math.floor(value / 256 ** index) % 256;
}

describe("gpio uapi constants", () => {
  test.each([
    ["GPIO_GET_CHIPINFO_IOCTL", GPIO_GET_CHIPINFO_IOCTL, 0x8044b401n, CHIP_INFO_SIZE],
    ["GPIO_V2_GET_LINE_IOCTL", GPIO_V2_GET_LINE_IOCTL, 3260068871n, LINE_REQUEST_SIZE],
    ["GPIO_V2_LINE_GET_VALUES_IOCTL", GPIO_V2_LINE_GET_VALUES_IOCTL, 0xc010b40en, LINE_VALUES_SIZE],
    ["GPIO_V2_LINE_SET_VALUES_IOCTL", GPIO_V2_LINE_SET_VALUES_IOCTL, 0xc010b40fn, LINE_VALUES_SIZE],
  ])("%s encodes its struct size", (_name, request, expected, size) => {
    expect(request).toBe(expected);
    expect(ioctlSize(request)).toBe(size);
  });

  test("struct sizes match the kernel header", () => {
    expect([CHIP_INFO_SIZE, LINE_REQUEST_SIZE, LINE_VALUES_SIZE]).toEqual([68, 592, 16]);
  });
});

describe("encodeLineRequest", () => {
  test.each([
    ["active-high, off", false, false, 0x08, 0],
    ["active-low, off", true, false, 0x0a, 0],
    ["active-high, on", false, true, 0x08, 1],
  ])("lays out %s byte for byte", (_label, isActiveLow, initialValue, flagsByte, valueByte) => {
    const expected = new Uint8Array(592);
    putLe(expected, 0, 17, 4); // offsets[0] = BCM 17
    expected.set(new TextEncoder().encode("thermo"), 256); // consumer, NUL-padded
    expected[288] = flagsByte; // config.flags: OUTPUT (0x8) | ACTIVE_LOW (0x2)
    putLe(expected, 296, 1, 4); // config.num_attrs
    putLe(expected, 320, 2, 4); // attrs[0].attr.id = OUTPUT_VALUES
    expected[328] = valueByte; // attrs[0].attr.values bit 0
    putLe(expected, 336, 1, 8); // attrs[0].mask: request line 0
    putLe(expected, 560, 1, 4); // num_lines

    const bytes = encodeLineRequest({ lineOffset: 17, consumer: "thermo", isActiveLow, initialValue });

    expect(bytes.length).toBe(592);
    expect([...bytes]).toEqual([...expected]);
  });

  test("truncates the consumer to 31 bytes plus NUL", () => {
    const bytes = encodeLineRequest({ lineOffset: 4, consumer: "x".repeat(40), isActiveLow: false, initialValue: false });
    expect(bytes[256 + 30]).toBe(0x78);
    expect(bytes[256 + 31]).toBe(0);
  });

  test("leaves the fd slot for the kernel", () => {
    const bytes = encodeLineRequest({ lineOffset: 4, consumer: "thermo", isActiveLow: false, initialValue: false });
    bytes.set([7, 0, 0, 0], 588);
    expect(decodeLineRequestFd(bytes)).toBe(7);
  });
});

describe("line values and chip info", () => {
  test("encodeLineValues puts bits at 0 and mask at 8", () => {
    expect([...encodeLineValues(1n, 1n)]).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  test("decodeChipInfo reads name, label and lines", () => {
    const bytes = new Uint8Array(68);
    bytes.set(new TextEncoder().encode("gpiochip0"), 0);
    bytes.set(new TextEncoder().encode("pinctrl-rp1"), 32);
    putLe(bytes, 64, 54, 4);
    expect(decodeChipInfo(bytes)).toEqual({ name: "gpiochip0", label: "pinctrl-rp1", lines: 54 });
  });
});

describe("libc ioctl backend", () => {
  test("reports ENOTTY for a GPIO request on /dev/null", async () => {
    const backend = await createLibcIoctlBackend();
    const fd = backend.open("/dev/null");
    try {
      const { result, errno } = backend.ioctl(fd, GPIO_V2_GET_LINE_IOCTL, new Uint8Array(592));
      expect(result).toBe(-1);
      expect(errnoName(errno)).toBe("ENOTTY");
    } finally {
      backend.close(fd);
    }
  });
});
