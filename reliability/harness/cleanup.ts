/**
 * Last-resort cleanup when the test process exits with scenarios still
 * running, for example after a test timeout skipped their `finally` blocks:
 * child processes (thermo, dynalite) are killed and tmpfs mounts detached,
 * so nothing keeps running or mounted after the suite.
 */
import type { Subprocess } from "bun";

const children = new Set<Subprocess>();
const actions = new Set<() => void>();
let isInstalled = false;

function install(): void {
  if (isInstalled) return;
  isInstalled = true;
  // A signal ends the process without "exit" handlers unless it is handled, so turn it into an exit.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(128 + (signal === "SIGINT" ? 2 : 15)));
  process.on("exit", () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    for (const action of actions) {
      try {
        action();
      } catch {
        // Best effort at exit: one failed cleanup must not stop the others.
      }
    }
  });
}

/** Kills `child` at exit unless it has ended by then. */
export function killAtExit(child: Subprocess): void {
  install();
  children.add(child);
  void child.exited.then(() => children.delete(child));
}

/** Runs `action` at exit unless the returned function is called first. */
export function runAtExit(action: () => void): () => void {
  install();
  actions.add(action);
  return () => actions.delete(action);
}
