/**
 * The Raspberry Pi binary under qemu-user: `thermo --version`, then a short
 * simulated `thermo run` that uploads to the real local API (dynalite + app).
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join, resolve } from "node:path";
import { buildDeviceBinary } from "../../build/device-binary.ts";
import { startStack, type Stack } from "../../dev/stack.ts";
import { Logger } from "../../lib/log.ts";
import { latestResponseSchema } from "../../schema.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";
import { missingArm64Runner, skipUnlessAvailable } from "./helpers/platform.ts";

// Cross-compiling and emulating an arm64 Bun takes tens of seconds on 2 cores.
setDefaultTimeout(120_000);

const BINARY = resolve(import.meta.dir, "../../dist/thermo-linux-arm64");
const QEMU = ["qemu-aarch64-static", "-L", "/usr/aarch64-linux-gnu"];
const shouldSkip = skipUnlessAvailable(missingArm64Runner(), "the arm64 binary tests");

describe.skipIf(shouldSkip)("thermo-linux-arm64 under qemu", () => {
  let stack: Stack;
  let tree: ReturnType<typeof makeTempTree>;

  beforeAll(async () => {
    await buildDeviceBinary({ target: "bun-linux-arm64", outfile: BINARY });
    stack = await startStack({ logger: new Logger("stack", { level: "warn" }), dashboard: false });
    tree = makeTempTree();
  });

  afterAll(async () => {
    await stack?.stop();
    tree?.remove();
  });

  test("prints its version", async () => {
    const child = Bun.spawn([...QEMU, BINARY, "--version"], { stdout: "pipe", stderr: "pipe" });
    const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    expect(code).toBe(0);
    expect(out.trim()).toMatch(/^thermo \d+\.\d+\.\d+ \(bun 1\.4\.5, linux-arm64\)$/);
  });

  test("loads node-dht-sensor from node_modules_dir", async () => {
    // A pure-JS test double with node-dht-sensor 0.4.5's API, where the real package's addon would sit.
    tree.write("opt/thermo/node_modules/node-dht-sensor/package.json", JSON.stringify({ name: "node-dht-sensor", version: "0.4.5", main: "lib/index.js" }));
    tree.write(
      "opt/thermo/node_modules/node-dht-sensor/lib/index.js",
      "const read = async (type, pin) => ({ temperature: type === 22 && pin === 4 ? 21.3 : -1, humidity: 44.1 });\n" +
        "module.exports = { read() {}, initialize() { return true; }, setMaxRetries() {}, promises: { read, setMaxRetries() {}, initialize() { return true; } } };\n",
    );
    const child = Bun.spawn([...QEMU, BINARY, "read", "--sensor", "node-dht-sensor", "--node-modules-dir", join(tree.root, "opt/thermo/node_modules"), "--unit", "C", "--config", join(tree.root, "empty.toml")], { stdout: "pipe", stderr: "pipe" });
    tree.write("empty.toml", "");
    const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);

    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out.trim().split("\n")).toEqual(["node-dht-sensor DHT22 on BCM 4: 21.3 °C (21.3 °C), humidity 44.1 %", "verdict: accepted; thermo run would use this reading"]);
  });

  test("explains a missing node-dht-sensor", async () => {
    const child = Bun.spawn([...QEMU, BINARY, "read", "--sensor", "node-dht-sensor", "--node-modules-dir", join(tree.root, "nowhere/node_modules"), "--config", join(tree.root, "empty.toml")], { stdout: "pipe", stderr: "pipe" });
    const [err, code] = await Promise.all([new Response(child.stderr).text(), child.exited]);

    expect(code).toBe(3);
    expect(err).toContain("node-dht-sensor is not installed");
    expect(err).toContain("npm install node-dht-sensor@0.4.5");
  });

  test("runs simulated and uploads to the local API", async () => {
    tree.write("thermo.toml", 'device_id = "arm64-smoke"\nsensor = "simulated"\nrelay = "simulated"\n');
    const child = Bun.spawn(
      [...QEMU, BINARY, "run", "--config", join(tree.root, "thermo.toml"), "--speed", "20", "--poll-interval-s", "5", "--upload-interval-s", "5", "--api-url", stack.url, "--data-dir", join(tree.root, "data"), "--api-port", "0"],
      { stdout: "pipe", stderr: "pipe", env: { ...process.env, THERMO_INGEST_TOKEN: stack.tokens.ingest } },
    );

    // Collect the log while it runs: stopping the device as soon as the cloud has the reading
    // could land before the device has read the 200 and logged the delivery.
    let logs = "";
    const decoder = new TextDecoder();
    const collected = (async () => {
      for await (const chunk of child.stderr) logs += decoder.decode(chunk, { stream: true });
    })();
    for (let attempt = 0; attempt < 300 && !logs.includes('"event":"upload_delivered"'); attempt++) await Bun.sleep(200);

    let latest;
    const response = await fetch(`${stack.url}/devices/arm64-smoke/latest`, { headers: { authorization: `Bearer ${stack.tokens.read}` } });
    if (response.ok) latest = latestResponseSchema.parse(await response.json());
    child.kill("SIGTERM");
    const code = await child.exited;
    await collected;

    expect(latest?.reading.device_id).toBe("arm64-smoke");
    expect(latest?.reading.unit).toBe("F");
    expect(code).toBe(0);
    expect(logs).toContain('"event":"upload_delivered"');
    expect(logs).toContain('"event":"relay_closed"');
  });
});
