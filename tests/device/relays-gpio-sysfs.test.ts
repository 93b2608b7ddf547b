import { afterEach, describe, expect, test } from "bun:test";
import { GpioSysfsRelay } from "../../device/relays/gpio-sysfs.ts";
import { RelayError } from "../../device/relays/errors.ts";
import { BOARDS, FakeGpioSysfs, type FakeChip } from "./helpers/fake-gpio-sysfs.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";

let tree: ReturnType<typeof makeTempTree>;
afterEach(() => tree?.remove());

function makeRelay(chips: FakeChip[], options: { isActiveLow?: boolean; bcm?: number } = {}) {
  tree = makeTempTree();
  const sysfsRoot = `${tree.root}/sys`;
  const kernel = new FakeGpioSysfs(sysfsRoot, chips);
  const sleeps: number[] = [];
  const relay = new GpioSysfsRelay({
    sysfsRoot,
    bcm: options.bcm ?? 17,
    isActiveLow: options.isActiveLow ?? false,
    files: kernel,
    sleep: async (ms) => void sleeps.push(ms),
  });
  return { kernel, relay, sleeps };
}

describe("GpioSysfsRelay", () => {
  test.each([
    ["Pi 4 on 6.6+", BOARDS.pi4Kernel66, 529],
    ["Pi 4 on 6.1", BOARDS.pi4Kernel61, 17],
    ["Pi 5 on 6.6+", BOARDS.pi5Kernel66, 588],
    ["Pi 5 on 6.1", BOARDS.pi5Kernel61, 416],
  ])("maps BCM 17 through the chip base on %s", async (_label, chips, globalNumber) => {
    const { kernel, relay } = makeRelay(chips);

    await relay.open();

    expect(kernel.writes[0]).toBe(`export=${globalNumber}`);
    expect(kernel.rawLevels.get(globalNumber)).toBe(0);
    expect(relay.description).toContain(`gpio${globalNumber}`);
  });

  test("sets active_low before direction", async () => {
    const { kernel, relay } = makeRelay(BOARDS.pi4Kernel66, { isActiveLow: true });

    await relay.open();

    expect(kernel.writes).toEqual(["export=529", "gpio529/active_low=1", "gpio529/direction=high", "gpio529/value=0"]);
    expect(kernel.rawLevels.get(529)).toBe(1);
    expect(await relay.read()).toBe(false);
  });

  test("switches and reads back the logical value", async () => {
    const { kernel, relay } = makeRelay(BOARDS.pi4Kernel66, { isActiveLow: true });
    await relay.open();

    await relay.write(true);

    expect(await relay.read()).toBe(true);
    expect(kernel.rawLevels.get(529)).toBe(0);
  });

  test("reuses a line a previous run left exported", async () => {
    const { kernel, relay } = makeRelay(BOARDS.pi4Kernel66);
    kernel.preExport(529, "out");

    await relay.open();

    expect(kernel.writes.some((write) => write.startsWith("export="))).toBe(false);
    expect(await relay.read()).toBe(false);
  });

  test("explains EBUSY from a line a driver holds", async () => {
    const { kernel, relay } = makeRelay(BOARDS.pi4Kernel66);
    kernel.busyLines.add(529);

    const error = (await relay.open().catch((caught: unknown) => caught)) as RelayError;

    expect(error).toBeInstanceOf(RelayError);
    expect(error.code).toBe("EBUSY");
    expect(error.message).toContain("kernel driver");
  });

  test("waits for udev to fix permissions after export", async () => {
    const { kernel, relay, sleeps } = makeRelay(BOARDS.pi4Kernel66);
    kernel.permissionDelayWrites = 3;

    await relay.open();

    expect(sleeps).toEqual([20, 20, 20]);
    expect(await relay.read()).toBe(false);
  });

  test("gives up on EACCES after the udev wait", async () => {
    const { kernel, relay } = makeRelay(BOARDS.pi4Kernel66);
    kernel.permissionDelayWrites = 1000;

    const error = (await relay.open().catch((caught: unknown) => caught)) as RelayError;

    expect(error.code).toBe("EACCES");
    expect(error.message).toContain("udev");
  });

  test("does not take the Pi 4 offset on a Pi 5", async () => {
    const { kernel, relay } = makeRelay(BOARDS.pi5Kernel66);
    await relay.open();
    // 512 + 17 would address a brcmstb system chip, not the header.
    expect(kernel.rawLevels.has(529)).toBe(false);
    expect(kernel.rawLevels.has(588)).toBe(true);
  });

  test("lists the chips when no header chip exists", async () => {
    const { relay } = makeRelay([{ base: 0, label: "gpio-mockup-A", ngpio: 8 }]);
    const error = (await relay.open().catch((caught: unknown) => caught)) as RelayError;
    expect(error.message).toContain('gpiochip0 "gpio-mockup-A"');
  });

  test("reports a failed value write", async () => {
    const { kernel, relay } = makeRelay(BOARDS.pi4Kernel66);
    await relay.open();
    kernel.failValueWrites = "EIO";

    const error = (await relay.write(true).catch((caught: unknown) => caught)) as RelayError;

    expect(error.operation).toBe("write");
    expect(error.code).toBe("EIO");
  });

  test("forces off synchronously and leaves the line exported on close", async () => {
    const { kernel, relay } = makeRelay(BOARDS.pi4Kernel66);
    await relay.open();
    await relay.write(true);

    expect(relay.forceOffSync()).toBe(true);
    expect(kernel.rawLevels.get(529)).toBe(0);
    await relay.close();
    expect(kernel.writes.some((write) => write.startsWith("unexport"))).toBe(false);
  });
});
