/** `bun run dev`: flags, start-up output, ingest and query, SIGINT, a busy port, and --data across restarts. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseDevFlags, parsePort, UsageError } from "../../dev/flags.ts";
import { runDev, startDev } from "../helpers/dev-process.ts";
import { wireReading } from "../helpers/wire-reading.ts";

const PROCESS_TIMEOUT_MS = 40_000;
const dataDir = mkdtempSync(join(tmpdir(), "thermo-dev-test-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function usageErrorOf(argv: string[]): string {
  try {
    parseDevFlags(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`parseDevFlags accepted ${argv.join(" ")}`);
}

describe("dev flags", () => {
  test("defaults", () => {
    expect(parseDevFlags([])).toEqual({ port: 8787, dataDir: "data/dev", memory: false, device: true, help: false });
  });

  test("every flag parsed", () => {
    expect(parseDevFlags(["--port", "0", "--memory", "--no-device"])).toEqual({ port: 0, dataDir: "data/dev", memory: true, device: false, help: false });
    expect(parseDevFlags(["--data", "/tmp/x", "--port=9000"])).toMatchObject({ port: 9000, dataDir: "/tmp/x", memory: false });
    expect(parseDevFlags(["-h"]).help).toBe(true);
  });

  test.each([
    [["--port", "abc"], '--port needs a whole number from 0 to 65535, got "abc"'],
    [["--port", "65536"], '--port needs a whole number from 0 to 65535, got "65536"'],
    [["--port", "-1"], "--port"],
    [["--port", "80.5"], '"80.5"'],
    [["--port", ""], '--port needs a whole number from 0 to 65535, got ""'],
    [["--memory", "--data", "x"], "--memory and --data exclude each other"],
    [["--data", " "], "--data needs a folder path"],
    [["--verbose"], "Unknown option '--verbose'"],
    [["extra"], "extra"],
  ])("%p rejected", (argv, message) => {
    expect(usageErrorOf(argv)).toContain(message);
  });

  test("unknown flag message shows usage", () => {
    expect(usageErrorOf(["--bogus"])).toContain("Usage: bun run dev");
  });

  test("parsePort edges", () => {
    expect(parsePort("0")).toBe(0);
    expect(parsePort("65535")).toBe(65535);
    expect(() => parsePort(undefined)).toThrow(UsageError);
  });
});

describe("dev command", () => {
  test("bad flag exits 2 with message", async () => {
    const result = await runDev(["--port", "abc"]);

    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim()).toBe('error: --port needs a whole number from 0 to 65535, got "abc"');
    expect(result.stdout).toBe("");
  }, PROCESS_TIMEOUT_MS);

  test("help exits 0", async () => {
    const result = await runDev(["--help"]);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toStartWith("Usage: bun run dev");
  }, PROCESS_TIMEOUT_MS);

  test("port 0 serves, ingests and stops on SIGINT", async () => {
    const dev = await startDev(["--memory", "--no-device", "--port", "0"]);
    try {
      expect(dev.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
      expect(dev.banner).toContain("in memory (gone on exit)");
      expect(dev.banner).toContain("off (--no-device)");
      expect(dev.tokens.ingest).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const ingest = await fetch(`${dev.url}/`, { method: "POST", headers: { authorization: `Bearer ${dev.tokens.ingest}` }, body: JSON.stringify(wireReading({ device_id: "devbox" })) });
      expect(ingest.status).toBe(200);
      const day = await fetch(`${dev.url}/devices/devbox/days/2026-03-10`, { headers: { authorization: `Bearer ${dev.tokens.read}` } });
      expect(((await day.json()) as { summary: { count: number } }).summary.count).toBe(1);
    } finally {
      const stopped = await dev.interrupt();
      expect(stopped.exitCode).toBe(0);
      expect(stopped.stdout).toContain("stopping");
      // stderr carries only the request log, one JSON line per request, and no errors.
      const logLevels = stopped.stderr.trim().split("\n").map((line) => (JSON.parse(line) as { level: string }).level);
      expect(logLevels).toEqual(["info", "info"]);
    }
  }, PROCESS_TIMEOUT_MS);

  test("busy port is one-line error", async () => {
    const busy = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("busy") });
    try {
      const result = await runDev(["--memory", "--no-device", "--port", String(busy.port)]);

      expect(result.exitCode).not.toBe(0);
      expect(result.stderr.trim()).toBe(`error: port ${busy.port} on 127.0.0.1 is already in use; stop the other program or pass --port with another number`);
      expect(result.stderr).not.toContain("    at ");
    } finally {
      await busy.stop(true);
    }
  }, PROCESS_TIMEOUT_MS);

  test("data dir survives restart", async () => {
    const tokens = { THERMO_INGEST_TOKEN: "dev-ingest-token", THERMO_READ_TOKEN: "dev-read-token" };
    const first = await startDev(["--data", dataDir, "--no-device", "--port", "0"], tokens);
    try {
      expect(first.banner).toContain(join(dataDir, "dynamodb"));
      expect(first.tokens.ingest).toBe("dev-ingest-token");
      const ingest = await fetch(`${first.url}/readings`, {
        method: "POST",
        headers: { authorization: "Bearer dev-ingest-token" },
        body: JSON.stringify({ readings: [wireReading({ device_id: "kept", record_date: "2026-03-10T08:00:00Z", temperature: 61.5 })] }),
      });
      expect(ingest.status).toBe(200);
    } finally {
      expect((await first.interrupt()).exitCode).toBe(0);
    }

    const second = await startDev(["--data", dataDir, "--no-device", "--port", "0"], tokens);
    try {
      const day = await fetch(`${second.url}/devices/kept/days/2026-03-10`, { headers: { authorization: "Bearer dev-read-token" } });
      const body = (await day.json()) as { readings: { time: string; temperature: number }[] };
      expect(body.readings).toEqual([expect.objectContaining({ time: "2026-03-10T08:00:00.000Z", temperature: 61.5 })]);
      const latest = await fetch(`${second.url}/devices/kept/latest`, { headers: { authorization: "Bearer dev-read-token" } });
      expect(latest.status).toBe(200);
    } finally {
      expect((await second.interrupt()).exitCode).toBe(0);
    }
  }, PROCESS_TIMEOUT_MS);
  test("data dir in use is one-line error", async () => {
    const lockedDir = join(dataDir, "locked");
    const first = await startDev(["--data", lockedDir, "--no-device", "--port", "0"]);
    try {
      const second = await runDev(["--data", lockedDir, "--no-device", "--port", "0"]);

      expect(second.exitCode).toBe(1);
      expect(second.stderr.trim()).toBe(`error: --data ${lockedDir} is in use by another bun run dev (pid ${first.child.pid}); stop it, or pass another --data folder or --memory`);
    } finally {
      expect((await first.interrupt()).exitCode).toBe(0);
    }
  }, PROCESS_TIMEOUT_MS);

  test("data dir that is a file is one-line error", async () => {
    const file = join(dataDir, "a-file");
    await Bun.write(file, "not a folder");

    const result = await runDev(["--data", file, "--no-device", "--port", "0"]);

    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe(`error: --data ${file} is not a folder; pass a folder path`);
  }, PROCESS_TIMEOUT_MS);

  test("bad app settings listed without stack", async () => {
    const child = Bun.spawn(["bun", "run", resolve(import.meta.dir, "../../dev.ts"), "--memory", "--no-device", "--port", "0"], {
      env: { ...process.env, THERMO_TIMEZONE: "Mars/Base", THERMO_DEFAULT_UNIT: "K" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stderr, exitCode] = await Promise.all([new Response(child.stderr).text(), child.exited]);

    expect(exitCode).toBe(2);
    expect(stderr).toContain('THERMO_TIMEZONE "Mars/Base" is not an IANA time zone');
    expect(stderr).toContain('THERMO_DEFAULT_UNIT must be "F" or "C", got "K"');
    expect(stderr).not.toContain("    at ");
  }, PROCESS_TIMEOUT_MS);
});
