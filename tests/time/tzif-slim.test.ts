/**
 * Slim TZif files (`zic -b slim`) stop listing transitions once the footer's
 * TZ string can take over, so instants after the last transition exercise
 * the footer. The zones below copy real zones' rules from a given year on and
 * are compared with the real zone in Intl from then.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadZone } from "../../time/system-zone.ts";
import { parseTzif } from "../../time/tzif.ts";
import { skipUnlessAvailable } from "../device/helpers/platform.ts";
import { UNTIL_MS, aroundEach, compareWithReferences, describeDisagreement, randomInstants, scanChanges } from "./helpers/reference.ts";

const ZIC = Bun.which("zic") ?? Bun.which("zic", { PATH: "/usr/sbin:/sbin" });
const shouldSkip = skipUnlessAvailable(ZIC === null ? "zic is missing: apt-get install libc-bin" : undefined, "the slim TZif tests");

/** zic source: the US rules since 1967, Sydney's since 2008, Ireland's negative DST since 1996, and a fixed +05:45. */
const SOURCE = `
Rule US 1967 2006 - Oct lastSun 2:00 0 S
Rule US 1967 1973 - Apr lastSun 2:00 1:00 D
Rule US 1974 only - Jan 6 2:00 1:00 D
Rule US 1975 only - Feb lastSun 2:00 1:00 D
Rule US 1976 1986 - Apr lastSun 2:00 1:00 D
Rule US 1987 2006 - Apr Sun>=1 2:00 1:00 D
Rule US 2007 max - Mar Sun>=8 2:00 1:00 D
Rule US 2007 max - Nov Sun>=1 2:00 0 S
Zone Slim/Chicago -6:00 US C%sT

Rule AN 2008 max - Apr Sun>=1 2:00s 0 S
Rule AN 2008 max - Oct Sun>=1 2:00s 1:00 D
Zone Slim/Sydney 10:00 AN AE%sT

Rule Eire 1981 max - Mar lastSun 1:00u 0 -
Rule Eire 1996 max - Oct lastSun 1:00u -1:00 -
Zone Slim/Dublin 1:00 Eire IST/GMT

Zone Slim/Kathmandu 5:45 - +0545
`;

/** Each compiled zone, the real zone it copies, the UTC year from which they agree, and the footer zic should write. */
const CASES = [
  { slim: "Slim/Chicago", real: "America/Chicago", fromYear: 1970, footer: "CST6CDT,M3.2.0,M11.1.0" },
  { slim: "Slim/Sydney", real: "Australia/Sydney", fromYear: 2009, footer: "AEST-10AEDT,M10.1.0,M4.1.0/3" },
  { slim: "Slim/Dublin", real: "Europe/Dublin", fromYear: 1997, footer: "IST-1GMT0,M10.5.0,M3.5.0/1" },
  { slim: "Slim/Kathmandu", real: "Asia/Kathmandu", fromYear: 1987, footer: "<+0545>-5:45" },
] as const;

let dir = "";

beforeAll(() => {
  if (shouldSkip) return;
  if (ZIC === null) throw new Error("zic is missing: apt-get install libc-bin");
  dir = mkdtempSync(join(tmpdir(), "thermo-zic-"));
  writeFileSync(join(dir, "slim.zi"), SOURCE);
  const result = Bun.spawnSync([ZIC, "-b", "slim", "-d", join(dir, "zoneinfo"), join(dir, "slim.zi")]);
  if (result.exitCode !== 0) throw new Error(`zic failed: ${result.stderr.toString()}`);
});

afterAll(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(shouldSkip)("slim TZif files", () => {
  test.each(CASES)("$slim ends in the footer $footer", ({ slim, footer }) => {
    const file = join(dir, "zoneinfo", slim);
    const data = parseTzif(readFileSync(file), file);

    expect(data.footerText).toBe(footer);
    // Slim files list no transition the footer can give, so none reach 2037 as fat files do.
    expect(data.transitionsSeconds.every((seconds) => seconds < Date.UTC(2010, 0, 1) / 1000)).toBe(true);
  });

  test.each(CASES)("$slim matches $real in Intl", ({ slim, real, fromYear }) => {
    const zoneinfoDir = join(dir, "zoneinfo");
    const zone = loadZone(slim, { zoneinfoDir });
    const realZone = loadZone(real);
    const fromMs = Date.UTC(fromYear, 0, 1);
    const offsetAt = (instantMs: number) => zone.offsetSecondsAt(instantMs);
    const transitions = [...scanChanges(offsetAt, fromMs, UNTIL_MS), ...scanChanges((instantMs) => realZone.offsetSecondsAt(instantMs), fromMs, UNTIL_MS)];
    const instants = [...aroundEach(transitions), ...randomInstants(500, fromYear, fromMs, UNTIL_MS)];
    // The slim zone has its own name, so compare with the real zone's offsets through Intl by renaming it.
    const asReal = { name: real, localTimeTypeAt: (instantMs: number) => zone.localTimeTypeAt(instantMs), offsetSecondsAt: offsetAt };

    const found = compareWithReferences(asReal, join(zoneinfoDir, slim), instants, { useIntl: true });

    expect(found.failures.map(describeDisagreement)).toEqual([]);
    expect(found.dataDifferences.map(describeDisagreement)).toEqual([]);
  });
});
