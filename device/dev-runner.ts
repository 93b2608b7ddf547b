/**
 * Runs the real `thermo run` on simulated hardware against a local stack, for
 * `bun run dev`. The device is a child process running device.ts, as on a
 * Pi; its JSON log lines are passed on to the given logger.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Logger, type LogLevel } from "../lib/log.ts";

export interface SimulatedDeviceOptions {
  /** Base URL of the cloud API, e.g. `http://127.0.0.1:8787`. */
  apiUrl: string;
  ingestToken: string;
  /** Folder for the device's outbox database and saved setpoint. */
  dataDir: string;
  /** @default "dev-thermo" */
  deviceId?: string;
  /** Clock speed of the simulation. @default 1 */
  speed?: number;
  /** Seconds between readings, in simulated time. @default 5 */
  pollIntervalS?: number;
  /** Seconds between uploads, in simulated time. @default 5 */
  uploadIntervalS?: number;
  logger?: Logger;
  /** Extra `THERMO_*` settings for the device, e.g. `{ THERMO_UNIT: "C" }`. */
  env?: Record<string, string>;
}

export interface SimulatedDevice {
  /** URL of the device's local API (status and setpoint). */
  localApiUrl: string;
  /** Resolves with the device's exit code. */
  exited: Promise<number>;
  /** Stops the device with SIGTERM, as systemd would, and waits for it to exit. */
  stop(): Promise<void>;
}

const DEVICE_ENTRY = resolve(import.meta.dir, "../device.ts");
/** Time the device gets to report its local API before start fails, in ms. */
const START_DEADLINE_MS = 30_000;
/** Time the device gets to stop before it is killed, in ms. */
const STOP_DEADLINE_MS = 15_000;
const LEVELS: ReadonlySet<string> = new Set(["debug", "info", "warn", "error"]);

/**
 * Starts the simulated device and resolves once its local API listens.
 * @throws {Error} with the device's last log lines when it exits or stays silent during start
 */
export async function startSimulatedDevice(options: SimulatedDeviceOptions): Promise<SimulatedDevice> {
  const logger = (options.logger ?? new Logger("dev")).child({}, "device");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    TZ: process.env.TZ ?? "",
    THERMO_SENSOR: "simulated",
    THERMO_RELAY: "simulated",
    THERMO_API_URL: options.apiUrl,
    // The token travels in the environment, never on the command line where ps would show it.
    THERMO_INGEST_TOKEN: options.ingestToken,
    THERMO_DATA_DIR: options.dataDir,
    THERMO_DEVICE_ID: options.deviceId ?? "dev-thermo",
    THERMO_SPEED: String(options.speed ?? 1),
    THERMO_POLL_INTERVAL_S: String(options.pollIntervalS ?? 5),
    THERMO_UPLOAD_INTERVAL_S: String(options.uploadIntervalS ?? 5),
    THERMO_API_PORT: "0",
    ...options.env,
  };
  // The device reads its own file in the data folder, never /etc/thermo/thermo.toml of this machine.
  const configPath = join(options.dataDir, "thermo.toml");
  mkdirSync(options.dataDir, { recursive: true });
  if (!existsSync(configPath)) writeFileSync(configPath, "# Settings of the simulated dev device; see docs/device.md for the keys.\n");
  const child = Bun.spawn([process.execPath, DEVICE_ENTRY, "run", "--config", configPath], {
    env,
    stdout: "inherit",
    stderr: "pipe",
  });

  const recentLines: string[] = [];
  let resolveApiUrl: (started: { url: string }) => void = () => {};
  const apiUrl = new Promise<{ url: string }>((resolveUrl) => (resolveApiUrl = resolveUrl));
  const forward = async () => {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of child.stderr) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf("\n");
        recentLines.push(line);
        if (recentLines.length > 20) recentLines.shift();
        relay(line);
      }
    }
  };
  const relay = (line: string) => {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      logger.info("device_output", { line });
      return;
    }
    const { level, event, time: _time, logger: _name, ...fields } = record;
    if (event === "local_api_listening" && typeof fields.url === "string") resolveApiUrl({ url: fields.url });
    const logLevel = (typeof level === "string" && LEVELS.has(level) ? level : "info") as Exclude<LogLevel, "silent">;
    logger[logLevel](typeof event === "string" ? event : "device_output", fields);
  };
  const forwarding = forward();
  const exited = child.exited;

  const timeout = new Promise<{ timeout: true }>((resolveTimeout) => setTimeout(() => resolveTimeout({ timeout: true }), START_DEADLINE_MS).unref());
  const first = await Promise.race([apiUrl, exited.then((code) => ({ code })), timeout]);
  if (!("url" in first)) {
    child.kill("SIGKILL");
    await forwarding.catch(() => undefined);
    const why = "timeout" in first ? `did not start within ${START_DEADLINE_MS / 1000} s` : `exited with code ${first.code}`;
    throw new Error(`the simulated device ${why}; its last log lines:\n${recentLines.join("\n")}`);
  }

  return {
    localApiUrl: first.url,
    exited,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), STOP_DEADLINE_MS);
      await exited;
      clearTimeout(killer);
      await forwarding.catch(() => undefined);
    },
  };
}
