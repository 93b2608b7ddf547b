/**
 * The outbox: every reading is committed here before any upload and removed
 * only after the API responded with 2xx. It is bounded: when full, the oldest
 * readings are evicted, and each eviction is counted and logged.
 */
import type { Database } from "bun:sqlite";
import type { Logger } from "../../lib/log.ts";
import type { WireReading } from "../../schema.ts";
import type { Clock } from "../time/clock.ts";
import { readState, writeState } from "./database.ts";

/** A reading waiting in the outbox, with its row id. */
export interface QueuedReading {
  id: number;
  instantMs: number;
  reading: WireReading;
}

export interface OutboxOptions {
  db: Database;
  /** Readings kept before the oldest is evicted, in the outbox and separately in the dead letters. */
  maxReadings: number;
  clock: Clock;
  logger: Logger;
  /** Test hook: runs inside the append transaction just before it commits. */
  beforeCommit?: () => void;
}

const EVICTED_TOTAL_KEY = "outbox_evicted_total";
const DEAD_LETTERED_TOTAL_KEY = "outbox_dead_lettered_total";

export class Outbox {
  private readonly db: Database;
  private readonly maxReadings: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly beforeCommit: (() => void) | undefined;
  private count: number;

  /** @throws {RangeError} when maxReadings is not a positive integer */
  constructor(options: OutboxOptions) {
    if (!Number.isInteger(options.maxReadings) || options.maxReadings < 1) {
      throw new RangeError(`maxReadings must be a positive integer, got ${options.maxReadings}`);
    }
    this.db = options.db;
    this.maxReadings = options.maxReadings;
    this.clock = options.clock;
    this.logger = options.logger;
    this.beforeCommit = options.beforeCommit;
    this.count = (this.db.query("SELECT COUNT(*) AS n FROM outbox").get() as { n: number }).n;
  }

  /** Readings waiting for upload. */
  get depth(): number {
    return this.count;
  }

  get deadLetterCount(): number {
    return (this.db.query("SELECT COUNT(*) AS n FROM dead_letters").get() as { n: number }).n;
  }

  /** Readings evicted because the outbox was full, over the database's lifetime. */
  get evictedTotal(): number {
    return Number(readState(this.db, EVICTED_TOTAL_KEY) ?? 0);
  }

  /** Time of the oldest waiting reading, in ms since the epoch. */
  get oldestInstantMs(): number | undefined {
    const row = this.db.query("SELECT instant_ms FROM outbox ORDER BY id LIMIT 1").get() as { instant_ms: number } | null;
    return row?.instant_ms;
  }

  /**
   * Commits a reading, evicting the oldest ones first when the outbox is full.
   * Returns the new row id once the transaction is durable.
   */
  append(reading: WireReading, instantMs: number): number {
    const queuedAtMs = this.clock.now();
    let id = 0;
    let evicted: Array<{ id: number; instant_ms: number; body: string }> = [];

    this.db.transaction(() => {
      const overflow = this.count + 1 - this.maxReadings;
      if (overflow > 0) {
        evicted = this.db.query("SELECT id, instant_ms, body FROM outbox ORDER BY id LIMIT $limit").all({ limit: overflow }) as typeof evicted;
        this.db.query("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT $limit)").run({ limit: overflow });
        writeState(this.db, EVICTED_TOTAL_KEY, String(this.evictedTotal + evicted.length));
      }
      const result = this.db
        .query("INSERT INTO outbox (instant_ms, body, queued_at_ms) VALUES ($instant, $body, $queued)")
        .run({ instant: instantMs, body: JSON.stringify(reading), queued: queuedAtMs });
      id = Number(result.lastInsertRowid);
      this.beforeCommit?.();
    })();

    this.count += 1 - evicted.length;
    if (evicted.length > 0) {
      const total = this.evictedTotal;
      for (const row of evicted) {
        const recordDate = (JSON.parse(row.body) as WireReading).record_date;
        this.logger.warn("outbox_evicted", { id: row.id, record_date: recordDate, max_readings: this.maxReadings, evicted_total: total });
      }
    }
    return id;
  }

  /** Returns up to `limit` waiting readings, oldest first. */
  peek(limit: number): QueuedReading[] {
    const rows = this.db.query("SELECT id, instant_ms, body FROM outbox ORDER BY id LIMIT $limit").all({ limit }) as Array<{ id: number; instant_ms: number; body: string }>;
    return rows.map((row) => ({ id: row.id, instantMs: row.instant_ms, reading: JSON.parse(row.body) as WireReading }));
  }

  /** Removes delivered readings in one transaction. */
  remove(ids: readonly number[]): void {
    if (ids.length === 0) return;
    let removed = 0;
    this.db.transaction(() => {
      const statement = this.db.query("DELETE FROM outbox WHERE id = $id");
      for (const id of ids) removed += statement.run({ id }).changes;
    })();
    this.count -= removed;
  }

  /** Moves readings the API rejected for good into the dead-letter table, logging each, and evicts the oldest dead letters beyond maxReadings. */
  deadLetter(ids: readonly number[], failure: { status: number | undefined; error: string }): void {
    if (ids.length === 0) return;
    const failedAtMs = this.clock.now();
    const moved: Array<{ id: number; body: string }> = [];
    let evicted: Array<{ id: number; body: string }> = [];
    this.db.transaction(() => {
      const select = this.db.query("SELECT id, instant_ms, body, queued_at_ms FROM outbox WHERE id = $id");
      const insert = this.db.query(
        "INSERT OR REPLACE INTO dead_letters (id, instant_ms, body, queued_at_ms, failed_at_ms, status, error) VALUES ($id, $instant, $body, $queued, $failed, $status, $error)",
      );
      const remove = this.db.query("DELETE FROM outbox WHERE id = $id");
      for (const id of ids) {
        const row = select.get({ id }) as { id: number; instant_ms: number; body: string; queued_at_ms: number } | null;
        if (row === null) continue;
        insert.run({ id, instant: row.instant_ms, body: row.body, queued: row.queued_at_ms, failed: failedAtMs, status: failure.status ?? null, error: failure.error });
        remove.run({ id });
        moved.push({ id, body: row.body });
      }
      writeState(this.db, DEAD_LETTERED_TOTAL_KEY, String(Number(readState(this.db, DEAD_LETTERED_TOTAL_KEY) ?? 0) + moved.length));
      // An api_url that rejects every batch sends every reading here, so the table keeps at most maxReadings rows.
      const overflow = (this.db.query("SELECT COUNT(*) AS n FROM dead_letters").get() as { n: number }).n - this.maxReadings;
      if (overflow > 0) {
        evicted = this.db.query("SELECT id, body FROM dead_letters ORDER BY id LIMIT $limit").all({ limit: overflow }) as typeof evicted;
        this.db.query("DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters ORDER BY id LIMIT $limit)").run({ limit: overflow });
      }
    })();
    this.count -= moved.length;
    for (const row of moved) {
      this.logger.error("outbox_dead_lettered", { id: row.id, record_date: (JSON.parse(row.body) as WireReading).record_date, status: failure.status, error: failure.error });
    }
    for (const row of evicted) {
      this.logger.warn("dead_letter_evicted", { id: row.id, record_date: (JSON.parse(row.body) as WireReading).record_date, max_readings: this.maxReadings });
    }
  }

  /** Moves every dead letter back into the outbox for another try, e.g. after fixing api_url. Returns how many moved. */
  requeueDeadLetters(): number {
    let moved = 0;
    this.db.transaction(() => {
      moved = this.db
        .query("INSERT INTO outbox (id, instant_ms, body, queued_at_ms) SELECT id, instant_ms, body, queued_at_ms FROM dead_letters WHERE id NOT IN (SELECT id FROM outbox)")
        .run().changes;
      this.db.query("DELETE FROM dead_letters").run();
    })();
    this.count += moved;
    if (moved > 0) this.logger.info("outbox_dead_letters_requeued", { count: moved });
    return moved;
  }
}
