/**
 * Runs the real `thermo` as a child process on simulated hardware and reads
 * back what it did. Everything the suite assumes about the device (its
 * command line, its log events, its database layout) lives in this file, so
 * a change on the device side is adapted here and nowhere else.
 *
 * Readings taken are counted from the device's own outbox: before the first
 * start the harness adds a trigger to the outbox database that copies each
 * committed row (id and body) into a ledger table, inside the device's own
 * transaction. A reading is "taken" once it is durable in the outbox, which
 * is the point from which the device promises delivery.
 */
import { Database } from "bun:sqlite";
import type { Subprocess } from "bun";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { killAtExit } from "./cleanup.ts";
import type { TakenReading } from "./ledger.ts";

export const REPO_ROOT = join(import.meta.dir, "..", "..");
const DEVICE_ENTRY = join(REPO_ROOT, "device.ts");
const DATABASE_MODULE = join(REPO_ROOT, "device", "outbox", "database.ts");
/** File name of the device's database in data_dir; checked against the device's own constant at run time. */
const DATABASE_FILE = "thermo.sqlite";
const LEDGER_TABLE = "reliability_taken";

/** One structured log line of the device. */
export interface DeviceLogRecord {
  /** When the harness read the line, from its own monotonic clock (`performance.now()`); the device's `time` can be faked. */
  harness_received_ms?: number;
  time?: string;
  level?: string;
  logger?: string;
  event?: string;
  [field: string]: unknown;
}

export interface DeviceOptions {
  dataDir: string;
  /** Base URL the device uploads to (the API or the fault proxy). */
  apiUrl: string;
  ingestToken: string;
  deviceId: string;
  /** Simulated clock speed. @default 1 */
  speed?: number;
  /** @default 15 */
  pollIntervalS?: number;
  /** @default 60 */
  uploadIntervalS?: number;
  /** Real seconds before an upload request is abandoned (the device's timer is not scaled). @default 2 */
  requestTimeoutS?: number;
  /** Further keys, passed as `--key value` flags. */
  extra?: Record<string, string | number | boolean>;
  /** Extra environment, e.g. LD_PRELOAD for libfaketime. */
  env?: Record<string, string>;
  /** Script to run in place of device.ts, such as thermo-with-faults.ts. @default device.ts */
  entry?: string;
}

let cachedHelp: { text: string; exitCode: number } | undefined;

/** Returns `thermo --help` output, run once per process. */
function deviceHelp(): { text: string; exitCode: number } {
  if (cachedHelp !== undefined) return cachedHelp;
  if (!existsSync(DEVICE_ENTRY)) return (cachedHelp = { text: "", exitCode: -1 });
  const result = Bun.spawnSync(["bun", "run", DEVICE_ENTRY, "--help"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "pipe", env: { ...process.env, THERMO_CONFIG: "" } });
  cachedHelp = { text: result.stdout.toString() + result.stderr.toString(), exitCode: result.exitCode ?? -1 };
  return cachedHelp;
}

/** Returns why `thermo run` cannot be used yet, or undefined when it can. */
export function deviceUnavailableReason(): string | undefined {
  if (!existsSync(DEVICE_ENTRY)) return "device.ts is not in this tree yet (merge the device branch)";
  if (!existsSync(DATABASE_MODULE)) return "device/outbox/database.ts is missing, so the outbox ledger cannot be installed";
  const help = deviceHelp();
  if (help.exitCode !== 0) return `thermo --help exited with ${help.exitCode}: ${help.text.slice(0, 200)}`;
  for (const key of ["--speed", "--data-dir", "--api-url", "--poll-interval-s", "--upload-interval-s", "--request-timeout-s", "--api-port"]) {
    if (!help.text.includes(key)) return `thermo --help does not list ${key}`;
  }
  return undefined;
}

/** Returns why a flag the scenario needs is missing from `thermo --help`, or undefined. */
export function missingDeviceFlag(flag: string): string | undefined {
  const reason = deviceUnavailableReason();
  if (reason !== undefined) return reason;
  return deviceHelp().text.includes(flag) ? undefined : `thermo --help does not list ${flag}`;
}

/** Returns a free TCP port on 127.0.0.1 (it may be taken again before use, which the caller detects). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates the device database with the device's own schema and adds the
 * ledger trigger. Call once per data_dir before the first start.
 * @throws {Error} when the schema has no `outbox(id, body)` table
 */
export async function installLedger(dataDir: string): Promise<void> {
  const module = (await import(DATABASE_MODULE)) as { openDeviceDatabase: (path: string) => Database; DATABASE_FILE?: string };
  if (module.DATABASE_FILE !== undefined && module.DATABASE_FILE !== DATABASE_FILE) {
    throw new Error(`the device database is now ${module.DATABASE_FILE}, not ${DATABASE_FILE}; update reliability/harness/device.ts`);
  }
  const db = module.openDeviceDatabase(join(dataDir, DATABASE_FILE));
  try {
    db.exec(`CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`);
    db.exec(`CREATE TRIGGER IF NOT EXISTS ${LEDGER_TABLE}_insert AFTER INSERT ON outbox BEGIN INSERT OR IGNORE INTO ${LEDGER_TABLE} (id, body) VALUES (new.id, new.body); END`);
  } finally {
    db.close();
  }
}

/** Contents of the device's database: readings taken (from the ledger), still queued, dead-lettered and evicted. */
export interface OutboxSnapshot {
  taken: TakenReading[];
  depth: number;
  deadLetters: number;
  evicted: number;
}

/** Reads the ledger and the outbox; safe while the device runs (WAL allows a concurrent reader). */
export function readOutbox(dataDir: string): OutboxSnapshot {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    const rows = db.query(`SELECT body FROM ${LEDGER_TABLE} ORDER BY id`).all() as { body: string }[];
    const depth = (db.query("SELECT COUNT(*) AS n FROM outbox").get() as { n: number }).n;
    const deadLetters = (db.query("SELECT COUNT(*) AS n FROM dead_letters").get() as { n: number }).n;
    const evictedRow = db.query("SELECT value FROM state WHERE key = 'outbox_evicted_total'").get() as { value: string } | null;
    return { taken: rows.map((row) => JSON.parse(row.body) as TakenReading), depth, deadLetters, evicted: Number(evictedRow?.value ?? 0) };
  } finally {
    db.close();
  }
}

/** Counts the ledger's rows without parsing them, for waiting loops. */
export function countTaken(dataDir: string): number {
  return withDatabase(dataDir, (db) => (db.query(`SELECT COUNT(*) AS n FROM ${LEDGER_TABLE}`).get() as { n: number }).n);
}

/** Returns the id of the newest reading in the ledger, or 0. */
export function newestTakenId(dataDir: string): number {
  return withDatabase(dataDir, (db) => (db.query(`SELECT COALESCE(MAX(id), 0) AS id FROM ${LEDGER_TABLE}`).get() as { id: number }).id);
}

/** Counts readings with an id up to `id` that are still in the outbox. */
export function queuedThrough(dataDir: string, id: number): number {
  return withDatabase(dataDir, (db) => (db.query("SELECT COUNT(*) AS n FROM outbox WHERE id <= $id").get({ $id: id }) as { n: number }).n);
}

function withDatabase<T>(dataDir: string, read: (db: Database) => T): T {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  try {
    db.exec("PRAGMA busy_timeout = 5000");
    return read(db);
  } finally {
    db.close();
  }
}

/** A running `thermo run`. */
export class DeviceProcess {
  readonly records: DeviceLogRecord[] = [];
  /** Lines that were not JSON, such as a crash trace. */
  readonly otherLines: string[] = [];
  readonly localApiUrl: string;
  readonly exited: Promise<number>;
  private readonly child: Subprocess<"ignore", "pipe", "pipe">;

  private constructor(child: Subprocess<"ignore", "pipe", "pipe">, localApiUrl: string) {
    this.child = child;
    this.localApiUrl = localApiUrl;
    const pumps = [this.pump(child.stdout), this.pump(child.stderr)];
    this.exited = child.exited.then(async (code) => {
      await Promise.all(pumps);
      return code;
    });
  }

  /** Starts `thermo run` with the simulated sensor and relay. */
  static async start(options: DeviceOptions): Promise<DeviceProcess> {
    const apiPort = await freePort();
    const flags: Record<string, string | number | boolean> = {
      "api-url": options.apiUrl,
      "device-id": options.deviceId,
      sensor: "simulated",
      relay: "simulated",
      "data-dir": options.dataDir,
      speed: options.speed ?? 1,
      "poll-interval-s": options.pollIntervalS ?? 15,
      "upload-interval-s": options.uploadIntervalS ?? 60,
      "request-timeout-s": options.requestTimeoutS ?? 2,
      "api-port": apiPort,
      "log-level": "debug",
      timezone: "UTC",
    };
    for (const [key, value] of Object.entries(options.extra ?? {})) flags[key.replaceAll("_", "-")] = value;
    const argv = ["bun", "run", options.entry ?? DEVICE_ENTRY, "run"];
    for (const [key, value] of Object.entries(flags)) argv.push(`--${key}`, String(value));

    const child = Bun.spawn(argv, {
      cwd: REPO_ROOT,
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
      // The token goes through the environment so it is not visible in the process list.
      env: { ...process.env, ...options.env, THERMO_INGEST_TOKEN: options.ingestToken, THERMO_LOG_LEVEL: "debug" },
    });
    killAtExit(child);
    return new DeviceProcess(child, `http://127.0.0.1:${apiPort}`);
  }

  get pid(): number {
    return this.child.pid;
  }

  /** Sends a signal: SIGKILL for a crash, SIGTERM for a clean stop. */
  kill(signal: "SIGKILL" | "SIGTERM" | "SIGINT"): void {
    this.child.kill(signal);
  }

  /** Stops the device with SIGTERM and waits; kills it when it has not exited after `graceMs`. */
  async stop(graceMs = 10_000): Promise<number> {
    this.kill("SIGTERM");
    const timer = setTimeout(() => this.kill("SIGKILL"), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** Log records with `event`. */
  events(event: string): DeviceLogRecord[] {
    return this.records.filter((record) => record.event === event);
  }

  /** Waits until `predicate` holds for the log so far, polling every 20 ms. @throws {Error} on timeout or exit */
  async waitForLog(predicate: (records: readonly DeviceLogRecord[]) => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let hasExited = false;
    void this.exited.then(() => (hasExited = true));
    while (!predicate(this.records)) {
      if (hasExited) throw new Error(`thermo exited while waiting for ${what}; last lines: ${this.tail()}`);
      if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last lines: ${this.tail()}`);
      await Bun.sleep(20);
    }
  }

  /** Returns the last few log lines, for error messages. */
  tail(count = 5): string {
    const lines = [...this.records.slice(-count).map((record) => JSON.stringify(record)), ...this.otherLines.slice(-count)];
    return lines.map((line) => (line.length > 300 ? `${line.slice(0, 300)}…` : line)).join("\n");
  }

  /** Returns the local API's `GET /status`, or undefined when it does not respond. */
  async status(): Promise<Record<string, unknown> | undefined> {
    try {
      const response = await fetch(`${this.localApiUrl}/status`, { signal: AbortSignal.timeout(2_000) });
      return response.ok ? ((await response.json()) as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  private async pump(stream: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of stream) {
      pending += decoder.decode(chunk, { stream: true });
      let newline = pending.indexOf("\n");
      while (newline >= 0) {
        this.addLine(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf("\n");
      }
    }
    if (pending !== "") this.addLine(pending);
  }

  private addLine(line: string): void {
    if (line.trim() === "") return;
    try {
      const parsed = JSON.parse(line) as unknown;
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
        this.records.push({ ...(parsed as DeviceLogRecord), harness_received_ms: performance.now() });
        return;
      }
    } catch {
      // Not a log record; kept as text below.
    }
    this.otherLines.push(line);
  }
}
