/** The real sysfs reader, on node:fs promises so a blocking driver read does not stall the event loop. */
import { readdir, readFile } from "node:fs/promises";
import type { SysfsReader } from "./sensor.ts";

export const fsSysfsReader: SysfsReader = {
  readText: (path) => readFile(path, "utf8"),
  list: (dir) => readdir(dir),
};
