/** Synchronous sysfs file access for the sysfs GPIO driver; injectable so tests can play the kernel. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";

export interface SysfsFiles {
  read(path: string): string;
  /** Writes the whole text in one write(2), as sysfs attributes require. */
  write(path: string, text: string): void;
  exists(path: string): boolean;
  list(dir: string): string[];
}

export const fsSysfsFiles: SysfsFiles = {
  read: (path) => readFileSync(path, "utf8"),
  write: (path, text) => writeFileSync(path, text),
  exists: (path) => existsSync(path),
  list: (dir) => readdirSync(dir),
};
