/**
 * A compiled x64 `thermo` loads node-dht-sensor with a real Node-API addon
 * from node_modules_dir, as it would on a Pi where the package was built.
 * The addon here is a stand-in with the package's JavaScript API, compiled
 * with gcc, that reports a fixed reading.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { buildDeviceBinary } from "../../build/device-binary.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";
import { missingAddonToolchain, skipUnlessAvailable } from "./helpers/platform.ts";

setDefaultTimeout(60_000);

const ADDON_SOURCE = `#include <node_api.h>
static napi_value Read(napi_env env, napi_callback_info info) {
  napi_value result, temperature, humidity;
  napi_create_object(env, &result);
  napi_create_double(env, 19.4, &temperature);
  napi_create_double(env, 52.3, &humidity);
  napi_set_named_property(env, result, "temperature", temperature);
  napi_set_named_property(env, result, "humidity", humidity);
  return result;
}
NAPI_MODULE_INIT() {
  napi_value read;
  napi_create_function(env, "read", NAPI_AUTO_LENGTH, Read, NULL, &read);
  napi_set_named_property(env, exports, "read", read);
  return exports;
}
`;

/** Like node-dht-sensor 0.4.5: lib/index.js requires ../build/Release/node_dht_sensor and wraps it. */
const PACKAGE_INDEX = `const addon = require("../build/Release/node_dht_sensor");
const promises = { read: async (type, pin) => addon.read(), setMaxRetries() {}, initialize() { return true; } };
module.exports = { read: addon.read, initialize() { return true; }, setMaxRetries() {}, promises };
`;

const shouldSkip = skipUnlessAvailable(missingAddonToolchain(), "the native addon test");

describe.skipIf(shouldSkip)("compiled thermo with a native addon", () => {
  let tree: ReturnType<typeof makeTempTree>;
  let binary: string;

  beforeAll(async () => {
    tree = makeTempTree();
    const packageDir = join(tree.root, "opt/thermo/node_modules/node-dht-sensor");
    tree.write("opt/thermo/node_modules/node-dht-sensor/package.json", JSON.stringify({ name: "node-dht-sensor", version: "0.4.5", main: "lib/index.js" }));
    tree.write("opt/thermo/node_modules/node-dht-sensor/lib/index.js", PACKAGE_INDEX);
    const source = tree.write("addon.c", ADDON_SOURCE);
    tree.write("opt/thermo/node_modules/node-dht-sensor/build/Release/.keep", "");
    const gcc = Bun.spawnSync(["gcc", "-shared", "-fPIC", "-I/usr/include/node", source, "-o", join(packageDir, "build/Release/node_dht_sensor.node")]);
    if (gcc.exitCode !== 0) throw new Error(`gcc failed: ${gcc.stderr.toString()}`);
    binary = join(tree.root, "opt/thermo/thermo");
    await buildDeviceBinary({ target: "bun-linux-x64", outfile: binary });
    tree.write("empty.toml", "");
  });

  afterAll(() => tree?.remove());

  test("reads through the addon from the binary's folder", async () => {
    // node_modules_dir defaults to <binary's folder>/node_modules.
    const child = Bun.spawn([binary, "read", "--sensor", "node-dht-sensor", "--unit", "C", "--config", join(tree.root, "empty.toml")], { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);

    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out.trim().split("\n")).toEqual(["node-dht-sensor DHT22 on BCM 4: 19.4 °C (19.4 °C), humidity 52.3 %", "verdict: accepted; thermo run would use this reading"]);
  });
});
