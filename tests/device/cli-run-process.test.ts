/**
 * `thermo run` as a real process on fake sysfs trees: a DHT reading 5 °C and
 * a relay line a previous run left exported (plain files can stand in for an
 * exported line's attributes). Checks the relay level on every exit path.
 */
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../device/cli/main.ts";
import { EXIT_CODES } from "../../device/run/exit-codes.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";

// Simulated days, child processes and SQLite files take longer than the 5 s default on a loaded 2-core machine.
setDefaultTimeout(30_000);

const DEVICE = join(import.meta.dir, "../../device.ts");
const RUN_THEN_THROW = join(import.meta.dir, "helpers/run-then-throw.ts");
// The heater may switch on only after min_off_s (at least 30 s), so tests that need it on run with a fast clock.
const RUN_FAST_CLOCK = join(import.meta.dir, "helpers/run-fast-clock.ts");
let tree: ReturnType<typeof makeTempTree>;
let valueFile: string;
let port: number;

beforeEach(() => {
  tree = makeTempTree();
  tree.write("sys/bus/iio/devices/iio:device0/name", "dht11@4\n");
  tree.write("sys/bus/iio/devices/iio:device0/in_temp_input", "5000\n");
  tree.write("sys/bus/iio/devices/iio:device0/in_humidityrelative_input", "40000\n");
  tree.write("sys/class/gpio/gpiochip512/label", "pinctrl-bcm2711\n");
  tree.write("sys/class/gpio/gpiochip512/base", "512\n");
  tree.write("sys/class/gpio/gpiochip512/ngpio", "58\n");
  tree.write("sys/class/gpio/gpio529/direction", "out\n");
  tree.write("sys/class/gpio/gpio529/active_low", "0\n");
  // A crashed earlier run left the heater on.
  valueFile = tree.write("sys/class/gpio/gpio529/value", "1\n");
  tree.write("thermo.toml", "# defaults\n");
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  port = probe.port as number;
  probe.stop(true);
});

afterEach(() => tree.remove());

function runArgs(): string[] {
  return ["run", "--relay", "gpio-sysfs", "--sysfs-root", join(tree.root, "sys"), "--data-dir", join(tree.root, "data"), "--min-off-s", "30", "--poll-interval-s", "2", "--stale-after-s", "60", "--api-port", String(port), "--config", join(tree.root, "thermo.toml")];
}

/** Polls the child's local API until the heater reads `isOn`; bounded to about 10 s. */
async function waitForHeater(isOn: boolean): Promise<boolean> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const status = (await fetch(`http://127.0.0.1:${port}/status`).then((response) => response.json(), () => undefined)) as { heater?: { on: boolean } } | undefined;
    if (status?.heater?.on === isOn) return true;
    await Bun.sleep(25);
  }
  return false;
}

function spawnThermo(args: string[]) {
  return Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
}

describe("thermo run process", () => {
  test.each(["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"] as const)("drives the relay off on %s", async (signal) => {
    const child = spawnThermo([process.execPath, RUN_FAST_CLOCK, ...runArgs()]);
    expect(await waitForHeater(true)).toBe(true);
    expect(readFileSync(valueFile, "utf8").trim()).toBe("1");

    child.kill(signal);
    const code = await child.exited;

    expect(code).toBe(EXIT_CODES.ok);
    expect(readFileSync(valueFile, "utf8").trim()).toBe("0");
    const logs = await new Response(child.stderr).text();
    expect(logs).toContain('"event":"relay_closed"');
    expect(logs).toContain('"relay_header_pin":11');
  });

  test("drives the relay off at start", async () => {
    // No DHT device: every reading fails, so the heater a crashed run left on must go off and stay off.
    tree.write("sys/bus/iio/devices/iio:device0/name", "mcp3008\n");
    const child = spawnThermo([process.execPath, DEVICE, ...runArgs()]);
    expect(await waitForHeater(false)).toBe(true);
    expect(readFileSync(valueFile, "utf8").trim()).toBe("0");
    child.kill("SIGTERM");
    expect(await child.exited).toBe(EXIT_CODES.ok);
  });

  test("drives the relay off on an uncaught error", async () => {
    const child = spawnThermo([process.execPath, RUN_THEN_THROW, valueFile, ...runArgs()]);

    const code = await child.exited;

    expect(code).toBe(EXIT_CODES.crash);
    expect(readFileSync(valueFile, "utf8").trim()).toBe("0");
    expect(await new Response(child.stderr).text()).toContain('"event":"uncaught_error"');
  });

  test("status reports the running heater", async () => {
    const child = spawnThermo([process.execPath, RUN_FAST_CLOCK, ...runArgs()]);
    expect(await waitForHeater(true)).toBe(true);
    const out: string[] = [];
    const err: string[] = [];

    const code = await runCli(["status", "--api-port", String(port)], { io: { out: (text) => void out.push(text), err: (text) => void err.push(text) }, env: {}, readTextFile: () => "" });
    child.kill("SIGTERM");
    await child.exited;

    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out[0]).toContain("heater       ON since");
    expect(out[0]).toContain("relay        gpio-sysfs gpio529 (BCM 17, pinctrl-bcm2711 base 512)");
  });

  test("status explains a thermo that is not running", async () => {
    const err: string[] = [];
    const code = await runCli(["status", "--api-port", String(port)], { io: { out: () => {}, err: (text) => void err.push(text) }, env: {}, readTextFile: () => "" });
    expect(code).toBe(EXIT_CODES.startFailure);
    expect(err[0]).toContain("is \"thermo run\" running?");
  });
});
