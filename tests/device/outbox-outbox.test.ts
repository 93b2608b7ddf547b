import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openDeviceDatabase } from "../../device/outbox/database.ts";
import { Outbox } from "../../device/outbox/outbox.ts";
import { ManualClock } from "../../device/time/clock.ts";
import { Logger, memorySink } from "../../lib/log.ts";
import { makeTempTree } from "./helpers/fake-tree.ts";
import { sequenceReading } from "./helpers/outbox-fixtures.ts";

let tree: ReturnType<typeof makeTempTree>;
afterEach(() => tree?.remove());

function openOutbox(options: { maxReadings?: number; path?: string } = {}) {
  tree ??= makeTempTree();
  const path = options.path ?? join(tree.root, "data/thermo.sqlite");
  const db = openDeviceDatabase(path);
  const sink = memorySink();
  const outbox = new Outbox({ db, maxReadings: options.maxReadings ?? 1000, clock: new ManualClock(), logger: new Logger("outbox", { sink: sink.sink }) });
  return { db, outbox, sink, path };
}

function appendSequence(outbox: Outbox, first: number, count: number): void {
  for (let index = first; index < first + count; index++) {
    const { reading, instantMs } = sequenceReading(index);
    outbox.append(reading, instantMs);
  }
}

describe("openDeviceDatabase", () => {
  test("uses WAL and full sync", () => {
    tree = makeTempTree();
    const { db } = openOutbox();
    expect((db.query("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe("wal");
    expect((db.query("PRAGMA synchronous").get() as { synchronous: number }).synchronous).toBe(2);
    db.close();
  });

  test("rejects a database from a newer thermo", () => {
    tree = makeTempTree();
    const { db, path } = openOutbox();
    db.exec("PRAGMA user_version = 99");
    db.close();
    expect(() => openDeviceDatabase(path)).toThrow("newer than this thermo");
  });
});

describe("Outbox", () => {
  test("keeps readings across a restart, oldest first", () => {
    tree = makeTempTree();
    const first = openOutbox();
    appendSequence(first.outbox, 0, 5);
    first.db.close();

    const second = openOutbox({ path: first.path });

    expect(second.outbox.depth).toBe(5);
    expect(second.outbox.peek(2).map((entry) => entry.reading.record_date)).toEqual([sequenceReading(0).reading.record_date, sequenceReading(1).reading.record_date]);
    second.db.close();
  });

  test("removes only the given ids", () => {
    tree = makeTempTree();
    const { outbox, db } = openOutbox();
    appendSequence(outbox, 0, 4);
    const [a, b] = outbox.peek(2);

    outbox.remove([a?.id ?? 0, b?.id ?? 0]);

    expect(outbox.depth).toBe(2);
    expect(outbox.peek(10).map((entry) => entry.instantMs)).toEqual([sequenceReading(2).instantMs, sequenceReading(3).instantMs]);
    db.close();
  });

  test("evicts the oldest when full and logs each", () => {
    tree = makeTempTree();
    const { outbox, sink, db } = openOutbox({ maxReadings: 3 });

    appendSequence(outbox, 0, 5);

    expect(outbox.depth).toBe(3);
    expect(outbox.evictedTotal).toBe(2);
    expect(outbox.peek(10)[0]?.instantMs).toBe(sequenceReading(2).instantMs);
    const evictions = sink.records().filter((record) => record.event === "outbox_evicted");
    expect(evictions.map((record) => record.record_date)).toEqual([sequenceReading(0).reading.record_date, sequenceReading(1).reading.record_date]);
    expect(evictions.map((record) => record.evicted_total)).toEqual([1, 2]);
    db.close();
  });

  test("keeps the eviction count across a restart", () => {
    tree = makeTempTree();
    const first = openOutbox({ maxReadings: 2 });
    appendSequence(first.outbox, 0, 4);
    first.db.close();

    const second = openOutbox({ maxReadings: 2, path: first.path });
    appendSequence(second.outbox, 4, 1);

    expect(second.outbox.evictedTotal).toBe(3);
    second.db.close();
  });

  test("moves dead letters out and back", () => {
    tree = makeTempTree();
    const { outbox, sink, db } = openOutbox();
    appendSequence(outbox, 0, 3);
    const [head] = outbox.peek(1);

    outbox.deadLetter([head?.id ?? 0], { status: 400, error: "readings[0].temperature: out of range" });

    expect(outbox.depth).toBe(2);
    expect(outbox.deadLetterCount).toBe(1);
    expect(sink.records().find((record) => record.event === "outbox_dead_lettered")?.status).toBe(400);

    expect(outbox.requeueDeadLetters()).toBe(1);
    expect(outbox.depth).toBe(3);
    expect(outbox.deadLetterCount).toBe(0);
    expect(outbox.peek(1)[0]?.id).toBe(head?.id ?? -1);
    db.close();
  });

  test("bounds dead letters like the outbox", () => {
    tree = makeTempTree();
    const { outbox, sink, db } = openOutbox({ maxReadings: 3 });

    // An api_url that responds to every batch with 404 sends each new reading here in turn.
    for (let index = 0; index < 5; index++) {
      appendSequence(outbox, index, 1);
      outbox.deadLetter(outbox.peek(1).map((entry) => entry.id), { status: 404, error: "HTTP 404 (3 tries)" });
    }

    expect(outbox.deadLetterCount).toBe(3);
    const kept = db.query("SELECT instant_ms FROM dead_letters ORDER BY id").all() as Array<{ instant_ms: number }>;
    expect(kept.map((row) => row.instant_ms)).toEqual([2, 3, 4].map((index) => sequenceReading(index).instantMs));
    const evictions = sink.records().filter((record) => record.event === "dead_letter_evicted");
    expect(evictions.map((record) => record.record_date)).toEqual([sequenceReading(0).reading.record_date, sequenceReading(1).reading.record_date]);
    db.close();
  });

  test("rejects a zero capacity", () => {
    tree = makeTempTree();
    const db = openDeviceDatabase(join(tree.root, "x.sqlite"));
    expect(() => new Outbox({ db, maxReadings: 0, clock: new ManualClock(), logger: new Logger("x", { level: "silent" }) })).toThrow(RangeError);
    db.close();
  });
});
