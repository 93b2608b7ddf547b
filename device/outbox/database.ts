/**
 * Opens the device's SQLite database: the outbox of readings not yet
 * delivered, the dead letters the API rejected for good, and a small
 * key-value table for state that must survive restarts (the setpoint).
 *
 * WAL with synchronous=FULL: a committed reading survives kill -9 and power
 * loss, and the uploader's reads do not block the control loop's writes.
 */
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { userInfo } from "node:os";
import { dirname, join } from "node:path";

/** File name of the database inside data_dir. */
export const DATABASE_FILE = "thermo.sqlite";

const SCHEMA_VERSION = 1;

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS outbox (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     instant_ms INTEGER NOT NULL,
     body TEXT NOT NULL,
     queued_at_ms INTEGER NOT NULL
   );
   CREATE TABLE IF NOT EXISTS dead_letters (
     id INTEGER PRIMARY KEY,
     instant_ms INTEGER NOT NULL,
     body TEXT NOT NULL,
     queued_at_ms INTEGER NOT NULL,
     failed_at_ms INTEGER NOT NULL,
     status INTEGER,
     error TEXT NOT NULL
   );
   CREATE TABLE IF NOT EXISTS state (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );`,
];

/**
 * Opens (creating when needed) the database at `path` and brings its schema up to date.
 * @throws {Error} from SQLite when the file cannot be opened or is not a database
 */
export function openDeviceDatabase(path: string): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { create: true, strict: true });
  try {
    prepareDatabase(db, path);
  } catch (error) {
    // On a read-only filesystem the file can open and the first write fail; the handle must not leak.
    db.close();
    throw error;
  }
  return db;
}

function prepareDatabase(db: Database, path: string): void {
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA busy_timeout = 5000");

  const row = db.query("PRAGMA user_version").get() as { user_version: number };
  if (row.user_version > SCHEMA_VERSION) {
    throw new Error(`database ${path} has schema version ${row.user_version}, newer than this thermo (${SCHEMA_VERSION}); install the newer thermo or move the file away`);
  }
  db.transaction(() => {
    for (let version = row.user_version; version < SCHEMA_VERSION; version++) db.exec(MIGRATIONS[version] ?? "");
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  })();
}

/** Error codes that mean the user running thermo may not create or write the database. */
const ACCESS_ERROR_CODES: ReadonlySet<string> = new Set(["EACCES", "EPERM", "EROFS", "SQLITE_CANTOPEN", "SQLITE_READONLY"]);

function currentUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? "unknown"}`;
  }
}

/**
 * Returns whether an error from opening the database is a storage condition
 * that can clear while thermo runs (a read-only remount, a full disk, an I/O
 * error, a lock, a permission fixed by hand), so heating goes on without
 * history. Other errors, such as ENOTDIR or a newer schema, need a new
 * configuration or binary.
 */
export function isStorageUnavailableError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== "string") return false;
  if (["EROFS", "EACCES", "EPERM", "ENOSPC", "EIO", "EBUSY"].includes(code)) return true;
  return /^SQLITE_(CANTOPEN|READONLY|FULL|IOERR|BUSY|LOCKED|PERM)/.test(code);
}

/** Wraps an error from opening the database in `dataDir` in one that names the data_dir setting and the fix. */
export function describeDataDirError(dataDir: string, error: unknown): Error {
  const code = (error as { code?: unknown }).code;
  const reason = error instanceof Error ? error.message : String(error);
  const where = "--data-dir, THERMO_DATA_DIR or data_dir in the config file";
  const fix =
    typeof code === "string" && ACCESS_ERROR_CODES.has(code)
      ? `Create the folder and make it writable by the user running thermo (${currentUserName()}), or set data_dir (${where}) to a folder that user can write.`
      : `Set data_dir (${where}) to a folder thermo can create and write.`;
  const message = `data_dir ${JSON.stringify(dataDir)} cannot hold the database ${DATABASE_FILE}: ${reason}. ${fix}`;
  return Object.assign(new Error(message, { cause: error }), code === undefined ? {} : { code });
}

/**
 * Opens the database in `dataDir`, as openDeviceDatabase does.
 * @throws {Error} naming data_dir, the folder, the cause and the fix
 */
export function openDataDirDatabase(dataDir: string): Database {
  try {
    return openDeviceDatabase(join(dataDir, DATABASE_FILE));
  } catch (error) {
    throw describeDataDirError(dataDir, error);
  }
}

/** Reads a value from the state table. */
export function readState(db: Database, key: string): string | undefined {
  const row = db.query("SELECT value FROM state WHERE key = $key").get({ key }) as { value: string } | null;
  return row?.value;
}

/** Writes a value to the state table in its own transaction. */
export function writeState(db: Database, key: string, value: string): void {
  db.query("INSERT INTO state (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run({ key, value });
}
