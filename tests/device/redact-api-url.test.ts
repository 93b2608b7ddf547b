/**
 * api_url can carry secrets (user:password@ or an `/ingest/<token>` path), so
 * logs, status and error messages show it redacted.
 */
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { runCommand } from "../../device/cli/commands/run.ts";
import { runCli } from "../../device/cli/main.ts";
import { redactSecretsInText, redactUrl } from "../../device/config/redact-url.ts";
import { loadConfig } from "../../device/config/load.ts";
import type { ThermostatService } from "../../device/run/thermostat-service.ts";
import { Logger, memorySink } from "../../lib/log.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";

setDefaultTimeout(30_000);

const PATH_TOKEN = "path-token-5f2c9d";
const PASSWORD = "hunter2-password";
let tree: ReturnType<typeof makeTempTree>;

beforeEach(() => {
  tree = makeTempTree();
});

afterEach(() => tree.remove());

/** Returns a port on 127.0.0.1 with nothing listening. */
function closedPort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = probe.port as number;
  probe.stop(true);
  return port;
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(PATH_TOKEN);
  expect(text).not.toContain(PASSWORD);
  expect(text).not.toContain("shop-user");
}

describe("redactUrl", () => {
  test.each([
    ["https://example.test", "https://example.test"],
    ["https://example.test:8443/api", "https://example.test:8443/api"],
    [`https://shop-user:${PASSWORD}@example.test/api`, "https://example.test/api"],
    [`https://example.test/ingest/${PATH_TOKEN}`, "https://example.test/ingest/(redacted)"],
    [`http://shop-user:${PASSWORD}@127.0.0.1:8787/stage/ingest/${PATH_TOKEN}/readings`, "http://127.0.0.1:8787/stage/ingest/(redacted)/readings"],
    [`https://example.test/api?token=${PATH_TOKEN}#x`, "https://example.test/api"],
  ])("%s", (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  test("hides text that is not a URL", () => {
    expect(redactUrl(`htps//shop-user:${PASSWORD}@x`)).toBe("(not a URL, not shown)");
  });
});

describe("redactSecretsInText", () => {
  test("removes userinfo and ingest tokens", () => {
    const text = `TypeError: cannot reach http://shop-user:${PASSWORD}@127.0.0.1:9/ingest/${PATH_TOKEN}/readings (path ${PATH_TOKEN})`;
    const redacted = redactSecretsInText(text, `http://shop-user:${PASSWORD}@127.0.0.1:9/ingest/${PATH_TOKEN}`);
    expectNoSecret(redacted);
    expect(redacted).toContain("http://127.0.0.1:9/ingest/(redacted)/readings");
  });
});

describe("api_url in logs", () => {
  test("thermo_starting and upload errors hide secrets", async () => {
    const apiUrl = `http://shop-user:${PASSWORD}@127.0.0.1:${closedPort()}/ingest/${PATH_TOKEN}`;
    const config = loadConfig({
      flags: { sensor: "simulated", relay: "simulated", speed: "100", upload_interval_s: "1", api_port: "0", data_dir: join(tree.root, "data"), api_url: apiUrl, ingest_token: "bearer-token" },
      env: {},
      readTextFile: () => {
        throw Object.assign(new Error("no file"), { code: "ENOENT" });
      },
    });
    const sink = memorySink();
    const logger = new Logger("thermo", { sink: sink.sink, level: "debug" });
    // Bun's fetch errors carry the URL in a `path` field; this one also names it in the message.
    const failingFetch = (async (url: string | URL | Request) => {
      throw Object.assign(new TypeError(`ECONNREFUSED: Unable to connect. Is the computer able to access the url? ${String(url)}`), { code: "ECONNREFUSED", path: String(url) });
    }) as unknown as typeof fetch;
    let service: ThermostatService | undefined;

    const exited = runCommand({ config, logger, fetch: failingFetch, onStarted: (info) => (service = info.service) });
    for (let attempt = 0; attempt < 400 && !sink.records().some((record) => record.event === "upload_failed"); attempt++) await Bun.sleep(25);
    const lastError = service?.status().upload.last_error;
    await service?.stop("test end");
    await exited;

    const lines = sink.lines.join("\n");
    expect(sink.records().some((record) => record.event === "upload_failed")).toBe(true);
    expectNoSecret(lines);
    expectNoSecret(lastError ?? "");
    const starting = sink.records().find((record) => record.event === "thermo_starting") as { config: { api_url: string } } | undefined;
    expect(starting?.config.api_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ingest\/\(redacted\)$/);
  });

  test("real connection failures hide secrets", async () => {
    const apiUrl = `http://shop-user:${PASSWORD}@127.0.0.1:${closedPort()}/ingest/${PATH_TOKEN}`;
    const config = loadConfig({
      flags: { sensor: "simulated", relay: "simulated", speed: "100", upload_interval_s: "1", api_port: "0", data_dir: join(tree.root, "data"), api_url: apiUrl, ingest_token: "bearer-token" },
      env: {},
      readTextFile: () => {
        throw Object.assign(new Error("no file"), { code: "ENOENT" });
      },
    });
    const sink = memorySink();
    let service: ThermostatService | undefined;

    const exited = runCommand({ config, logger: new Logger("thermo", { sink: sink.sink, level: "debug" }), onStarted: (info) => (service = info.service) });
    for (let attempt = 0; attempt < 400 && !sink.records().some((record) => record.event === "upload_failed"); attempt++) await Bun.sleep(25);
    await service?.stop("test end");
    await exited;

    expect(sink.records().some((record) => record.event === "upload_failed")).toBe(true);
    expectNoSecret(sink.lines.join("\n"));
  });

  test("configuration errors hide secrets", async () => {
    const err: string[] = [];
    const apiUrl = `https://shop-user:${PASSWORD}@example.test/ingest/${PATH_TOKEN}`;
    const code = await runCli(["read", "--api-url", apiUrl], { io: { out: () => {}, err: (text) => void err.push(text) }, env: {}, readTextFile: () => "" });

    expect(code).toBe(2);
    expect(err.join("\n")).toContain('api_url (from --api-url) = "https://example.test/ingest/(redacted)": needs ingest_token');
    expectNoSecret(err.join("\n"));
  });
});
