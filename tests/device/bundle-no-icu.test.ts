/**
 * The device keeps ICU out of memory (3.3 MiB of its peak RSS on x64, see
 * BENCHMARKS.md) by reading time zones from the tz database instead of Intl.
 * Its bundle contains no call that would load ICU, and `thermo read`,
 * `thermo run` and `thermo status` work with every such call made to throw.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { makeTempTree } from "./helpers/fake-tree.ts";
import { startStubIngest, type StubIngest } from "./helpers/stub-ingest.ts";

// Bundling the device and starting child processes takes several seconds on a loaded 2-core machine.
setDefaultTimeout(60_000);

const DEVICE = join(import.meta.dir, "../../device.ts");
/** Preload that makes ICU calls throw; a child process only, never imported here. */
const FORBID_INTL = join(import.meta.dir, "helpers/forbid-intl.ts");
/** Start of every error the preload throws. */
const FORBIDDEN_MARKER = "forbidden ICU call";
const TOKEN = "bundle-test-token";

describe("device bundle", () => {
  let bundle = "";

  beforeAll(async () => {
    const result = await Bun.build({ entrypoints: [DEVICE], target: "bun", minify: true });
    if (!result.success) throw new Error(`bundling device.ts failed: ${result.logs.join("\n")}`);
    bundle = await (result.outputs[0] as Blob).text();
  });

  test.each([
    ["Intl", /\bIntl\b/],
    ["toLocale…", /toLocale/],
    ["getTimezoneOffset", /getTimezoneOffset/],
    ["localeCompare", /localeCompare/],
    ["local-time Date methods", /\.(?:get|set)(?:FullYear|Month|Date|Day|Hours|Minutes|Seconds)\(/],
  ])("has no %s", (_name, pattern) => {
    expect(bundle.match(pattern)?.[0]).toBeUndefined();
  });

  test("contains the TZif reader", () => {
    expect(bundle).toContain("TZif");
  });
});

describe("device commands with ICU calls forbidden", () => {
  let tree: ReturnType<typeof makeTempTree>;
  let stub: StubIngest;
  let configPath = "";
  let port = 0;

  beforeAll(() => {
    tree = makeTempTree();
    stub = startStubIngest({ token: TOKEN });
    configPath = tree.write("thermo.toml", `sensor = "simulated"\nrelay = "simulated"\napi_url = "${stub.url}"\ningest_token = "${TOKEN}"\n`);
    const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    port = probe.port as number;
    probe.stop(true);
  });

  afterAll(async () => {
    await stub.stop();
    tree.remove();
  });

  /** Starts device.ts under the preload; the zone comes from TZ, as the system's zone. */
  function spawnDevice(args: string[]) {
    return Bun.spawn([process.execPath, "--preload", FORBID_INTL, DEVICE, ...args, "--config", configPath], {
      env: { PATH: process.env.PATH ?? "", TZ: "America/Chicago" },
      stdout: "pipe",
      stderr: "pipe",
    });
  }

  test("the preload stops an Intl call", async () => {
    const child = Bun.spawn([process.execPath, "--preload", FORBID_INTL, "-e", "new Intl.DateTimeFormat().resolvedOptions()"], { stdout: "pipe", stderr: "pipe" });

    expect(await child.exited).not.toBe(0);
    expect(await new Response(child.stderr).text()).toContain(FORBIDDEN_MARKER);
  });

  test("thermo read", async () => {
    const child = spawnDevice(["read", "--json"]);
    const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);

    expect(err).not.toContain(FORBIDDEN_MARKER);
    expect(code).toBe(0);
    expect(JSON.parse(out).plausible).toBe(true);
  });

  test("thermo run and thermo status", async () => {
    const run = spawnDevice(["run", "--data-dir", join(tree.root, "data"), "--api-port", String(port), "--speed", "360", "--upload-interval-s", "60"]);
    const statusUrl = `http://127.0.0.1:${port}/status`;
    let status: { reading_at: string | null; upload: { last_success_at: string | null } } | undefined;
    for (let attempt = 0; attempt < 400 && status?.upload.last_success_at == null; attempt++) {
      await Bun.sleep(25);
      status = (await fetch(statusUrl).then((response) => response.json(), () => undefined)) as typeof status;
    }

    const statusCommand = spawnDevice(["status", "--api-port", String(port), "--json"]);
    const [statusErr, statusCode] = await Promise.all([new Response(statusCommand.stderr).text(), statusCommand.exited]);
    run.kill("SIGTERM");
    const [runErr, runCode] = await Promise.all([new Response(run.stderr).text(), run.exited]);

    expect(status?.reading_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}-0[56]:00$/);
    expect(status?.upload.last_success_at).toMatch(/-0[56]:00$/);
    expect(stub.stored.size).toBeGreaterThan(0);
    expect(statusErr).not.toContain(FORBIDDEN_MARKER);
    expect(statusCode).toBe(0);
    expect(runErr).not.toContain(FORBIDDEN_MARKER);
    expect(runErr).not.toContain('"level":"error"');
    expect(runCode).toBe(0);
  });
});
