import { describe, expect, test } from "bun:test";
import { GpioCdevRelay } from "../../device/relays/gpio-cdev.ts";
import { RelayError } from "../../device/relays/errors.ts";
import { GPIO_GET_CHIPINFO_IOCTL, GPIO_V2_GET_LINE_IOCTL, GPIO_V2_LINE_GET_VALUES_IOCTL, GPIO_V2_LINE_SET_VALUES_IOCTL } from "../../device/relays/gpio-uapi.ts";
import { FakeGpioChardev } from "./helpers/fake-gpio-chardev.ts";

const PI4 = [
  { node: "gpiochip0", label: "pinctrl-bcm2711", lines: 58 },
  { node: "gpiochip1", label: "raspberrypi-exp-gpio", lines: 8 },
];
/** Pi 5 after the renumbering: RP1 is gpiochip0 and the brcmstb chips moved to 10–13. */
const PI5_NEW = [
  { node: "gpiochip0", label: "pinctrl-rp1", lines: 54 },
  { node: "gpiochip10", label: "gpio-brcmstb@107d508500", lines: 32 },
];
/** Pi 5 before the renumbering: RP1 was gpiochip4. */
const PI5_OLD = [
  { node: "gpiochip0", label: "gpio-brcmstb@107d508500", lines: 32 },
  { node: "gpiochip1", label: "gpio-brcmstb@107d508b00", lines: 4 },
  { node: "gpiochip4", label: "pinctrl-rp1", lines: 54 },
];

function makeRelay(chips = PI4, options: { isActiveLow?: boolean; bcm?: number; chipLabel?: string; deniedNodes?: string[] } = {}) {
  const backend = new FakeGpioChardev(chips, { deniedNodes: options.deniedNodes });
  const relay = new GpioCdevRelay({ devRoot: "/dev", bcm: options.bcm ?? 17, isActiveLow: options.isActiveLow ?? false, chipLabel: options.chipLabel, backend });
  return { backend, relay };
}

describe("GpioCdevRelay", () => {
  test("requests the line off and holds it", async () => {
    const { backend, relay } = makeRelay();

    await relay.open();

    const request = backend.calls.find((call) => call.request === GPIO_V2_GET_LINE_IOCTL);
    expect(request?.bytes.length).toBe(592);
    expect(backend.rawLevels.get(17)).toBe(0);
    expect(await relay.read()).toBe(false);
    expect(relay.description).toBe("gpio-cdev /dev/gpiochip0 (pinctrl-bcm2711) line 17");
  });

  test.each([
    ["Pi 5, new numbering", PI5_NEW, "/dev/gpiochip0 (pinctrl-rp1)"],
    ["Pi 5, old numbering", PI5_OLD, "/dev/gpiochip4 (pinctrl-rp1)"],
  ])("finds the chip by label on %s", async (_label, chips, expected) => {
    const { relay } = makeRelay(chips);
    await relay.open();
    expect(relay.description).toContain(expected);
  });

  test("closes the chip fds it does not use", async () => {
    const { backend, relay } = makeRelay(PI5_OLD);
    await relay.open();
    const chipInfoFds = backend.calls.filter((call) => call.request === GPIO_GET_CHIPINFO_IOCTL).map((call) => call.fd);
    expect(backend.closed).toEqual(chipInfoFds);
  });

  test("switches with SET_VALUES and reads back with GET_VALUES", async () => {
    const { backend, relay } = makeRelay();
    await relay.open();

    await relay.write(true);
    const on = await relay.read();
    await relay.write(false);

    const setCalls = backend.calls.filter((call) => call.request === GPIO_V2_LINE_SET_VALUES_IOCTL);
    expect([...(setCalls[0]?.bytes ?? [])]).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(backend.calls.some((call) => call.request === GPIO_V2_LINE_GET_VALUES_IOCTL)).toBe(true);
    expect(on).toBe(true);
    expect(backend.rawLevels.get(17)).toBe(0);
  });

  test("drives an active-low board high for off", async () => {
    const { backend, relay } = makeRelay(PI4, { isActiveLow: true });
    await relay.open();
    expect(backend.rawLevels.get(17)).toBe(1);

    await relay.write(true);
    expect(backend.rawLevels.get(17)).toBe(0);
  });

  test("drives off before releasing", async () => {
    const { backend, relay } = makeRelay();
    await relay.open();
    await relay.write(true);

    await relay.close();

    expect(backend.rawLevels.get(17)).toBe(0);
    const lastSet = backend.calls.filter((call) => call.request === GPIO_V2_LINE_SET_VALUES_IOCTL).at(-1);
    expect(lastSet?.bytes[0]).toBe(0);
  });

  test("keeps the line when off fails at close", async () => {
    const { backend, relay } = makeRelay();
    await relay.open();
    await relay.write(true);
    backend.failSetValues = "EPERM";

    const error = (await relay.close().catch((caught: unknown) => caught)) as RelayError;

    expect(error).toBeInstanceOf(RelayError);
    expect(error.message).toContain("driving line 17 off before release failed");
    // The line stays held, so the exit path can still try to drive it off.
    backend.failSetValues = undefined;
    expect(relay.forceOffSync()).toBe(true);
    expect(backend.rawLevels.get(17)).toBe(0);
  });

  test("forces off synchronously", async () => {
    const { backend, relay } = makeRelay();
    await relay.open();
    await relay.write(true);

    expect(relay.forceOffSync()).toBe(true);
    expect(backend.rawLevels.get(17)).toBe(0);
  });

  test.each([
    ["a busy line", (backend: FakeGpioChardev) => backend.busyLines.add(17), "EBUSY", "kernel driver"],
  ])("explains %s", async (_label, arrange, code, hint) => {
    const { backend, relay } = makeRelay();
    arrange(backend);

    const error = (await relay.open().catch((caught: unknown) => caught)) as RelayError;

    expect(error).toBeInstanceOf(RelayError);
    expect(error.code).toBe(code);
    expect(error.message).toContain(hint);
  });

  test("rejects a line beyond the chip", async () => {
    const { relay } = makeRelay(PI4, { bcm: 60 });
    const error = (await relay.open().catch((caught: unknown) => caught)) as RelayError;
    expect(error.message).toContain("does not exist");
  });

  test("lists the chips it found when none matches", async () => {
    const { relay } = makeRelay([{ node: "gpiochip0", label: "gpio-mockup-A", lines: 8 }]);
    const error = (await relay.open().catch((caught: unknown) => caught)) as RelayError;
    expect(error.message).toContain('gpiochip0 "gpio-mockup-A"');
    expect(error.message).toContain("gpio_chip_label");
  });

  test("uses a configured chip label", async () => {
    const { relay } = makeRelay([{ node: "gpiochip2", label: "gpio-mockup-A", lines: 8 }], { bcm: 3, chipLabel: "gpio-mockup-A" });
    await relay.open();
    expect(relay.description).toContain("gpio-mockup-A");
  });

  test("explains permission denied on the chip node", async () => {
    const { relay } = makeRelay(PI4, { deniedNodes: ["gpiochip0"] });
    const error = (await relay.open().catch((caught: unknown) => caught)) as RelayError;
    expect(error.code).toBe("EACCES");
    expect(error.message).toContain("gpio group");
  });

  test("reports a failed write with its errno", async () => {
    const { backend, relay } = makeRelay();
    await relay.open();
    backend.failSetValues = "EPERM";

    const error = (await relay.write(true).catch((caught: unknown) => caught)) as RelayError;

    expect(error.operation).toBe("write");
    expect(error.code).toBe("EPERM");
  });
});
