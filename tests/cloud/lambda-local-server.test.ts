/** `bun run lambda.ts`, the local server of the Lambda app: its flags and its start-up checks. */
import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";

const PROCESS_TIMEOUT_MS = 20_000;
const LAMBDA_ENTRY = resolve(import.meta.dir, "../../lambda.ts");
const HASH = "a".repeat(64);
/** A valid configuration. The endpoint is a closed local port; no test sends a request to it. */
const VALID_ENV = {
  THERMO_TABLE: "thermo",
  THERMO_INGEST_TOKEN_SHA256: HASH,
  THERMO_READ_TOKEN_SHA256: HASH,
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "AKIDTEST",
  AWS_SECRET_ACCESS_KEY: "test-secret",
  AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9",
};

/** Only PATH and HOME come from the test's environment, so no AWS setting of the machine leaks in. */
function localEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env };
}

/** Runs `bun run lambda.ts` with `args` to completion. */
async function runLambda(args: string[], env: Record<string, string>): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const child = Bun.spawn(["bun", "run", LAMBDA_ENTRY, ...args], { env: localEnv(env), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const killTimer = setTimeout(() => child.kill("SIGKILL"), PROCESS_TIMEOUT_MS - 2000);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  clearTimeout(killTimer);
  return { exitCode, stdout, stderr };
}

/** Returns a port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port as number;
  await probe.stop(true);
  return port;
}

describe("lambda.ts flags", () => {
  test("help exits 0 with usage", async () => {
    const result = await runLambda(["--help"], {});

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toStartWith("Usage: bun run lambda.ts");
    expect(result.stderr).toBe("");
  }, PROCESS_TIMEOUT_MS);

  test.each([
    [["--prot", "5"], "Unknown option '--prot'"],
    [["--port", "9000", "5"], "Unexpected argument '5'"],
    [["extra"], "Unexpected argument 'extra'"],
    [["--verbose"], "Unknown option '--verbose'"],
    [["--port"], "--port"],
    [["--port", "abc"], '--port needs a whole number from 0 to 65535, got "abc"'],
  ])("%p exits 2", async (args, message) => {
    const result = await runLambda(args, VALID_ENV);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toStartWith("error: ");
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("Usage: bun run lambda.ts");
    expect(result.stdout).not.toContain("listening");
  }, PROCESS_TIMEOUT_MS);

  test("--port=N form listens on N", async () => {
    const port = await freePort();
    const child = Bun.spawn(["bun", "run", LAMBDA_ENTRY, `--port=${port}`], { env: localEnv({ ...VALID_ENV, THERMO_LOG_LEVEL: "silent" }), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    try {
      const reader = child.stdout.getReader();
      const { value } = await reader.read();

      expect(new TextDecoder().decode(value)).toBe(`thermo API listening on http://127.0.0.1:${port}\n`);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(health.status).toBe(200);
    } finally {
      child.kill("SIGKILL");
      await child.exited;
    }
  }, PROCESS_TIMEOUT_MS);
});

describe("lambda.ts configuration", () => {
  test("invalid config exits 1 without listening", async () => {
    const result = await runLambda(["--port", "0"], { ...VALID_ENV, THERMO_TABLE: "", THERMO_TIMEZONE: "Mars/Base" });

    expect(result.exitCode).toBe(1);
    expect(result.stdout).not.toContain("listening");
    expect(result.stderr).toContain("THERMO_TABLE");
    expect(result.stderr).toContain('THERMO_TIMEZONE "Mars/Base" is not an IANA time zone');
    expect(result.stderr).not.toContain("    at ");
  }, PROCESS_TIMEOUT_MS);

  test("missing AWS settings exit 1", async () => {
    const result = await runLambda(["--port", "0"], { THERMO_TABLE: "thermo" });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("AWS_REGION is not set");
    expect(result.stdout).not.toContain("listening");
  }, PROCESS_TIMEOUT_MS);
});

describe("lambda.ts handler import", () => {
  test("invalid config handler returns 500", async () => {
    // A fresh process, because lambda.ts builds its app from process.env once, at its first import.
    const script = `
      const { functionUrlEvent } = await import(${JSON.stringify(resolve(import.meta.dir, "../helpers/function-url-event.ts"))});
      const { handler } = await import(${JSON.stringify(LAMBDA_ENTRY)});
      const result = await handler(functionUrlEvent({ path: "/health" }), {});
      console.log(JSON.stringify({ statusCode: result.statusCode, body: result.body }));
    `;
    const child = Bun.spawn(["bun", "-e", script], { env: localEnv({ THERMO_TABLE: "" }), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);

    expect(exitCode).toBe(0);
    const result = JSON.parse(stdout) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(500);
    expect((JSON.parse(result.body) as { error: string }).error).toBe("misconfigured");
    expect(stderr).toContain('"event":"invalid_configuration"');
  }, PROCESS_TIMEOUT_MS);
});
