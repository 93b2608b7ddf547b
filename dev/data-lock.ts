/**
 * A lock file that keeps two `bun run dev` processes off one data folder:
 * dynalite's LevelDB store allows one process, and a second one would fail
 * only at its first request.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";

export const LOCK_FILE = "dev.lock";

export class DataDirError extends Error {
  override readonly name = "DataDirError";
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as { code?: string }).code === "EPERM";
  }
}

/**
 * Creates `dir` if needed and takes its lock; a lock left by a process that
 * no longer runs is taken over. Returns a function that releases the lock.
 * @throws {DataDirError} when `dir` is not a folder, cannot be written, or is in use
 */
export function lockDataDir(dir: string): () => void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOTDIR" || code === "EEXIST") throw new DataDirError(`--data ${dir} is not a folder; pass a folder path`);
    if (code === "EACCES" || code === "EROFS") throw new DataDirError(`--data ${dir} cannot be created or written (${code}); pass a writable folder or --memory`);
    throw error;
  }
  if (!statSync(dir).isDirectory()) throw new DataDirError(`--data ${dir} is not a folder; pass a folder path`);

  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "EACCES" || code === "EROFS") throw new DataDirError(`--data ${dir} is not writable (${code}); pass a writable folder or --memory`);
      if (code !== "EEXIST") throw error;
    }
    const holder = Number.parseInt(readFileSync(path, "utf8"), 10);
    if (Number.isInteger(holder) && holder > 0 && isProcessAlive(holder)) {
      throw new DataDirError(`--data ${dir} is in use by another bun run dev (pid ${holder}); stop it, or pass another --data folder or --memory`);
    }
    rmSync(path, { force: true });
  }
  throw new DataDirError(`--data ${dir}: could not take ${LOCK_FILE}; remove it if no bun run dev is running`);
}
