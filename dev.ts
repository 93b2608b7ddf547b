#!/usr/bin/env bun
/**
 * `bun run dev`: thermo on one machine with no AWS and no Pi. Starts dynalite
 * (a DynamoDB-API server) on 127.0.0.1, the API and dashboard on
 * http://127.0.0.1:8787, and a simulated device; Ctrl-C stops all of it.
 * Run `bun run dev --help` for the flags.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError } from "./cloud/errors.ts";
import { ServeError } from "./cloud/serve-locally.ts";
import { DataDirError, lockDataDir } from "./dev/data-lock.ts";
import { DEV_USAGE, parseDevFlags, UsageError, type DevFlags } from "./dev/flags.ts";
import { startStack, type Stack } from "./dev/stack.ts";
import { watchStopSignals } from "./dev/stop-signals.ts";
import { readDevTokens } from "./dev/tokens-from-env.ts";
import { startSimulatedDevice, type SimulatedDevice } from "./device/dev-runner.ts";

export async function main(argv: string[]): Promise<number> {
  let flags;
  try {
    flags = parseDevFlags(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (flags.help) {
    console.log(DEV_USAGE);
    return 0;
  }

  // Installed before start-up, so a Ctrl-C during start-up stops the stack once it is up instead of killing it half-started.
  const signals = watchStopSignals();
  try {
    return await runUntilStopped(flags, signals.stopRequested);
  } finally {
    signals.dispose();
  }
}

/** Starts the stack and the simulated device, waits for `stopRequested`, then stops them in order. */
async function runUntilStopped(flags: DevFlags, stopRequested: Promise<unknown>): Promise<number> {
  const dataDir = flags.memory ? undefined : resolve(flags.dataDir);
  let releaseDataDir = () => {};
  let stack: Stack;
  try {
    const tokens = readDevTokens(process.env);
    if (dataDir !== undefined) releaseDataDir = lockDataDir(dataDir);
    stack = await startStack({
      port: flags.port,
      dataDir: dataDir === undefined ? undefined : resolve(dataDir, "dynamodb"),
      tokens,
      env: {
        ...(process.env.THERMO_TIMEZONE ? { THERMO_TIMEZONE: process.env.THERMO_TIMEZONE } : {}),
        ...(process.env.THERMO_DEFAULT_UNIT ? { THERMO_DEFAULT_UNIT: process.env.THERMO_DEFAULT_UNIT } : {}),
      },
    });
  } catch (error) {
    releaseDataDir();
    if (error instanceof ServeError || error instanceof DataDirError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    if (error instanceof ConfigError) {
      console.error(`error: invalid configuration:\n${error.problems.map((problem) => `  - ${problem}`).join("\n")}`);
      return 2;
    }
    throw error;
  }

  let device: SimulatedDevice | undefined;
  if (flags.device) {
    try {
      device = await startSimulatedDevice({
        apiUrl: stack.url,
        ingestToken: stack.tokens.ingest,
        // With --memory nothing may outlive the run, so the device's outbox goes to a temporary folder.
        dataDir: dataDir === undefined ? mkdtempSync(join(tmpdir(), "thermo-dev-")) : resolve(dataDir, "device"),
      });
    } catch (error) {
      console.error(`error: the simulated device failed to start: ${(error as Error).message}`);
      await stack.stop();
      releaseDataDir();
      return 1;
    }
  }

  console.log(`thermo dev stack running
  dashboard and API  ${stack.url}/
  store              ${dataDir === undefined ? "in memory (gone on exit)" : resolve(dataDir, "dynamodb")} (dynalite at ${stack.dynamo.endpoint})
  ingest token       ${stack.tokens.ingest}
  read token         ${stack.tokens.read}
  admin token        ${stack.tokens.admin}
  simulated device   ${device === undefined ? "off (--no-device)" : `dev-thermo, status at ${device.localApiUrl}/status`}

Try: curl -H "Authorization: Bearer ${stack.tokens.read}" ${stack.url}/devices
Press Ctrl-C to stop.`);

  await stopRequested;
  console.log(device === undefined ? "stopping: the API, then the store" : "stopping: the device first (relay off), then the API and the store");
  try {
    await device?.stop();
    await stack.stop();
  } finally {
    releaseDataDir();
  }
  console.log("thermo dev stack stopped");
  return 0;
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
