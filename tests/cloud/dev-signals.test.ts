/**
 * `bun run dev` stopping on signals. Ctrl-C sends SIGINT to the whole process
 * group, and `bun run` forwards its own SIGINT to dev.ts, so dev.ts receives
 * more than one. These tests send the group two in quick succession.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { LOCK_FILE } from "../../dev/data-lock.ts";

const PROCESS_TIMEOUT_MS = 40_000;
const START_TIMEOUT_MS = 20_000;
const REPO_ROOT = resolve(import.meta.dir, "../..");
const dataDir = mkdtempSync(join(tmpdir(), "thermo-dev-signals-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Stopped {
  exitCode: number | null;
  signalCode: Bun.Subprocess["signalCode"];
  stdout: string;
  stderr: string;
}

/**
 * Runs `bun run dev` (the package script, so `bun run` sits between the test
 * and dev.ts) in its own process group, waits for the ready message, then
 * sends `signal` to the group `count` times, as a terminal does on Ctrl-C.
 */
async function signalDevGroup(args: string[], signal: NodeJS.Signals, count: number): Promise<Stopped> {
  const child = Bun.spawn(["bun", "run", "dev", ...args], { cwd: REPO_ROOT, detached: true, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  const deadline = setTimeout(() => process.kill(-child.pid, "SIGKILL"), START_TIMEOUT_MS);
  let stdout = "";
  while (!stdout.includes("Press Ctrl-C to stop.")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`bun run dev exited before it was ready:\n${stdout}\n${await new Response(child.stderr).text()}`);
    stdout += decoder.decode(value, { stream: true });
  }
  clearTimeout(deadline);

  for (let sent = 0; sent < count; sent++) process.kill(-child.pid, signal);

  const killTimer = setTimeout(() => process.kill(-child.pid, "SIGKILL"), START_TIMEOUT_MS);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    stdout += decoder.decode(value, { stream: true });
  }
  const [stderr] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  clearTimeout(killTimer);
  return { exitCode: child.exitCode, signalCode: child.signalCode, stdout, stderr };
}

describe("dev stop signals", () => {
  test("double SIGINT to group stops cleanly", async () => {
    const stopped = await signalDevGroup(["--memory", "--no-device", "--port", "0"], "SIGINT", 2);

    expect(stopped.signalCode).toBeNull();
    expect(stopped.exitCode).toBe(0);
    expect(stopped.stdout).toContain("stopping: the API, then the store");
    expect(stopped.stdout).toContain("already stopping");
    expect(stopped.stdout.trimEnd()).toEndWith("thermo dev stack stopped");
  }, PROCESS_TIMEOUT_MS);

  test("double SIGINT releases data lock", async () => {
    const stopped = await signalDevGroup(["--data", dataDir, "--no-device", "--port", "0"], "SIGINT", 2);

    expect(stopped.exitCode).toBe(0);
    expect(stopped.stdout.trimEnd()).toEndWith("thermo dev stack stopped");
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    expect(existsSync(join(dataDir, "dynamodb"))).toBe(true);
  }, PROCESS_TIMEOUT_MS);

  test.each(["SIGTERM", "SIGHUP"] as const)("%s twice stops cleanly", async (signal) => {
    const stopped = await signalDevGroup(["--memory", "--no-device", "--port", "0"], signal, 2);

    expect(stopped.exitCode).toBe(0);
    expect(stopped.stdout.trimEnd()).toEndWith("thermo dev stack stopped");
  }, PROCESS_TIMEOUT_MS);
});
