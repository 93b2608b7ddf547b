import { afterEach, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { Ds18b20Sensor } from "../../device/sensors/ds18b20.ts";
import { SensorReadError } from "../../device/sensors/errors.ts";
import { dallasCrc8, parseW1Slave } from "../../device/sensors/w1-slave.ts";
import { faultyReader, makeTempTree } from "./helpers/fake-tree.ts";

const ID = "28-3c01d607d4a1";
let tree: ReturnType<typeof makeTempTree>;
afterEach(() => tree?.remove());

/** The two lines w1_therm prints for a scratchpad: line 1 with the CRC verdict, line 2 with the cached bytes and t=. */
function w1Slave(bytes: string, verdict: "YES" | "NO", milliC: number): string {
  const crc = bytes.split(" ")[8];
  return `${bytes} : crc=${crc} ${verdict}\n${bytes} t=${milliC}\n`;
}

const SAMPLES = {
  c23_125: w1Slave("72 01 4b 46 7f ff 0e 10 57", "YES", 23125),
  c21_5: w1Slave("58 01 4b 46 7f ff 08 10 f9", "YES", 21500),
  minus10_125: w1Slave("5e ff 4b 46 7f ff 02 10 b6", "YES", -10125),
  powerOn: w1Slave("50 05 4b 46 7f ff 0c 10 1c", "YES", 85000),
  allZero: w1Slave("00 00 00 00 00 00 00 00 00", "YES", 0),
};

function w1Tree(files: Record<string, string>, slaves = `${ID}\n`) {
  tree = makeTempTree();
  tree.write("sys/bus/w1/devices/w1_bus_master1/w1_master_slaves", slaves);
  tree.write("sys/bus/w1/devices/w1_bus_master1/w1_master_slave_count", "1\n");
  for (const [file, text] of Object.entries(files)) tree.write(`sys/bus/w1/devices/${ID}/${file}`, text);
  return `${tree.root}/sys`;
}

describe("dallasCrc8", () => {
  test.each([
    ["72 01 4b 46 7f ff 0e 10", 0x57],
    ["58 01 4b 46 7f ff 08 10", 0xf9],
    ["5e ff 4b 46 7f ff 02 10", 0xb6],
    ["50 05 4b 46 7f ff 0c 10", 0x1c],
    ["00 00 00 00 00 00 00 00", 0x00],
    ["ff ff ff ff ff ff ff ff", 0xc9],
  ])("of %s is the kernel's value", (hex, crc) => {
    expect(dallasCrc8(hex.split(" ").map((byte) => Number.parseInt(byte, 16)))).toBe(crc);
  });
});

describe("parseW1Slave", () => {
  test.each([
    ["23.125 °C", SAMPLES.c23_125, 23125],
    ["21.5 °C", SAMPLES.c21_5, 21500],
    ["-10.125 °C", SAMPLES.minus10_125, -10125],
  ])("reads %s", (_label, text, milliC) => {
    const result = parseW1Slave(text);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.milliC).toBe(milliC);
  });

  test.each([
    ["an empty read", "", "EMPTY_READ"],
    ["a NO line", w1Slave("72 01 4b 46 7f ff 0e 10 57", "NO", 23125), "CRC_MISMATCH"],
    ["a YES line with a wrong CRC", w1Slave("72 01 4b 46 7f ff 0e 10 58", "YES", 23125), "CRC_MISMATCH"],
    ["an all-zero scratchpad", SAMPLES.allZero, "ALL_ZERO_SCRATCHPAD"],
    ["one line", "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n", "MALFORMED"],
    ["a missing t=", "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57\n", "MALFORMED"],
    ["upper-case hex", SAMPLES.c23_125.toUpperCase(), "MALFORMED"],
  ])("rejects %s", (_label, text, code) => {
    const result = parseW1Slave(text);
    expect(result.ok).toBe(false);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe(code as "MALFORMED");
  });
});

describe("Ds18b20Sensor w1_slave", () => {
  test("finds the sensor through the bus master", async () => {
    const sysfsRoot = w1Tree({ w1_slave: SAMPLES.c23_125 });
    const sensor = new Ds18b20Sensor({ sysfsRoot, source: "w1_slave" });

    expect(await sensor.read()).toEqual({ temperatureC: 23.125 });
    expect(sensor.description).toBe(`ds18b20 ${ID} w1_slave`);
  });

  test("reads a leading minus", async () => {
    const sysfsRoot = w1Tree({ w1_slave: SAMPLES.minus10_125 });
    expect(await new Ds18b20Sensor({ sysfsRoot, id: ID, source: "w1_slave" }).read()).toEqual({ temperatureC: -10.125 });
  });

  test.each([
    ["an empty file", "", "EMPTY_READ", true],
    ["a NO line", w1Slave("72 01 4b 46 7f ff 0e 10 57", "NO", 23125), "CRC_MISMATCH", true],
    ["t=85000", SAMPLES.powerOn, "POWER_ON_RESET", true],
    ["an all-zero scratchpad", SAMPLES.allZero, "ALL_ZERO_SCRATCHPAD", false],
  ])("fails on %s", async (_label, text, code, isRetriable) => {
    const sysfsRoot = w1Tree({ w1_slave: text });
    const error = (await new Ds18b20Sensor({ sysfsRoot, id: ID, source: "w1_slave" }).read().catch((caught: unknown) => caught)) as SensorReadError;

    expect(error).toBeInstanceOf(SensorReadError);
    expect(error.code).toBe(code as SensorReadError["code"]);
    expect(error.isRetriable).toBe(isRetriable);
  });

  test("reports ENOENT when the device folder is gone", async () => {
    const sysfsRoot = w1Tree({ w1_slave: SAMPLES.c21_5 });
    const sensor = new Ds18b20Sensor({ sysfsRoot, source: "w1_slave" });
    await sensor.read();
    rmSync(`${sysfsRoot}/bus/w1/devices/${ID}`, { recursive: true });

    const error = (await sensor.read().catch((caught: unknown) => caught)) as SensorReadError;

    expect(error.code).toBe("ENOENT");
    expect(error.message).toContain("disconnected");
  });

  test("says not found when the bus lists no sensor", async () => {
    tree = makeTempTree();
    tree.write("sys/bus/w1/devices/w1_bus_master1/w1_master_slaves", "not found.\n");
    const error = (await new Ds18b20Sensor({ sysfsRoot: `${tree.root}/sys`, source: "w1_slave" }).read().catch((caught: unknown) => caught)) as SensorReadError;

    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toContain("pull-up");
  });

  test("says not found when 1-Wire is not enabled", async () => {
    tree = makeTempTree();
    tree.write("sys/bus/iio/devices/.keep", "");
    const error = (await new Ds18b20Sensor({ sysfsRoot: `${tree.root}/sys`, source: "w1_slave" }).read().catch((caught: unknown) => caught)) as SensorReadError;

    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toContain("dtoverlay=w1-gpio");
  });
});

describe("Ds18b20Sensor temperature", () => {
  test.each([
    ["23125\n", 23.125],
    ["-62\n", -0.062],
  ])("reads %j", async (text, expected) => {
    const sysfsRoot = w1Tree({ temperature: text });
    expect(await new Ds18b20Sensor({ sysfsRoot, id: ID, source: "temperature" }).read()).toEqual({ temperatureC: expected });
  });

  test.each([
    ["", "EMPTY_READ"],
    ["85000\n", "POWER_ON_RESET"],
    ["garbage\n", "MALFORMED"],
  ])("fails on %j", async (text, code) => {
    const sysfsRoot = w1Tree({ temperature: text });
    const error = (await new Ds18b20Sensor({ sysfsRoot, id: ID, source: "temperature" }).read().catch((caught: unknown) => caught)) as SensorReadError;
    expect(error.code).toBe(code as SensorReadError["code"]);
  });
});

describe("Ds18b20Sensor hwmon", () => {
  test("reads temp1_input", async () => {
    const sysfsRoot = w1Tree({ "hwmon/hwmon2/temp1_input": "21500\n", "hwmon/hwmon2/name": "w1_slave_temp\n" });
    expect(await new Ds18b20Sensor({ sysfsRoot, id: ID, source: "hwmon" }).read()).toEqual({ temperatureC: 21.5 });
  });

  test.each([
    ["EIO", true],
    ["ENODEV", false],
    ["EAGAIN", true],
    ["EINTR", true],
  ])("maps errno %s", async (code, isRetriable) => {
    const sysfsRoot = w1Tree({ "hwmon/hwmon2/temp1_input": "21500\n" });
    const reader = faultyReader(new Map([["temp1_input", [code]]]));
    const error = (await new Ds18b20Sensor({ sysfsRoot, id: ID, source: "hwmon", reader }).read().catch((caught: unknown) => caught)) as SensorReadError;

    expect(error.code).toBe(code as SensorReadError["code"]);
    expect(error.isRetriable).toBe(isRetriable);
  });

  test("explains a missing hwmon folder", async () => {
    const sysfsRoot = w1Tree({ temperature: "21500\n" });
    const error = (await new Ds18b20Sensor({ sysfsRoot, id: ID, source: "hwmon" }).read().catch((caught: unknown) => caught)) as SensorReadError;
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toContain("CONFIG_HWMON");
  });
});
