/**
 * Cross-checks zones read from /usr/share/zoneinfo against Intl from 1970 to
 * 2100: at every transition and a millisecond either side, and at random
 * instants. Where tzdata and ICU's copy differ, glibc's `date` decides (see
 * helpers/reference.ts), and the differences are printed.
 */
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { DEFAULT_ZONEINFO_DIR, loadZone } from "../../time/system-zone.ts";
import {
  aroundEach,
  compareWithReferences,
  describeDisagreement,
  fileTransitionsMs,
  intlOffsetSeconds,
  isIntlZone,
  listZoneFiles,
  randomInstants,
  scanChanges,
  type Disagreement,
} from "./helpers/reference.ts";

// A daily scan of 130 years through Intl takes about 0.2 s per zone.
setDefaultTimeout(60_000);

/** Zones with the hard cases: half-hour and 45-minute offsets and DST, negative DST, date-line jumps, abolished DST, rule times past 24 h or negative. */
const HARD_ZONES = [
  "America/Chicago",
  "America/New_York",
  "America/Los_Angeles",
  "America/Phoenix",
  "America/St_Johns",
  "America/Havana",
  "America/Asuncion",
  "America/Santiago",
  "America/Sao_Paulo",
  "America/Mexico_City",
  "America/Caracas",
  "America/Nuuk",
  "America/Scoresbysund",
  "Atlantic/Azores",
  "Europe/London",
  "Europe/Dublin",
  "Europe/Lisbon",
  "Europe/Moscow",
  "Europe/Kyiv",
  "Africa/Casablanca",
  "Africa/Cairo",
  "Africa/Monrovia",
  "Asia/Tehran",
  "Asia/Jerusalem",
  "Asia/Gaza",
  "Asia/Amman",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Asia/Pyongyang",
  "Asia/Shanghai",
  "Australia/Sydney",
  "Australia/Adelaide",
  "Australia/Lord_Howe",
  "Australia/Eucla",
  "Antarctica/Troll",
  "Antarctica/Macquarie",
  "Pacific/Apia",
  "Pacific/Chatham",
  "Pacific/Kiritimati",
  "Pacific/Norfolk",
  "Etc/GMT+12",
  "Etc/GMT-14",
  "UTC",
] as const;

const dataDifferences: Disagreement[] = [];

afterAll(() => {
  const counts = new Map<string, Disagreement[]>();
  for (const entry of dataDifferences) counts.set(entry.zone, [...(counts.get(entry.zone) ?? []), entry]);
  for (const [zone, entries] of counts) {
    console.log(`tzdata and ICU differ for ${zone} at ${entries.length} instants, e.g. ${describeDisagreement(entries[0] as Disagreement)}; glibc agrees with tzdata`);
  }
});

/** Records the data differences and fails on every instant where ours matches neither reference. */
function report(found: { dataDifferences: Disagreement[]; failures: Disagreement[] }): void {
  dataDifferences.push(...found.dataDifferences);
  expect(found.failures.map(describeDisagreement)).toEqual([]);
}

describe("hard zones against Intl", () => {
  test.each(HARD_ZONES)("%s at every transition", (name) => {
    const file = join(DEFAULT_ZONEINFO_DIR, name);
    const zone = loadZone(name);
    const explicit = fileTransitionsMs(file);
    const transitions = new Set([...explicit, ...scanChanges((instantMs) => zone.offsetSecondsAt(instantMs)), ...scanChanges((instantMs) => intlOffsetSeconds(instantMs, name))]);

    const found = compareWithReferences(zone, file, aroundEach([...transitions].sort((a, b) => a - b)), { useIntl: true });

    report(found);
  });

  test.each(HARD_ZONES)("%s at random instants", (name) => {
    const zone = loadZone(name);

    report(compareWithReferences(zone, join(DEFAULT_ZONEINFO_DIR, name), randomInstants(500, name.length * 7919 + 1), { useIntl: true }));
  });
});

describe("every zone file", () => {
  const names = listZoneFiles(DEFAULT_ZONEINFO_DIR);

  test("lists the tz database", () => {
    expect(names.length).toBeGreaterThan(300);
    expect(names).toContain("America/Chicago");
    expect(names).not.toContain("zone.tab");
  });

  test.each(names)("%s", (name) => {
    const file = join(DEFAULT_ZONEINFO_DIR, name);
    const zone = loadZone(name);
    const explicit = fileTransitionsMs(file);
    const instants = [...aroundEach(explicit), ...randomInstants(100, explicit.length + name.length)];

    // Factory, posixrules and localtime are files Intl does not know as zones; glibc alone checks them.
    report(compareWithReferences(zone, file, instants, { useIntl: isIntlZone(name) }));
  });
});
