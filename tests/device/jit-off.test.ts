/**
 * `thermo run` in a compiled binary re-executes itself with the JIT tiers off.
 * The compiled test also guards the JavaScriptCore option itself: a Bun whose
 * JavaScriptCore lacks it exits at start, and these tests fail.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildDeviceBinary } from "../../build/device-binary.ts";
import { BASELINE_JIT_ENV, describeJit, isCompiledBinary, planJitOffExec } from "../../device/run/jit-off.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";

// Compiling the binary takes a few seconds on a loaded 2-core machine.
setDefaultTimeout(60_000);

const COMPILED_MAIN = "/$bunfs/root/thermo";

describe("planJitOffExec", () => {
  test("re-executes a compiled run", () => {
    const plan = planJitOffExec({ command: "run", argv: ["run", "--speed", "2"], env: { PATH: "/usr/bin", UNSET: undefined }, main: COMPILED_MAIN, execPath: "/usr/local/bin/thermo" });

    expect(plan).toEqual({ file: "/usr/local/bin/thermo", args: ["/usr/local/bin/thermo", "run", "--speed", "2"], env: { PATH: "/usr/bin", [BASELINE_JIT_ENV]: "0" } });
  });

  test("keeps other commands as they are", () => {
    for (const command of ["read", "relay", "status", "install-service", "requeue-dead-letters", "help", "version"] as const) {
      expect(planJitOffExec({ command, argv: [command], env: {}, main: COMPILED_MAIN, execPath: "/usr/local/bin/thermo" })).toBeUndefined();
    }
  });

  test("keeps a run from source as it is", () => {
    expect(planJitOffExec({ command: "run", argv: ["run"], env: {}, main: "/home/pi/thermo/device.ts", execPath: "/usr/bin/bun" })).toBeUndefined();
  });

  test("respects a variable that is already set", () => {
    for (const value of ["0", "1", ""]) {
      expect(planJitOffExec({ command: "run", argv: ["run"], env: { [BASELINE_JIT_ENV]: value }, main: COMPILED_MAIN, execPath: "/usr/local/bin/thermo" })).toBeUndefined();
    }
  });
});

describe("describeJit", () => {
  test.each([
    ["0", "off"],
    ["false", "off"],
    ["1", "on"],
    [undefined, "on"],
  ] as const)("%p is %s", (value, expected) => {
    expect(describeJit({ [BASELINE_JIT_ENV]: value })).toBe(expected);
  });
});

test("isCompiledBinary tells embedded entries apart", () => {
  expect(isCompiledBinary(COMPILED_MAIN)).toBe(true);
  expect(isCompiledBinary("/home/pi/thermo/device.ts")).toBe(false);
});

describe("compiled thermo run", () => {
  let tree: ReturnType<typeof makeTempTree>;
  let binary: string;
  let runs = 0;

  beforeAll(async () => {
    tree = makeTempTree();
    binary = join(tree.root, "thermo");
    await buildDeviceBinary({ target: "bun-linux-x64", outfile: binary });
    tree.write("thermo.toml", 'sensor = "simulated"\nrelay = "simulated"\n');
  });

  afterAll(() => tree?.remove());

  /** Starts `thermo run` and returns its process environment and start log once the local API listens. */
  async function startRun(env: Record<string, string>) {
    const args = [binary, "run", "--config", join(tree.root, "thermo.toml"), "--data-dir", join(tree.root, `data-${++runs}`), "--api-port", "0"];
    const cleanEnv = { ...process.env, ...env };
    if (!(BASELINE_JIT_ENV in env)) delete cleanEnv[BASELINE_JIT_ENV];
    const child = Bun.spawn(args, { stdout: "ignore", stderr: "pipe", env: cleanEnv });
    const lines: string[] = [];
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of child.stderr) {
      pending += decoder.decode(chunk, { stream: true });
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      lines.push(...parts);
      if (lines.some((line) => line.includes('"event":"local_api_listening"'))) break;
    }
    const environ = readFileSync(`/proc/${child.pid}/environ`, "utf8").split("\0");
    const starting = JSON.parse(lines.find((line) => line.includes('"event":"thermo_starting"')) ?? "{}") as { jit?: string };
    child.kill("SIGTERM");
    return { environ, starting, code: await child.exited };
  }

  test("runs with the JIT tiers off", async () => {
    const { environ, starting, code } = await startRun({});

    expect(environ).toContain(`${BASELINE_JIT_ENV}=0`);
    expect(starting.jit).toBe("off");
    expect(code).toBe(0);
  });

  test("keeps the JIT when the operator sets 1", async () => {
    const { environ, starting, code } = await startRun({ [BASELINE_JIT_ENV]: "1" });

    expect(environ).toContain(`${BASELINE_JIT_ENV}=1`);
    expect(starting.jit).toBe("on");
    expect(code).toBe(0);
  });
});
