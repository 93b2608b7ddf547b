/**
 * The device binary is built with a JIT policy that keeps its JavaScript in
 * the interpreter. The compiled check guards the Bun feature itself, so a Bun
 * upgrade that ignores the flag fails here instead of raising thermo's memory
 * unnoticed.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { DEVICE_JIT_POLICY, deviceBuildArgs } from "../../build/device-binary.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";

// Compiling two small binaries takes a few seconds on a loaded 2-core machine.
setDefaultTimeout(60_000);

/** Runs a hot function two million times and prints how often the DFG JIT compiled it. */
const HOT_LOOP = `import { numberOfDFGCompiles } from "bun:jsc";
function add(a, b) { return a + b; }
let total = 0;
for (let i = 0; i < 2_000_000; i++) total = add(total, i);
console.log(numberOfDFGCompiles(add));
`;

test("deviceBuildArgs sets the JIT policy", () => {
  const args = deviceBuildArgs({ target: "bun-linux-arm64", outfile: "/tmp/thermo" });

  expect(args).toContain(`--compile-jit-policy=${DEVICE_JIT_POLICY}`);
  expect(args).toContain("--compile");
  expect(args).toContain("--target=bun-linux-arm64");
});

describe("compiled JIT policy", () => {
  let tree: ReturnType<typeof makeTempTree>;

  beforeAll(() => {
    tree = makeTempTree();
    tree.write("hot.js", HOT_LOOP);
  });

  afterAll(() => tree?.remove());

  /** Compiles the hot loop with extra build flags and returns its DFG compile count. */
  async function dfgCompiles(flags: string[]): Promise<number> {
    const binary = join(tree.root, `hot-${flags.length}`);
    const build = Bun.spawnSync([process.execPath, "build", "--compile", ...flags, join(tree.root, "hot.js"), "--outfile", binary]);
    if (build.exitCode !== 0) throw new Error(`bun build failed: ${build.stderr.toString()}`);
    const child = Bun.spawn([binary], { stdout: "pipe", stderr: "pipe" });
    const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    expect(code).toBe(0);
    return Number(out.trim());
  }

  test("keeps a hot function in the interpreter", async () => {
    expect(await dfgCompiles([`--compile-jit-policy=${DEVICE_JIT_POLICY}`])).toBe(0);
  });

  test("compiles it without the policy", async () => {
    expect(await dfgCompiles([])).toBeGreaterThan(0);
  });
});
