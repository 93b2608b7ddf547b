import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { TIME_ZONE_PROBLEMS, TimeZoneError, TzifError } from "../../time/errors.ts";
import { DEFAULT_ZONEINFO_DIR, findSystemZone, isIanaZoneName, loadZone, systemZoneName } from "../../time/system-zone.ts";

const JULY_2026_MS = Date.UTC(2026, 6, 1);

let root = "";
let zoneinfoDir = "";

/** Copies zones from the system's database into the temp zoneinfo folder. */
function copyZones(...names: string[]): void {
  for (const name of names) {
    mkdirSync(dirname(join(zoneinfoDir, name)), { recursive: true });
    copyFileSync(join(DEFAULT_ZONEINFO_DIR, name), join(zoneinfoDir, name));
  }
}

function writeAt(path: string, contents: string | Uint8Array): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
  return path;
}

/** Returns the TimeZoneError that loading `name` throws. */
function loadError(name: string, dir = zoneinfoDir): TimeZoneError {
  try {
    loadZone(name, { zoneinfoDir: dir });
  } catch (error) {
    expect(error).toBeInstanceOf(TimeZoneError);
    return error as TimeZoneError;
  }
  throw new Error(`expected loading ${JSON.stringify(name)} to fail`);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "thermo-zone-"));
  zoneinfoDir = join(root, "usr/share/zoneinfo");
  mkdirSync(zoneinfoDir, { recursive: true });
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("isIanaZoneName", () => {
  test.each(["UTC", "America/Chicago", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Etc/GMT-14", "America/Port-au-Prince", "EST5EDT"])("accepts %s", (name) => {
    expect(isIanaZoneName(name)).toBe(true);
  });

  test.each(["", "../etc/passwd", "/etc/localtime", "America/../../etc/passwd", "America//Chicago", "America/", "/America", "./UTC", "America/Chi cago", "America/Chicago\0", "Amérique/Paris", "a".repeat(65)])("rejects %j", (name) => {
    expect(isIanaZoneName(name)).toBe(false);
  });
});

describe("loadZone", () => {
  test("reads a zone from the folder", () => {
    copyZones("America/Chicago");

    const zone = loadZone("America/Chicago", { zoneinfoDir });

    expect(zone.name).toBe("America/Chicago");
    expect(zone.offsetSecondsAt(JULY_2026_MS)).toBe(-18_000);
  });

  test("reads the system's folder by default", () => {
    expect(loadZone("Asia/Kathmandu").offsetSecondsAt(JULY_2026_MS)).toBe(20_700);
  });

  test("follows a link inside the folder", () => {
    copyZones("America/Chicago");
    mkdirSync(join(zoneinfoDir, "US"));
    symlinkSync("../America/Chicago", join(zoneinfoDir, "US/Central"));

    expect(loadZone("US/Central", { zoneinfoDir }).offsetSecondsAt(JULY_2026_MS)).toBe(-18_000);
  });

  test("returns the cached zone for the same folder and name", () => {
    copyZones("Europe/London");

    const first = loadZone("Europe/London", { zoneinfoDir });
    rmSync(join(zoneinfoDir, "Europe/London"));

    expect(loadZone("Europe/London", { zoneinfoDir })).toBe(first);
  });

  test.each(["UTC", "Etc/UTC"])("loads %s without its file", (name) => {
    expect(loadZone(name, { zoneinfoDir }).offsetSecondsAt(JULY_2026_MS)).toBe(0);
    expect(loadZone(name, { zoneinfoDir: join(root, "no-tzdata") }).offsetSecondsAt(JULY_2026_MS)).toBe(0);
  });

  test("prefers the UTC file when there is one", () => {
    copyFileSync(join(DEFAULT_ZONEINFO_DIR, "Asia/Kolkata"), join(zoneinfoDir, "UTC"));

    expect(loadZone("UTC", { zoneinfoDir }).offsetSecondsAt(JULY_2026_MS)).toBe(19_800);
  });

  test.each(["../etc/passwd", "/etc/localtime", "", "America//Chicago", "America/"])("rejects the name %j before reading", (name) => {
    const error = loadError(name);

    expect(error.problem).toBe(TIME_ZONE_PROBLEMS.invalidName);
    expect(error.path).toBeUndefined();
    expect(error.message).toContain(`cannot load time zone ${JSON.stringify(name)}: is not an IANA zone name`);
    expect(error.hint).toContain('"America/Chicago"');
  });

  test("reports a missing zone", () => {
    copyZones("America/Chicago");

    const error = loadError("Mars/Olympus");

    expect(error.problem).toBe(TIME_ZONE_PROBLEMS.notFound);
    expect(error.path).toBe(join(zoneinfoDir, "Mars/Olympus"));
    expect(error.reason).toBe(`no such zone in ${zoneinfoDir}`);
    expect(error.hint).toContain("zone1970.tab");
    expect((error.cause as NodeJS.ErrnoException).code).toBe("ENOENT");
  });

  test("reports a missing tz database", () => {
    const missing = join(root, "no-tzdata");

    const error = loadError("America/Chicago", missing);

    expect(error.problem).toBe(TIME_ZONE_PROBLEMS.noDatabase);
    expect(error.reason).toBe(`the tz database ${missing} is missing`);
    expect(error.hint).toBe('install the tz database with "sudo apt install tzdata"');
  });

  test("reports a folder of zones", () => {
    copyZones("America/Chicago");

    const error = loadError("America");

    expect(error.problem).toBe(TIME_ZONE_PROBLEMS.notFound);
    expect(error.reason).toContain("is a folder of zones, not a zone");
  });

  test("reports an unreadable file", () => {
    // A link to itself fails with ELOOP, which a test running as root can still produce.
    symlinkSync("Loop", join(zoneinfoDir, "Loop"));

    const error = loadError("Loop");

    expect(error.problem).toBe(TIME_ZONE_PROBLEMS.unreadable);
    expect(error.reason).toContain(`reading ${join(zoneinfoDir, "Loop")} failed`);
    expect(error.hint).toContain("sudo apt install --reinstall tzdata");
  });

  test("reports a corrupt file with the TzifError as cause", () => {
    writeAt(join(zoneinfoDir, "Broken/Zone"), "not a TZif file, but long enough to hold a whole header");

    const error = loadError("Broken/Zone");

    expect(error.problem).toBe(TIME_ZONE_PROBLEMS.invalidFile);
    expect(error.cause).toBeInstanceOf(TzifError);
    expect(error.reason).toContain(`invalid TZif file ${join(zoneinfoDir, "Broken/Zone")}: expected the magic "TZif"`);
    expect(error.hint).toContain("sudo apt install --reinstall tzdata");
  });

  test("reports a truncated file", () => {
    writeAt(join(zoneinfoDir, "Cut/Zone"), readFileSync(join(DEFAULT_ZONEINFO_DIR, "America/Chicago")).subarray(0, 100));

    expect(loadError("Cut/Zone").reason).toContain("truncated");
  });
});

describe("findSystemZone", () => {
  let localtimePath = "";
  let timezonePath = "";

  beforeEach(() => {
    copyZones("America/Chicago", "Europe/Dublin");
    localtimePath = join(root, "etc/localtime");
    timezonePath = join(root, "etc/timezone");
    mkdirSync(join(root, "etc"));
  });

  const find = (env: Record<string, string | undefined> = {}) => findSystemZone({ env, localtimePath, timezonePath, zoneinfoDir });

  test.each(["America/Chicago", ":America/Chicago", "right/America/Chicago", "posix/America/Chicago"])("takes TZ=%s", (tz) => {
    expect(find({ TZ: tz })).toEqual({ name: "America/Chicago", source: "TZ" });
  });

  test("takes a zoneinfo path in TZ", () => {
    expect(find({ TZ: `:${join(zoneinfoDir, "America/Chicago")}` })).toEqual({ name: "America/Chicago", source: "TZ" });
  });

  test("takes TZ=UTC without its file", () => {
    expect(find({ TZ: "UTC" })).toEqual({ name: "UTC", source: "TZ" });
  });

  test.each(["CST6CDT,M3.2.0,M11.1.0", "Mars/Olympus", "", ":", "America", "../etc/passwd"])("skips TZ=%j", (tz) => {
    writeAt(timezonePath, "Europe/Dublin\n");

    expect(find({ TZ: tz })).toEqual({ name: "Europe/Dublin", source: timezonePath });
  });

  test("reads an absolute /etc/localtime link", () => {
    symlinkSync(join(zoneinfoDir, "America/Chicago"), localtimePath);

    expect(find()).toEqual({ name: "America/Chicago", source: localtimePath });
  });

  test("reads a relative /etc/localtime link", () => {
    symlinkSync("../usr/share/zoneinfo/Europe/Dublin", localtimePath);

    expect(find()).toEqual({ name: "Europe/Dublin", source: localtimePath });
  });

  test("drops posix/ from the link target", () => {
    symlinkSync("/usr/share/zoneinfo/posix/Europe/Dublin", localtimePath);

    expect(find().name).toBe("Europe/Dublin");
  });

  test("prefers TZ over the link", () => {
    symlinkSync("/usr/share/zoneinfo/Europe/Dublin", localtimePath);

    expect(find({ TZ: "America/Chicago" }).name).toBe("America/Chicago");
  });

  test("skips a link outside a zoneinfo folder", () => {
    symlinkSync("/opt/zones/Europe/Dublin", localtimePath);
    writeAt(timezonePath, "America/Chicago\n");

    expect(find()).toEqual({ name: "America/Chicago", source: timezonePath });
  });

  test("skips a copied /etc/localtime", () => {
    copyFileSync(join(zoneinfoDir, "Europe/Dublin"), localtimePath);
    writeAt(timezonePath, "America/Chicago\n");

    expect(find()).toEqual({ name: "America/Chicago", source: timezonePath });
  });

  test("reads the first line of /etc/timezone", () => {
    writeAt(timezonePath, "  Europe/Dublin  \nignored\n");

    expect(find()).toEqual({ name: "Europe/Dublin", source: timezonePath });
  });

  test("falls back to UTC on a bad /etc/timezone", () => {
    writeAt(timezonePath, "not a zone name!\n");

    expect(find()).toEqual({ name: "UTC", source: "default" });
  });

  test("falls back to UTC with nothing configured", () => {
    expect(find()).toEqual({ name: "UTC", source: "default" });
  });

  test("systemZoneName returns the name alone", () => {
    expect(systemZoneName({ env: { TZ: ":America/Chicago" }, localtimePath, timezonePath, zoneinfoDir })).toBe("America/Chicago");
  });
});
