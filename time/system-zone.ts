/**
 * Time zones from the system's compiled tz database, the TZif files in
 * /usr/share/zoneinfo that the Debian package tzdata installs and updates.
 * Go's time package, Python's zoneinfo and glibc read the same files. Using
 * them instead of Intl keeps ICU out of the device's memory.
 */
import { existsSync, lstatSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { join } from "node:path";
import { TIME_ZONE_PROBLEMS, TimeZoneError, TzifError } from "./errors.ts";
import { fixedTimeZone, type TimeZone } from "./time-zone.ts";
import { parseTzif } from "./tzif.ts";
import { TzifZone } from "./tzif-zone.ts";
import { UTC_ZONES } from "./zone.ts";

/** Folder of the tz database on Debian and Raspberry Pi OS. */
export const DEFAULT_ZONEINFO_DIR = "/usr/share/zoneinfo";

/** The longest IANA name is 32 characters (`America/Argentina/ComodRivadavia`); this leaves room. */
const MAX_ZONE_NAME_LENGTH = 64;
/** Parts of letters, digits, `_`, `+` and `-`, joined by `/`. No dots, so no `.` or `..` parts. */
const ZONE_NAME_PATTERN = /^[A-Za-z0-9_+-]+(?:\/[A-Za-z0-9_+-]+)*$/;
const UTC_TYPE = { utoffSeconds: 0, isDst: false, abbreviation: "UTC" } as const;

const APT_HINT = 'install the tz database with "sudo apt install tzdata"';
const REINSTALL_HINT = 'reinstall the tz database with "sudo apt install --reinstall tzdata"';
const NAME_HINT = 'use an IANA name such as "UTC" or "America/Chicago"';

/** A UTC offset such as `+02:00`, `-0530`, `UTC+2` or `GMT-3`, which people write where a zone name belongs. */
const UTC_OFFSET_PATTERN = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

const OFFSET_REASON = "is a UTC offset, not an IANA zone name";

const cache = new Map<string, TimeZone>();

/**
 * Returns the hint for a UTC offset given as a zone name, or undefined when
 * `name` is no offset. The `Etc/GMT` names follow POSIX and invert the sign, so
 * UTC+02:00 is `Etc/GMT-2`, and those names exist only for whole hours.
 */
function offsetHint(name: string): string | undefined {
  const match = UTC_OFFSET_PATTERN.exec(name);
  if (match === null) return undefined;
  const [, sign, hours, minutes] = match;
  const hoursNumber = Number(hours);
  const cityHint = `use the zone of a place, such as "Europe/Berlin", which also follows daylight saving time`;
  if ((minutes !== undefined && Number(minutes) !== 0) || hoursNumber > (sign === "+" ? 14 : 12)) return cityHint;
  if (hoursNumber === 0) return 'use "UTC"';
  const etcName = `Etc/GMT${sign === "+" ? "-" : "+"}${hoursNumber}`;
  return `${cityHint}, or "${etcName}" for a fixed ${name} all year (Etc/GMT names invert the sign)`;
}

/** Returns whether `name` has the shape of an IANA zone name, so it is safe to join to the zoneinfo folder. */
export function isIanaZoneName(name: string): boolean {
  return name.length <= MAX_ZONE_NAME_LENGTH && ZONE_NAME_PATTERN.test(name);
}

export interface LoadZoneOptions {
  /** Folder of the compiled tz database. @default "/usr/share/zoneinfo" */
  zoneinfoDir?: string;
}

/**
 * Loads the zone `name` from the tz database, once per folder and name.
 * "UTC" and "Etc/UTC" load even when their file is missing.
 * @throws {TimeZoneError} when the name is not IANA-shaped (absolute paths,
 * `..`, empty parts), the zone or the whole database is missing, or the file
 * is unreadable or not valid TZif. `reason` names the failure and `hint` the fix
 */
export function loadZone(name: string, options: LoadZoneOptions = {}): TimeZone {
  const zoneinfoDir = options.zoneinfoDir ?? DEFAULT_ZONEINFO_DIR;
  if (!isIanaZoneName(name)) {
    const hintForOffset = offsetHint(name);
    if (hintForOffset !== undefined) {
      throw new TimeZoneError({ zone: name, problem: TIME_ZONE_PROBLEMS.invalidName, path: undefined, reason: OFFSET_REASON, hint: hintForOffset });
    }
    const reason = `is not an IANA zone name (letters, digits, "_", "+" and "-" in parts joined by "/", at most ${MAX_ZONE_NAME_LENGTH} characters)`;
    throw new TimeZoneError({ zone: name, problem: TIME_ZONE_PROBLEMS.invalidName, path: undefined, reason, hint: NAME_HINT });
  }
  const key = `${zoneinfoDir}\0${name}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;

  const zone = readZone(name, zoneinfoDir);
  cache.set(key, zone);
  return zone;
}

function readZone(name: string, zoneinfoDir: string): TimeZone {
  const path = join(zoneinfoDir, name);
  const fail = (problem: keyof typeof TIME_ZONE_PROBLEMS, reason: string, hint: string, cause?: unknown): never => {
    throw new TimeZoneError({ zone: name, problem: TIME_ZONE_PROBLEMS[problem], path, reason, hint }, { cause });
  };

  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const isMissing = code === "ENOENT" || code === "ENOTDIR";
    if (isMissing && UTC_ZONES.has(name)) return fixedTimeZone(name, UTC_TYPE);
    if (isMissing && !existsSync(zoneinfoDir)) return fail("noDatabase", `the tz database ${zoneinfoDir} is missing`, APT_HINT, error);
    // Offsets such as "UTC+2" have the shape of a zone name, but "GMT+0" and "GMT-0" are real zones, so the hint waits for the lookup.
    const hintForOffset = isMissing ? offsetHint(name) : undefined;
    if (hintForOffset !== undefined) return fail("notFound", OFFSET_REASON, hintForOffset, error);
    if (isMissing) return fail("notFound", `no such zone in ${zoneinfoDir}`, `${NAME_HINT}; the names are listed in ${join(zoneinfoDir, "zone1970.tab")}`, error);
    if (code === "EISDIR") return fail("notFound", `${path} is a folder of zones, not a zone`, `${NAME_HINT}, which names a file in it`, error);
    const detail = error instanceof Error ? error.message : String(error);
    return fail("unreadable", `reading ${path} failed: ${detail}`, `check its permissions, or ${REINSTALL_HINT}`, error);
  }

  try {
    return new TzifZone(name, parseTzif(bytes, path));
  } catch (error) {
    if (!(error instanceof TzifError)) throw error;
    return fail("invalidFile", error.message, REINSTALL_HINT, error);
  }
}

/** The system's zone and where it was found. */
export interface SystemZone {
  name: string;
  /** `TZ`, the path of the localtime link or the timezone file, or `default` for the UTC fallback. */
  source: string;
}

export interface SystemZoneOptions {
  /** The environment, for `TZ`. @default process.env */
  env?: Record<string, string | undefined>;
  /** @default "/etc/localtime" */
  localtimePath?: string;
  /** Debian's file holding the zone name. @default "/etc/timezone" */
  timezonePath?: string;
  /** @default "/usr/share/zoneinfo" */
  zoneinfoDir?: string;
}

/**
 * Finds the system's zone name. It tries, in order:
 * 1. `TZ` when it names a zone file, with or without a leading `:`, or as a path into a zoneinfo folder;
 * 2. the target of the `/etc/localtime` link, after `zoneinfo/`;
 * 3. the first line of `/etc/timezone`;
 * 4. `UTC`.
 * A `posix/` or `right/` prefix is dropped, because those folders contain the
 * same zones (`right/` with leap seconds, which parseTzif rejects). Only the
 * name from `TZ` is checked against the database, so loadZone reports a
 * missing zone from the other sources.
 */
export function findSystemZone(options: SystemZoneOptions = {}): SystemZone {
  const env = options.env ?? process.env;
  const zoneinfoDir = options.zoneinfoDir ?? DEFAULT_ZONEINFO_DIR;

  // NOTE: a POSIX rule in TZ (e.g. `CST6CDT,M3.2.0,M11.1.0`) is not evaluated,
  // and a TZ naming no file in zoneinfoDir is skipped; both fall through to
  // /etc/localtime. Set `timezone` in the configuration to be explicit.
  const tz = env.TZ === undefined ? undefined : zoneNameFromTz(env.TZ);
  if (tz !== undefined && (UTC_ZONES.has(tz) || isFile(join(zoneinfoDir, tz)))) return { name: tz, source: "TZ" };

  const localtimePath = options.localtimePath ?? "/etc/localtime";
  const linked = zoneNameFromLink(localtimePath);
  if (linked !== undefined) return { name: linked, source: localtimePath };

  const timezonePath = options.timezonePath ?? "/etc/timezone";
  const listed = zoneNameFromFile(timezonePath);
  if (listed !== undefined) return { name: listed, source: timezonePath };

  return { name: "UTC", source: "default" };
}

/** Returns the name of the system's zone; see findSystemZone. */
export function systemZoneName(options: SystemZoneOptions = {}): string {
  return findSystemZone(options).name;
}

/** Reads `TZ` as glibc does for zone files: an optional `:`, then a name or an absolute path. */
function zoneNameFromTz(value: string): string | undefined {
  const text = value.startsWith(":") ? value.slice(1) : value;
  const name = text.startsWith("/") ? nameAfterZoneinfo(text) : stripVariantFolder(text);
  return name !== undefined && isIanaZoneName(name) ? name : undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function zoneNameFromLink(path: string): string | undefined {
  try {
    if (!lstatSync(path).isSymbolicLink()) return undefined;
    const name = nameAfterZoneinfo(readlinkSync(path));
    return name !== undefined && isIanaZoneName(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

function zoneNameFromFile(path: string): string | undefined {
  try {
    const name = readFileSync(path, "utf8").split("\n", 1)[0]?.trim() ?? "";
    return isIanaZoneName(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Returns the part of `path` after its last `zoneinfo/` folder, e.g. `America/Chicago`. */
function nameAfterZoneinfo(path: string): string | undefined {
  const match = /(?:^|\/)zoneinfo\/(?!.*\/zoneinfo\/)(.+)$/.exec(path);
  return match?.[1] === undefined ? undefined : stripVariantFolder(match[1]);
}

function stripVariantFolder(name: string): string {
  return name.replace(/^(?:posix|right)\//, "");
}
