/**
 * Crash tests: a child process runs the real outbox and uploader on a SQLite
 * file and dies by SIGKILL at a chosen step; the test then restarts on the
 * same file and checks that every committed reading reaches the API exactly
 * once.
 */
import { afterEach, beforeEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { openDeviceDatabase } from "../../device/outbox/database.ts";
import { Outbox } from "../../device/outbox/outbox.ts";
import { Uploader } from "../../device/outbox/uploader.ts";
import { systemClock } from "../../device/time/clock.ts";
import { Logger } from "../../lib/log.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";
import { SEQUENCE_START_MS, SEQUENCE_STEP_MS } from "./helpers/outbox-fixtures.ts";
import { startStubIngest, type StubIngest } from "./helpers/stub-ingest.ts";

// Simulated days, child processes and SQLite files take longer than the 5 s default on a loaded 2-core machine.
setDefaultTimeout(30_000);

const TOKEN = "crash-token";
const CHILD = join(import.meta.dir, "helpers/crash-child.ts");
let tree: ReturnType<typeof makeTempTree>;
let stub: StubIngest;
let dbPath: string;

beforeEach(() => {
  tree = makeTempTree();
  stub = startStubIngest({ token: TOKEN });
  dbPath = join(tree.root, "data/thermo.sqlite");
});

afterEach(async () => {
  await stub.stop();
  tree.remove();
});

function spawnChild(mode: string, first: number, count: number) {
  return Bun.spawn([process.execPath, CHILD, dbPath, stub.url, TOKEN, mode, String(first), String(count)], { stdout: "pipe", stderr: "pipe" });
}

/** Restarts on the database file and uploads until the outbox is empty. */
async function restartAndDrain(): Promise<{ depth: number; deadLetters: number }> {
  const db = openDeviceDatabase(dbPath);
  const logger = new Logger("restart", { level: "silent" });
  const outbox = new Outbox({ db, maxReadings: 1_000_000, clock: systemClock, logger });
  const uploader = new Uploader({ outbox, apiUrl: stub.url, token: TOKEN, deviceId: "crash", batchSize: 50, requestTimeoutMs: 5000, clock: systemClock, logger });
  for (let round = 0; round < 1000; round++) {
    const outcome = await uploader.uploadBatch();
    if (outcome.kind === "idle") break;
    if (outcome.kind === "retry") throw new Error(`upload failed after restart: ${outcome.error}`);
  }
  const result = { depth: outbox.depth, deadLetters: outbox.deadLetterCount };
  db.close();
  return result;
}

/** Indices of the stored readings, sorted. */
function storedIndices(): number[] {
  return [...stub.stored.values()].map((reading) => (reading.instantMs - SEQUENCE_START_MS) / SEQUENCE_STEP_MS).sort((a, b) => a - b);
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}

describe("outbox crash", () => {
  test("before commit loses only the uncommitted reading", async () => {
    const child = spawnChild("kill-before-commit", 0, 10);
    expect(await child.exited).not.toBe(0);
    expect(child.signalCode).toBe("SIGKILL");

    const after = await restartAndDrain();

    expect(after).toEqual({ depth: 0, deadLetters: 0 });
    expect(storedIndices()).toEqual(range(9));
  });

  test("during upload resends without a duplicate", async () => {
    let child: ReturnType<typeof spawnChild> | undefined;
    // The server stores the batch, then the device dies before reading the response.
    stub.script.push({ status: 200, body: { stored: 50, duplicates: 0, desired: null }, store: true });
    stub.onRequest = () => {
      child?.kill("SIGKILL");
      stub.onRequest = undefined;
    };
    child = spawnChild("upload", 0, 60);
    await child.exited;
    expect(child.signalCode).toBe("SIGKILL");
    const storedBeforeRestart = stub.stored.size;

    const after = await restartAndDrain();

    expect(after).toEqual({ depth: 0, deadLetters: 0 });
    expect(storedIndices()).toEqual(range(60));
    // The restart sent the first batch again; the server's idempotent write kept one copy.
    expect(storedBeforeRestart).toBe(50);
    expect(stub.requests.reduce((sum, request) => sum + request.readings, 0)).toBe(110);
  });

  test("after 2xx before delete resends without a duplicate", async () => {
    const child = spawnChild("kill-after-2xx", 0, 30);
    await child.exited;
    expect(child.signalCode).toBe("SIGKILL");
    expect(stub.stored.size).toBe(30);

    const after = await restartAndDrain();

    expect(after).toEqual({ depth: 0, deadLetters: 0 });
    expect(storedIndices()).toEqual(range(30));
    const storedCounts = stub.requests.map((request) => request.readings);
    expect(storedCounts).toEqual([30, 30]);
  });

  test("kill -9 at random points loses nothing", async () => {
    let next = 0;
    let printed = -1;
    for (let round = 0; round < 4; round++) {
      const child = spawnChild("soak", next, 0);
      const reader = child.stdout.getReader();
      const decoder = new TextDecoder();
      let text = "";
      // Let it commit and upload a varying amount before the kill.
      while (text.split("\n").length < 20 + round * 13) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value);
      }
      child.kill("SIGKILL");
      await child.exited;
      const indices = text.split("\n").filter((line) => /^\d+$/.test(line)).map(Number);
      printed = Math.max(printed, ...indices);
      // The next run continues after everything this one may have committed.
      const db = openDeviceDatabase(dbPath);
      const newest = db.query("SELECT MAX(instant_ms) AS newest FROM outbox").get() as { newest: number | null };
      db.close();
      const newestIndex = newest.newest === null ? printed : (newest.newest - SEQUENCE_START_MS) / SEQUENCE_STEP_MS;
      next = Math.max(printed, newestIndex, ...storedIndices()) + 1;
    }

    await restartAndDrain();

    // Every index up to the last one committed arrived once; readings are committed in order, so a gap would be a loss.
    const stored = storedIndices();
    expect(stored).toEqual(range(stored.length));
    expect(stored.length).toBeGreaterThan(printed);
  });
});
