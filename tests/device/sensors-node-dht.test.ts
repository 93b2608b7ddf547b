import { afterEach, describe, expect, test } from "bun:test";
import { createNativeModuleLoader } from "../../device/native/load-native-module.ts";
import { NativeModuleError, SensorReadError } from "../../device/sensors/errors.ts";
import { NodeDhtSensor, type NodeDhtModule } from "../../device/sensors/node-dht.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";

/** A test double with node-dht-sensor 0.4.5's API: `promises.read(type, pin)` and `promises.setMaxRetries(n)`. */
function fakeNodeDht(results: Array<{ temperature: number; humidity: number } | Error>) {
  const calls: Array<{ type: number; pin: number }> = [];
  const retries: number[] = [];
  const module: NodeDhtModule & { read: unknown; initialize: unknown; setMaxRetries: unknown } = {
    read: () => undefined,
    initialize: () => true,
    setMaxRetries: () => undefined,
    promises: {
      read: async (type, pin) => {
        calls.push({ type, pin });
        const next = results.shift();
        if (next === undefined || next instanceof Error) throw next ?? new Error("failed to read sensor");
        return next;
      },
      setMaxRetries: (count) => void retries.push(count),
    },
  };
  return { module, calls, retries };
}

let tree: ReturnType<typeof makeTempTree> | undefined;
afterEach(() => tree?.remove());

describe("NodeDhtSensor", () => {
  test("reads through promises.read with type and BCM pin", async () => {
    const fake = fakeNodeDht([{ temperature: 21.3, humidity: 44.1 }]);
    const sensor = new NodeDhtSensor({ dhtType: 22, bcm: 4, loadModule: () => fake.module });

    expect(await sensor.read()).toEqual({ temperatureC: 21.3, humidityPercent: 44.1 });
    expect(fake.calls).toEqual([{ type: 22, pin: 4 }]);
    expect(fake.retries).toEqual([1]);
  });

  test("turns a failed read into a retriable error", async () => {
    const fake = fakeNodeDht([new Error("failed to read sensor")]);
    const sensor = new NodeDhtSensor({ dhtType: 11, bcm: 17, loadModule: () => fake.module });

    const error = (await sensor.read().catch((caught: unknown) => caught)) as SensorReadError;

    expect(error).toBeInstanceOf(SensorReadError);
    expect(error.isRetriable).toBe(true);
    expect(error.message).toContain("failed to read sensor");
  });

  test("rejects a module without promises.read", () => {
    expect(() => new NodeDhtSensor({ dhtType: 22, bcm: 4, loadModule: () => ({ read: () => 0 }) })).toThrow(NativeModuleError);
  });
});

describe("createNativeModuleLoader", () => {
  test("explains how to install a missing package", () => {
    tree = makeTempTree();
    const load = createNativeModuleLoader(`${tree.root}/node_modules`);

    let error: unknown;
    try {
      load("node-dht-sensor");
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(NativeModuleError);
    expect((error as Error).message).toContain("node-dht-sensor is not installed");
    expect((error as Error).message).toContain("npm install node-dht-sensor@0.4.5");
    expect((error as Error).message).toContain(`${tree.root}/node_modules`);
  });

  test("explains an addon that is not built", () => {
    tree = makeTempTree();
    // The published package requires its addon from build/Release, which bun install leaves unbuilt.
    tree.write("node_modules/node-dht-sensor/package.json", JSON.stringify({ name: "node-dht-sensor", main: "lib/index.js" }));
    tree.write("node_modules/node-dht-sensor/lib/index.js", 'module.exports = require("../build/Release/node_dht_sensor");\n');
    const load = createNativeModuleLoader(`${tree.root}/node_modules`);

    let error: unknown;
    try {
      load("node-dht-sensor");
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(NativeModuleError);
    expect((error as Error).message).toContain("not built");
  });

  test("loads an installed package from the folder", () => {
    tree = makeTempTree();
    tree.write("node_modules/rpi-gpio/package.json", JSON.stringify({ name: "rpi-gpio", main: "index.js" }));
    tree.write("node_modules/rpi-gpio/index.js", "module.exports = { MODE_BCM: 'mode_bcm' };\n");

    const loaded = createNativeModuleLoader(`${tree.root}/node_modules`)("rpi-gpio") as { MODE_BCM: string };

    expect(loaded.MODE_BCM).toBe("mode_bcm");
  });
});
