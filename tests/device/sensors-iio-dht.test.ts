import { afterEach, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { IioDhtSensor, parseMilliValue } from "../../device/sensors/iio-dht.ts";
import { SensorReadError } from "../../device/sensors/errors.ts";
import { Logger, memorySink } from "../../lib/log.ts";
import { faultyReader, makeTempTree } from "./helpers/fake-tree.ts";

let tree: ReturnType<typeof makeTempTree>;
afterEach(() => tree?.remove());

function dhtTree(devices: Record<string, { name: string; temp?: string; humidity?: string }>) {
  tree = makeTempTree();
  for (const [entry, files] of Object.entries(devices)) {
    tree.write(`sys/bus/iio/devices/${entry}/name`, files.name);
    if (files.temp !== undefined) tree.write(`sys/bus/iio/devices/${entry}/in_temp_input`, files.temp);
    if (files.humidity !== undefined) tree.write(`sys/bus/iio/devices/${entry}/in_humidityrelative_input`, files.humidity);
  }
  return `${tree.root}/sys`;
}

describe("parseMilliValue", () => {
  test.each([
    ["23400\n", 23.4],
    ["-5300\n", -5.3],
    ["45600\n", 45.6],
    ["0\n", 0],
    ["21500", 21.5],
  ])("parses %j", (text, expected) => {
    expect(parseMilliValue(text)).toBe(expected);
  });

  test.each([[""], ["abc\n"], ["23.4\n"], ["23400\n\n"]])("rejects %j", (text) => {
    expect(parseMilliValue(text)).toBeUndefined();
  });
});

describe("IioDhtSensor", () => {
  test("reads temperature and humidity in milli-units", async () => {
    const sysfsRoot = dhtTree({ "iio:device0": { name: "dht11@4\n", temp: "23400\n", humidity: "45600\n" } });
    const sensor = new IioDhtSensor({ sysfsRoot, bcm: 4, dhtType: 22 });

    const sample = await sensor.read();

    expect(sample).toEqual({ temperatureC: 23.4, humidityPercent: 45.6 });
    expect(sensor.description).toBe("iio-dht dht11@4");
  });

  test("finds the device by name, not index", async () => {
    const sysfsRoot = dhtTree({
      "iio:device0": { name: "mcp3008\n" },
      "iio:device1": { name: "dht11@17\n", temp: "10000\n", humidity: "10000\n" },
      "iio:device2": { name: "dht11@4\n", temp: "-5300\n", humidity: "80100\n" },
    });
    const sensor = new IioDhtSensor({ sysfsRoot, bcm: 4, dhtType: 22 });

    expect(await sensor.read()).toEqual({ temperatureC: -5.3, humidityPercent: 80.1 });
  });

  test("accepts a single dht11 device with another name", async () => {
    const sysfsRoot = dhtTree({ "iio:device3": { name: "dht11@0\n", temp: "21000\n", humidity: "40000\n" } });
    const sink = memorySink();
    const sensor = new IioDhtSensor({ sysfsRoot, bcm: 4, dhtType: 11, logger: new Logger("test", { sink: sink.sink }) });

    expect((await sensor.read()).temperatureC).toBe(21);
    expect(sink.records().map((record) => record.event)).toContain("dht_device_name_differs");
  });

  test("names the overlay when no device exists", async () => {
    const sysfsRoot = dhtTree({ "iio:device0": { name: "mcp3008\n" } });
    const sensor = new IioDhtSensor({ sysfsRoot, bcm: 4, dhtType: 22 });

    const error = await sensor.read().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SensorReadError);
    expect((error as SensorReadError).code).toBe("NOT_FOUND");
    expect((error as SensorReadError).message).toContain("dtoverlay=dht11,gpiopin=4");
    expect((error as SensorReadError).isRetriable).toBe(false);
  });

  test.each([
    ["EIO", true],
    ["ETIMEDOUT", true],
    ["EAGAIN", true],
    ["EINTR", true],
    ["EBUSY", true],
    ["EINVAL", true],
  ])("maps %s to a sensor failure", async (code, isRetriable) => {
    const sysfsRoot = dhtTree({ "iio:device0": { name: "dht11@4\n", temp: "23400\n", humidity: "45600\n" } });
    const reader = faultyReader(new Map([["in_temp_input", [code]]]));
    const sensor = new IioDhtSensor({ sysfsRoot, bcm: 4, dhtType: 22, reader });

    const error = (await sensor.read().catch((caught: unknown) => caught)) as SensorReadError;

    expect(error).toBeInstanceOf(SensorReadError);
    expect(error.code).toBe(["EBUSY", "EINVAL"].includes(code) ? "DRIVER_ERROR" : (code as SensorReadError["code"]));
    expect(error.isRetriable).toBe(isRetriable);
    expect(error.message).toContain(code);
    expect(await sensor.read()).toEqual({ temperatureC: 23.4, humidityPercent: 45.6 });
  });

  test("looks the device up again after ENOENT", async () => {
    const sysfsRoot = dhtTree({ "iio:device0": { name: "dht11@4\n", temp: "23400\n", humidity: "45600\n" } });
    const sensor = new IioDhtSensor({ sysfsRoot, bcm: 4, dhtType: 22 });
    await sensor.read();
    // A module reload registers the device again under another index.
    rmSync(`${sysfsRoot}/bus/iio/devices/iio:device0`, { recursive: true });
    tree.write("sys/bus/iio/devices/iio:device1/name", "dht11@4\n");
    tree.write("sys/bus/iio/devices/iio:device1/in_temp_input", "19000\n");
    tree.write("sys/bus/iio/devices/iio:device1/in_humidityrelative_input", "50000\n");

    const error = (await sensor.read().catch((caught: unknown) => caught)) as SensorReadError;
    const sample = await sensor.read();

    expect(error.code).toBe("ENOENT");
    expect(sample.temperatureC).toBe(19);
  });

  test("rejects a malformed value file", async () => {
    const sysfsRoot = dhtTree({ "iio:device0": { name: "dht11@4\n", temp: "23.4\n", humidity: "45600\n" } });
    const sensor = new IioDhtSensor({ sysfsRoot, bcm: 4, dhtType: 22 });

    const error = (await sensor.read().catch((caught: unknown) => caught)) as SensorReadError;

    expect(error.code).toBe("MALFORMED");
  });
});
