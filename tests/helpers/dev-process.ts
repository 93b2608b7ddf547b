/** Runs `bun run dev.ts` as a child process and reads what it prints at start-up. */
import { resolve } from "node:path";

const DEV_ENTRY = resolve(import.meta.dir, "../../dev.ts");
/** Start-up includes dynalite and, with --data, opening its database. */
const START_TIMEOUT_MS = 20_000;

export interface DevProcess {
  /** Everything printed to stdout up to and including the ready message. */
  banner: string;
  url: string;
  tokens: { ingest: string; read: string; admin: string };
  child: Bun.Subprocess<"ignore", "pipe", "pipe">;
  /** Sends SIGINT and returns the exit code with the rest of the output. */
  interrupt(): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}

/** Starts dev.ts with `args`; throws with its output when it exits or does not get ready in time. */
export async function startDev(args: string[], env: Record<string, string> = {}): Promise<DevProcess> {
  const child = Bun.spawn(["bun", "run", DEV_ENTRY, ...args], { env: { ...process.env, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let banner = "";
  const deadline = setTimeout(() => child.kill("SIGKILL"), START_TIMEOUT_MS);
  while (!banner.includes("Press Ctrl-C to stop.")) {
    const { value, done } = await reader.read();
    if (done) {
      clearTimeout(deadline);
      throw new Error(`dev.ts exited before it was ready:\n${banner}\n${await new Response(child.stderr).text()}`);
    }
    banner += decoder.decode(value, { stream: true });
  }
  clearTimeout(deadline);

  const field = (label: string): string => new RegExp(`${label}\\s+(\\S+)`).exec(banner)?.[1] ?? "";
  return {
    banner,
    url: field("dashboard and API").replace(/\/$/, ""),
    tokens: { ingest: field("ingest token"), read: field("read token"), admin: field("admin token") },
    child,
    interrupt: async () => {
      child.kill("SIGINT");
      let rest = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        rest += decoder.decode(value, { stream: true });
      }
      const [stderr, exitCode] = await Promise.all([new Response(child.stderr).text(), child.exited]);
      return { exitCode, stdout: rest, stderr };
    },
  };
}

/** Runs dev.ts with `args` to completion, for flag errors and start-up failures. */
export async function runDev(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const child = Bun.spawn(["bun", "run", DEV_ENTRY, ...args], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { exitCode, stdout, stderr };
}
