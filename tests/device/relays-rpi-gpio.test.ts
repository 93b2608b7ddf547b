import { describe, expect, test } from "bun:test";
import { RelayError } from "../../device/relays/errors.ts";
import { RpiGpioRelay, isKernelAtLeast66, type RpiGpioModule } from "../../device/relays/rpi-gpio.ts";
import { NativeModuleError } from "../../device/sensors/errors.ts";

/** A test double with rpi-gpio 2.1.7's API: a singleton with setMode and a promise interface. */
function fakeRpiGpio() {
  const calls: string[] = [];
  const levels = new Map<number, boolean>();
  const module: RpiGpioModule & { MODE_RPI: string; DIR_IN: string; DIR_OUT: string } = {
    MODE_RPI: "mode_rpi",
    MODE_BCM: "mode_bcm",
    DIR_IN: "in",
    DIR_OUT: "out",
    DIR_LOW: "low",
    DIR_HIGH: "high",
    setMode: (mode) => void calls.push(`setMode ${mode}`),
    promise: {
      setup: async (channel, direction) => {
        calls.push(`setup ${channel} ${direction}`);
        levels.set(channel, direction === "high");
      },
      write: async (channel, value) => {
        calls.push(`write ${channel} ${value}`);
        if (!levels.has(channel)) throw new Error("Pin has not been exported for write");
        levels.set(channel, value);
      },
      read: async (channel) => levels.get(channel) ?? false,
      destroy: async () => void calls.push("destroy"),
    },
  };
  return { module, calls, levels };
}

describe("RpiGpioRelay", () => {
  test("sets BCM mode and exports low for an active-high board", async () => {
    const fake = fakeRpiGpio();
    const relay = new RpiGpioRelay({ bcm: 17, isActiveLow: false, loadModule: () => fake.module, kernelRelease: "6.1.21-v8+" });

    await relay.open();
    await relay.write(true);

    expect(fake.calls).toEqual(["setMode mode_bcm", "setup 17 low", "write 17 true"]);
    expect(await relay.read()).toBe(true);
  });

  test("inverts values for an active-low board", async () => {
    const fake = fakeRpiGpio();
    const relay = new RpiGpioRelay({ bcm: 17, isActiveLow: true, loadModule: () => fake.module, kernelRelease: "6.1.21-v8+" });

    await relay.open();
    expect(fake.levels.get(17)).toBe(true);
    await relay.write(true);

    expect(fake.levels.get(17)).toBe(false);
    expect(await relay.read()).toBe(true);
  });

  test("drives off and unexports on close", async () => {
    const fake = fakeRpiGpio();
    const relay = new RpiGpioRelay({ bcm: 17, isActiveLow: false, loadModule: () => fake.module, kernelRelease: "5.15.84-v8+" });
    await relay.open();
    await relay.write(true);

    await relay.close();

    expect(fake.calls.slice(-2)).toEqual(["write 17 false", "destroy"]);
    expect(relay.forceOffSync()).toBe(false);
  });

  test("refuses kernel 6.6 and later", async () => {
    const fake = fakeRpiGpio();
    const relay = new RpiGpioRelay({ bcm: 17, isActiveLow: false, loadModule: () => fake.module, kernelRelease: "6.6.31+rpt-rpi-v8" });

    const error = (await relay.open().catch((caught: unknown) => caught)) as RelayError;

    expect(error).toBeInstanceOf(RelayError);
    expect(error.message).toContain("6.6.31+rpt-rpi-v8");
    expect(error.message).toContain("gpio-cdev");
    expect(fake.calls).toEqual([]);
  });

  test("passes on the loader's install hint", async () => {
    const relay = new RpiGpioRelay({
      bcm: 17,
      isActiveLow: false,
      kernelRelease: "6.1.21-v8+",
      loadModule: () => {
        throw new NativeModuleError("rpi-gpio", "rpi-gpio is not installed in /opt/thermo/node_modules: npm install rpi-gpio@2.1.7");
      },
    });

    const error = (await relay.open().catch((caught: unknown) => caught)) as NativeModuleError;

    expect(error).toBeInstanceOf(NativeModuleError);
    expect(error.message).toContain("npm install rpi-gpio@2.1.7");
  });

  test.each([
    ["6.1.21-v8+", false],
    ["6.6.31+rpt-rpi-v8", true],
    ["6.12.25+rpt-rpi-2712", true],
    ["5.15.84-v8+", false],
    ["7.0.0", true],
  ])("isKernelAtLeast66(%s)", (release, expected) => {
    expect(isKernelAtLeast66(release)).toBe(expected);
  });
});
