import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../device/cli/main.ts";
import { parseArgs, UsageError } from "../../device/cli/parse-args.ts";
import { renderHelp } from "../../device/cli/help.ts";
import { CONFIG_KEYS, CONFIG_KEY_NAMES, flagNameOf } from "../../device/config/keys.ts";
import { unitArgument } from "../../device/cli/commands/install-service.ts";
import { renderUnit } from "../../device/service/systemd-unit.ts";
import { EXIT_CODES } from "../../device/run/exit-codes.ts";
import { openDeviceDatabase } from "../../device/outbox/database.ts";
import { Outbox } from "../../device/outbox/outbox.ts";
import { systemClock } from "../../device/time/clock.ts";
import { Logger } from "../../lib/log.ts";
import { FakeGpioChardev } from "./helpers/fake-gpio-chardev.ts";
import { sequenceReading } from "./helpers/outbox-fixtures.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";

let tree: ReturnType<typeof makeTempTree> | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (text: string) => void out.push(text), err: (text: string) => void err.push(text) }, out, err };
}

const NO_FILE = () => {
  throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
};

describe("parseArgs", () => {
  test("defaults to run", () => {
    expect(parseArgs([]).command).toBe("run");
  });

  test("splits command, positionals, options and settings", () => {
    const parsed = parseArgs(["relay", "on", "--hold-s", "5", "--relay-bcm=22", "--relay-active-low", "--config", "/x.toml"]);
    expect(parsed).toEqual({ command: "relay", positionals: ["on"], options: { "hold-s": "5", config: "/x.toml" }, settings: { relay_bcm: "22", relay_active_low: true } });
  });

  test("takes an explicit boolean value", () => {
    expect(parseArgs(["--relay-active-low", "false"]).settings.relay_active_low).toBe("false");
  });

  test.each([
    [["frobnicate"], 'unknown command "frobnicate"'],
    [["--relay-pin", "17"], "unknown option --relay-pin"],
    [["--relay-bcm"], "--relay-bcm needs a value"],
  ])("rejects %j", (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });

  test("turns --help and --version into commands", () => {
    expect(parseArgs(["status", "--help"]).command).toBe("help");
    expect(parseArgs(["--version"]).command).toBe("version");
  });
});

describe("help", () => {
  test("lists every option with its flag", () => {
    const help = renderHelp();
    for (const key of CONFIG_KEY_NAMES) expect(help).toContain(flagNameOf(key));
  });

  test("states units and defaults", () => {
    const help = renderHelp();
    expect(help).toMatch(/--poll-interval-s N +Seconds between sensor readings \(range 2–3600, default 15\)/);
    expect(help).toMatch(/--min-off-s N .*30–3600.*\(default 120\)/);
  });

  test.each([
    ["max-on-s", "60–86400"],
    ["runaway-window-s", "60–86400"],
    ["runaway-min-rise-deg", "0.1–20"],
    ["stale-after-s", "4–86400"],
    ["outbox-max-readings", "100–50000000"],
    ["request-timeout-s", "1–300"],
    ["api-port", "0–65535"],
  ])("states range of --%s", (flag, range) => {
    const line = renderHelp().split("\n").find((candidate) => candidate.startsWith(`  --${flag} `));

    expect(line).toBeDefined();
    expect(line).toContain(range);
  });

  test("states every bounded key's range", () => {
    const help = renderHelp();

    for (const key of CONFIG_KEY_NAMES) {
      const { minValue, maxValue } = CONFIG_KEYS[key].schema as { minValue?: number; maxValue?: number };
      if (minValue === undefined || maxValue === undefined || !Number.isFinite(minValue) || maxValue >= Number.MAX_SAFE_INTEGER) continue;
      const line = help.split("\n").find((candidate) => candidate.startsWith(`  ${flagNameOf(key)} `));
      expect(line).toContain(`${minValue}–${maxValue}`);
    }
  });
});

describe("runCli", () => {
  test("prints the version", async () => {
    const { io, out } = captureIo();
    expect(await runCli(["--version"], { io })).toBe(0);
    expect(out[0]).toMatch(/^thermo \d+\.\d+\.\d+ \(bun /);
  });

  test("exits 2 on invalid configuration", async () => {
    const { io, err } = captureIo();
    const code = await runCli(["read", "--relay-bcm", "99"], { io, env: {}, readTextFile: NO_FILE });
    expect(code).toBe(EXIT_CODES.usage);
    expect(err[0]).toContain("relay_bcm (from --relay-bcm) = 99");
  });

  test("reads a DHT through a fake sysfs tree", async () => {
    tree = makeTempTree();
    tree.write("sys/bus/iio/devices/iio:device0/name", "dht11@4\n");
    tree.write("sys/bus/iio/devices/iio:device0/in_temp_input", "21500\n");
    tree.write("sys/bus/iio/devices/iio:device0/in_humidityrelative_input", "40000\n");
    const { io, out } = captureIo();

    const code = await runCli(["read", "--sysfs-root", join(tree.root, "sys"), "--unit", "C"], { io, env: {}, readTextFile: NO_FILE, logSink: () => {} });

    expect(code).toBe(0);
    expect(out[0]).toBe("iio-dht dht11@4: 21.5 °C (21.5 °C), humidity 40 %");
    expect(out[1]).toBe("verdict: accepted; thermo run would use this reading");
  });

  test("read prints a rejection in text", async () => {
    tree = makeTempTree();
    tree.write("sys/bus/w1/devices/w1_bus_master1/w1_master_slaves", "28-3c01d607d4a1\n");
    tree.write("sys/bus/w1/devices/28-3c01d607d4a1/temperature", "130000\n");
    const { io, out } = captureIo();

    const code = await runCli(["read", "--sensor", "ds18b20", "--ds18b20-source", "temperature", "--sysfs-root", join(tree.root, "sys")], { io, env: {}, readTextFile: NO_FILE, logSink: () => {} });

    expect(code).toBe(EXIT_CODES.startFailure);
    expect(out[1]).toStartWith("verdict: rejected: ");
    expect(out[1]).toContain("130");
  });

  test("read warns about an implausible value", async () => {
    tree = makeTempTree();
    tree.write("sys/bus/w1/devices/w1_bus_master1/w1_master_slaves", "28-3c01d607d4a1\n");
    tree.write("sys/bus/w1/devices/28-3c01d607d4a1/temperature", "130000\n");
    const { io, out } = captureIo();

    const code = await runCli(["read", "--json", "--sensor", "ds18b20", "--ds18b20-source", "temperature", "--sysfs-root", join(tree.root, "sys")], { io, env: {}, readTextFile: NO_FILE, logSink: () => {} });

    expect(code).toBe(EXIT_CODES.startFailure);
    expect(JSON.parse(out[0] ?? "{}")).toMatchObject({ temperature_c: 130, plausible: false });
  });

  test("read explains a missing native package", async () => {
    tree = makeTempTree();
    const { io, err } = captureIo();
    const code = await runCli(["read", "--sensor", "node-dht-sensor", "--node-modules-dir", join(tree.root, "node_modules")], { io, env: {}, readTextFile: NO_FILE, logSink: () => {} });
    expect(code).toBe(EXIT_CODES.startFailure);
    expect(err[0]).toContain("npm install node-dht-sensor@0.4.5");
  });

  test("relay off drives a gpio-cdev line off", async () => {
    const backend = new FakeGpioChardev([{ node: "gpiochip0", label: "pinctrl-bcm2711", lines: 58 }]);
    const { io, out } = captureIo();

    const code = await runCli(["relay", "off", "--relay-active-low"], { io, env: {}, readTextFile: NO_FILE, overrides: { ioctlBackend: backend }, logSink: () => {} });

    expect(code).toBe(0);
    expect(out[0]).toContain("BCM 17, header pin 11, active-low");
    expect(backend.rawLevels.get(17)).toBe(1);
  });

  test("relay on holds, then turns off", async () => {
    tree = makeTempTree();
    // A line a previous run left exported, which plain files can stand in for.
    tree.write("sys/class/gpio/gpiochip512/label", "pinctrl-bcm2711\n");
    tree.write("sys/class/gpio/gpiochip512/base", "512\n");
    tree.write("sys/class/gpio/gpiochip512/ngpio", "58\n");
    tree.write("sys/class/gpio/gpio529/direction", "out\n");
    tree.write("sys/class/gpio/gpio529/active_low", "0\n");
    tree.write("sys/class/gpio/gpio529/value", "0\n");
    const value = join(tree.root, "sys/class/gpio/gpio529/value");
    const { io, out } = captureIo();

    const code = await runCli(["relay", "on", "--hold-s", "1", "--relay", "gpio-sysfs", "--sysfs-root", join(tree.root, "sys")], { io, env: {}, readTextFile: NO_FILE, logSink: () => {} });

    expect(code).toBe(0);
    expect(out.slice(1)).toEqual(["relay on for 1 s (Ctrl-C turns it off sooner)", "relay off"]);
    expect(readFileSync(value, "utf8")).toBe("0");
  });

  test.each([
    [["relay"], 'needs "on" or "off"'],
    [["relay", "toggle"], 'needs "on" or "off", got "toggle"'],
    [["relay", "on", "--hold-s", "0"], "--hold-s must be"],
  ])("relay rejects %j", async (argv, fragment) => {
    const { io, err } = captureIo();
    const code = await runCli([...argv, "--relay", "simulated"], { io, env: {}, readTextFile: NO_FILE, logSink: () => {} });
    expect(code).toBe(EXIT_CODES.usage);
    expect(err[0]).toContain(fragment);
  });

  test("status exits with authFailure on 401", async () => {
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => Response.json({ error: "unauthorized", message: "missing or invalid bearer token" }, { status: 401 }) });
    const { io, err } = captureIo();

    const code = await runCli(["status", "--api-port", String(server.port)], { io, env: {}, readTextFile: NO_FILE });
    await server.stop(true);

    expect(code).toBe(EXIT_CODES.authFailure);
    expect(EXIT_CODES.authFailure).not.toBe(EXIT_CODES.startFailure);
    expect(err[0]).toContain("answered 401");
    expect(err[0]).toContain("api_token");
  });

  test("install-service writes the unit", async () => {
    tree = makeTempTree();
    const unitPath = join(tree.root, "thermo.service");
    const { io, out } = captureIo();

    const code = await runCli(["install-service", "--unit-path", unitPath, "--user", "thermo"], { io, env: {}, readTextFile: NO_FILE });

    expect(code).toBe(0);
    const unit = readFileSync(unitPath, "utf8");
    expect(unit).toContain("Restart=on-failure");
    expect(unit).toMatch(/ExecStopPost=\S+ \S+device\.ts relay off --config \/etc\/thermo\/thermo.toml\n/);
    expect(unit).toContain("User=thermo\nSupplementaryGroups=gpio");
    expect(out.at(-1)).toContain("does not exist yet");
  });

  test("install-service names its own unit", async () => {
    tree = makeTempTree();
    const unitPath = join(tree.root, "x.service");
    const { io, out } = captureIo();

    const code = await runCli(["install-service", "--unit-path", unitPath], { io, env: {}, readTextFile: NO_FILE });

    expect(code).toBe(0);
    expect(out).toContain(`next: sudo systemctl daemon-reload && sudo systemctl enable --now ${unitPath}`);
    expect(out.join("\n")).not.toContain("enable --now thermo");
    expect(out).toContain(`note: ${unitPath} is outside systemd's unit folders, so it must stay there and on the root file system`);
  });

  test.each([
    ["/etc/systemd/system/thermo.service", "thermo.service"],
    ["/etc/systemd/system/thermo-shop.service", "thermo-shop.service"],
    ["/lib/systemd/system/heater.service", "heater.service"],
    ["/usr/lib/systemd/system/heater.service", "heater.service"],
    ["/tmp/x.service", "/tmp/x.service"],
    ["/etc/systemd/system/sub/x.service", "/etc/systemd/system/sub/x.service"],
  ])("unitArgument %s", (unitPath, expected) => {
    expect(unitArgument(unitPath)).toBe(expected);
  });

  test.each(["/tmp/x", "/tmp/x.conf", "/tmp/.service"])("install-service rejects unit path %s", async (unitPath) => {
    const { io, err } = captureIo();

    expect(await runCli(["install-service", "--unit-path", unitPath], { io, env: {}, readTextFile: NO_FILE })).toBe(EXIT_CODES.usage);
    expect(err[0]).toContain("--unit-path must name a file ending in .service");
  });

  test("status 404 says what to check", async () => {
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("Not Found", { status: 404 }) });
    const port = String(server.port);
    const { io, err } = captureIo();

    const code = await runCli(["status", "--api-port", port], { io, env: {}, readTextFile: NO_FILE });
    await server.stop(true);

    expect(code).toBe(EXIT_CODES.startFailure);
    expect(err[0]).toContain(`:${port}/status answered 404`);
    expect(err[0]).toContain(`the program on port ${port} is not thermo's local API`);
    expect(err[0]).toContain('"thermo run" is running');
    expect(err[0]).toContain("api_port");
  });

  test("install-service rejects a bad user name", async () => {
    const { io, err } = captureIo();
    expect(await runCli(["install-service", "--dry-run", "--user", "Bad User"], { io, env: {}, readTextFile: NO_FILE })).toBe(EXIT_CODES.usage);
    expect(err[0]).toContain("--user");
  });
});

describe("renderUnit", () => {
  test("runs, stops with the relay off, and restarts on failure", () => {
    const unit = renderUnit({ command: ["/usr/local/bin/thermo"], configPath: "/etc/thermo/thermo.toml", user: undefined, dataDir: "/var/lib/thermo" });
    expect(unit).toContain("ExecStart=/usr/local/bin/thermo run --config /etc/thermo/thermo.toml\n");
    expect(unit).toContain("ExecStopPost=/usr/local/bin/thermo relay off --config /etc/thermo/thermo.toml\n");
    expect(unit).toContain("Restart=on-failure\n");
    expect(unit).toContain("StartLimitIntervalSec=0\n");
    expect(unit).toContain("StateDirectory=thermo\n");
    expect(unit).not.toContain("User=");
  });

  test("quotes paths with spaces", () => {
    const unit = renderUnit({ command: ["/opt/my thermo/thermo"], configPath: "/etc/thermo/thermo.toml", user: undefined, dataDir: "/data" });
    expect(unit).toContain('ExecStart="/opt/my thermo/thermo" run');
    expect(unit).not.toContain("StateDirectory");
  });
});

describe("requeue-dead-letters", () => {
  test("moves dead letters back into the outbox", async () => {
    tree = makeTempTree();
    const dataDir = join(tree.root, "data");
    const db = openDeviceDatabase(join(dataDir, "thermo.sqlite"));
    const outbox = new Outbox({ db, maxReadings: 100, clock: systemClock, logger: new Logger("t", { level: "silent" }) });
    for (let index = 0; index < 3; index++) outbox.append(sequenceReading(index).reading, sequenceReading(index).instantMs);
    outbox.deadLetter(outbox.peek(2).map((entry) => entry.id), { status: 404, error: "HTTP 404" });
    db.close();
    const { io, out } = captureIo();

    const code = await runCli(["requeue-dead-letters", "--data-dir", dataDir], { io, env: {}, readTextFile: NO_FILE, logSink: () => {} });

    expect(code).toBe(0);
    expect(out[0]).toBe("moved 2 dead letters back into the outbox (3 readings waiting)");
  });
});
