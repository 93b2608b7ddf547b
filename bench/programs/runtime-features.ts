/**
 * The runtime features that thermo's duties require, with none of thermo's
 * own code. It keeps an outbox in SQLite (WAL), serves a Hono app on
 * Bun.serve, POSTs JSON with fetch and validates it with zod. When
 * RUNTIME_FEATURES_ZONE names an IANA zone, it also formats that zone's offset
 * through Intl. bench/device-binary.ts compiles it the way thermo is compiled,
 * so its memory shows what these features cost in any Bun program.
 */
import { Database } from "bun:sqlite";
import { Hono } from "hono";
import { z } from "zod";

const rowsSchema = z.array(z.object({ id: z.number().int().min(0), body: z.string().max(1000) })).min(1).max(50);
const zone = process.env.RUNTIME_FEATURES_ZONE;
const zoneFormat = zone === undefined ? undefined : new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });

const database = new Database(`${process.env.RUNTIME_FEATURES_DIR ?? "."}/outbox.sqlite`, { create: true, strict: true });
database.exec("PRAGMA journal_mode = WAL");
database.exec("CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
const insert = database.query("INSERT INTO outbox (body) VALUES (?)");
const oldest = database.query<{ id: number; body: string }, []>("SELECT id, body FROM outbox ORDER BY id LIMIT 50");
const deleteUpTo = database.query("DELETE FROM outbox WHERE id <= ?");

const app = new Hono().post("/readings", async (c) => {
  const parsed = rowsSchema.safeParse(await c.req.json());
  return parsed.success ? c.json({ stored: parsed.data.length }) : c.json({ error: parsed.error.issues }, 400);
});
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: app.fetch });

async function poll(): Promise<void> {
  const now = new Date();
  insert.run(JSON.stringify({ time: now.toISOString(), offset: zoneFormat?.format(now), temperature: 20 + Math.random() }));
  const rows = oldest.all();
  const response = await fetch(`http://127.0.0.1:${server.port}/readings`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(rows) });
  if (response.ok) deleteUpTo.run(rows.at(-1)?.id ?? 0);
  await response.text();
}

setInterval(() => void poll(), 50);
process.on("SIGTERM", () => process.exit(0));
