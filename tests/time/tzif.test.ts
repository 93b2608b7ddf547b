import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { PosixTzError, TzifError } from "../../time/errors.ts";
import { parseTzif } from "../../time/tzif.ts";
import { TzifZone } from "../../time/tzif-zone.ts";
import { centralBlock, tzifBytes, type BlockSpec, type TzifSpec } from "./helpers/tzif-bytes.ts";

const CHICAGO_FILE = "/usr/share/zoneinfo/America/Chicago";
const US_FOOTER = "CST6CDT,M3.2.0,M11.1.0";

function v2(block: BlockSpec = centralBlock(), extra: Partial<TzifSpec> = {}): Uint8Array {
  return tzifBytes({ versionByte: 0x32, block, footer: US_FOOTER, ...extra });
}

/** Returns the TzifError that parsing `bytes` throws. */
function parseError(bytes: Uint8Array): TzifError {
  try {
    parseTzif(bytes, "test.tzif");
  } catch (error) {
    expect(error).toBeInstanceOf(TzifError);
    return error as TzifError;
  }
  throw new Error("expected parseTzif to throw");
}

describe("parseTzif", () => {
  test("reads a version 1 file", () => {
    const data = parseTzif(tzifBytes({ versionByte: 0, block: centralBlock() }), "v1.tzif");

    expect(data.version).toBe(1);
    expect(data.transitionsSeconds).toEqual([-(2 ** 31), 1_741_507_200, 1_762_066_800]);
    expect(data.transitionTypes).toEqual([2, 1, 2]);
    expect(data.types[1]).toEqual({ utoffSeconds: -18_000, isDst: true, abbreviation: "CDT" });
    expect(data.footer).toBeUndefined();
  });

  test("uses the 64-bit block of version 2 files", () => {
    const v1: BlockSpec = { transitions: [0], transitionTypes: [0], types: [{ utoff: 3600, dst: 0, index: 0 }], chars: "ONE\0" };
    const data = parseTzif(v2(centralBlock(), { v1 }), "v2.tzif");

    expect(data.version).toBe(2);
    expect(data.transitionsSeconds).toHaveLength(3);
    expect(data.types[0]?.abbreviation).toBe("LMT");
  });

  test("reads 64-bit times beyond 2038", () => {
    const block: BlockSpec = { transitions: [-(2 ** 59), 4_102_444_800], transitionTypes: [0, 1], types: [{ utoff: 0, dst: 0, index: 0 }, { utoff: 3600, dst: 0, index: 4 }], chars: "AAA\0BBB\0" };
    const data = parseTzif(v2(block, { footer: "" }), "big.tzif");

    expect(data.transitionsSeconds).toEqual([-(2 ** 59), 4_102_444_800]);
  });

  test.each([
    [0x33, 3],
    [0x34, 4],
  ])("accepts version byte %d", (versionByte, version) => {
    expect(parseTzif(v2(centralBlock(), { versionByte }), "v.tzif").version).toBe(version);
  });

  test("parses the footer", () => {
    const data = parseTzif(v2(), "footer.tzif");

    expect(data.footerText).toBe(US_FOOTER);
    expect(data.footer?.std.utoffSeconds).toBe(-21_600);
    expect(data.footer?.dst?.type.abbreviation).toBe("CDT");
  });

  test("treats an empty footer as none", () => {
    const data = parseTzif(v2(centralBlock(), { footer: "" }), "empty.tzif");

    expect(data.footer).toBeUndefined();
    expect(data.footerText).toBe("");
  });

  test("reads the system's America/Chicago", () => {
    const data = parseTzif(readFileSync(CHICAGO_FILE), CHICAGO_FILE);

    expect(data.version).toBeGreaterThanOrEqual(2);
    expect(data.footerText).toBe(US_FOOTER);
    expect(data.types.map((type) => type.abbreviation)).toContain("CDT");
  });

  test("rejects every truncation of a real file", () => {
    const bytes = readFileSync(CHICAGO_FILE);
    for (let length = 0; length < bytes.length; length++) {
      expect(() => parseTzif(bytes.subarray(0, length), CHICAGO_FILE)).toThrow(TzifError);
    }
  });
});

describe("parseTzif rejects", () => {
  const block = centralBlock;
  const withTypes = (change: (types: BlockSpec["types"]) => void): BlockSpec => {
    const spec = block();
    change(spec.types);
    return spec;
  };
  const withFooterBytes = (text: string) => v2(block(), { rawFooter: new TextEncoder().encode(text) });

  test.each<[string, () => Uint8Array, string]>([
    ["an empty file", () => new Uint8Array(0), "truncated: the header at byte 0 needs 44 bytes"],
    ["a short header", () => v2().subarray(0, 20), "truncated: the header at byte 0"],
    ["a wrong magic", () => new TextEncoder().encode("TZig2".padEnd(60, "\0")), 'expected the magic "TZif" at byte 0, found "TZig"'],
    ["a text file", () => new TextEncoder().encode("# tzdb data for...\n".repeat(4)), 'expected the magic "TZif"'],
    ["an unknown version", () => v2(block(), { versionByte: 0x35 }), "unsupported version byte 0x35"],
    ["a second header of another version", () => v2(block(), { secondVersionByte: 0x33 }), "the second header says version 3, the first version 2"],
    ["typecnt 0", () => v2({ ...block(), counts: { typecnt: 0 } }), "typecnt 0"],
    ["charcnt 0", () => v2({ transitions: [], transitionTypes: [], types: [{ utoff: 0, dst: 0, index: 0 }], chars: "" }), "charcnt 0"],
    ["isutcnt other than typecnt", () => v2({ ...block(), isUt: [0] }), "isutcnt 1; it must be 0 or typecnt (3)"],
    ["isstdcnt other than typecnt", () => v2({ ...block(), isStd: [0, 0] }), "isstdcnt 2; it must be 0 or typecnt (3)"],
    ["a truncated data block", () => v2({ ...block(), counts: { timecnt: 40 } }), "truncated: the version 2 data block"],
    ["equal transition times", () => v2({ ...block(), transitions: [0, 0, 10] }), "transition 1 (0 s) is not after transition 0 (0 s)"],
    ["descending transition times", () => v2({ ...block(), transitions: [0, 20, 10] }), "strictly ascending"],
    ["a transition type out of range", () => v2({ ...block(), transitionTypes: [0, 3, 1] }), "transition 1 names local time type 3, but the file has only 3"],
    ["a UTC offset of −25 h", () => v2(withTypes((types) => (types[0] = { utoff: -90_000, dst: 0, index: 0 }))), "UTC offset of -90000 s"],
    ["a UTC offset of +26 h", () => v2(withTypes((types) => (types[0] = { utoff: 93_600, dst: 0, index: 0 }))), "UTC offset of 93600 s"],
    ["a UTC offset of −2^31", () => v2(withTypes((types) => (types[0] = { utoff: -(2 ** 31), dst: 0, index: 0 }))), "outside -89999 to 93599 s"],
    ["isdst 2", () => v2(withTypes((types) => (types[1] = { utoff: -18_000, dst: 2, index: 4 }))), "local time type 1 has isdst 2"],
    ["an abbreviation index out of range", () => v2(withTypes((types) => (types[2] = { utoff: -21_600, dst: 0, index: 12 }))), "abbreviation index 12, but there are only 12"],
    ["an abbreviation without NUL", () => v2({ ...block(), chars: "LMT\0CDT\0CST!" }), "local time type 2 (from index 8) has no terminating NUL"],
    ["a standard/wall indicator of 2", () => v2({ ...block(), isStd: [0, 2, 0] }), "standard/wall indicator of local time type 1 is 2"],
    ["a UT/local indicator of 2", () => v2({ ...block(), isStd: [0, 0, 0], isUt: [0, 0, 2] }), "UT/local indicator of local time type 2 is 2"],
    ["a UT indicator without standard time", () => v2({ ...block(), isStd: [1, 0, 1], isUt: [1, 1, 0] }), "local time type 1 is marked UT but not standard time"],
    ["leap-second records", () => v2({ ...block(), leaps: [[78_796_800, 1]] }), "1 leap-second records"],
    ["a missing footer", () => v2(block(), { rawFooter: new Uint8Array(0) }), "truncated: the footer is missing"],
    ["a footer without its opening newline", () => withFooterBytes(`${US_FOOTER}\n`), "does not start with a newline"],
    ["a footer without its closing newline", () => withFooterBytes(`\n${US_FOOTER}`), "has no closing newline"],
    ["bytes after the footer", () => withFooterBytes(`\n${US_FOOTER}\nextra`), "5 unexpected bytes after the footer"],
    ["a control character in the footer", () => withFooterBytes("\nCST6\tCDT\n"), "not printable ASCII"],
    ["a footer that is no TZ string", () => v2(block(), { footer: "CST6CDT,M13.1.0,M11.1.0" }), "invalid footer: invalid POSIX TZ string"],
    ["bytes after a version 1 block", () => Uint8Array.from([...tzifBytes({ versionByte: 0, block: block() }), 0x0a]), "1 unexpected bytes after the version 1 data block"],
  ])("%s", (_name, bytes, fragment) => {
    const error = parseError(bytes());

    expect(error.message).toContain(fragment);
    expect(error.message).toStartWith("invalid TZif file test.tzif: ");
    expect(error.file).toBe("test.tzif");
  });

  test("a bad footer with its PosixTzError as the cause", () => {
    const error = parseError(v2(block(), { footer: "CST" }));

    expect(error.cause).toBeInstanceOf(PosixTzError);
  });
});

describe("TzifZone", () => {
  const zoneOf = (bytes: Uint8Array) => new TzifZone("Test/Zone", parseTzif(bytes, "test.tzif"));
  const MARCH_SWITCH_MS = 1_741_507_200_000;

  test("uses type 0 before the first transition", () => {
    expect(zoneOf(v2()).offsetSecondsAt(Date.UTC(1800, 0, 1))).toBe(-21_036);
  });

  test("switches exactly at a transition", () => {
    const zone = zoneOf(v2());

    expect(zone.offsetSecondsAt(MARCH_SWITCH_MS - 1)).toBe(-21_600);
    expect(zone.offsetSecondsAt(MARCH_SWITCH_MS)).toBe(-18_000);
  });

  test("returns the whole local time type", () => {
    expect(zoneOf(v2()).localTimeTypeAt(MARCH_SWITCH_MS)).toEqual({ utoffSeconds: -18_000, isDst: true, abbreviation: "CDT" });
  });

  test("follows the footer after the last transition", () => {
    const zone = zoneOf(v2());

    expect(zone.offsetSecondsAt(Date.UTC(2026, 2, 8, 7, 59, 59, 999))).toBe(-21_600);
    expect(zone.offsetSecondsAt(Date.UTC(2026, 2, 8, 8))).toBe(-18_000);
  });

  test("keeps the last type without a footer", () => {
    expect(zoneOf(v2(centralBlock(), { footer: "" })).offsetSecondsAt(Date.UTC(2026, 6, 1))).toBe(-21_600);
  });

  test("keeps the last type in version 1 files", () => {
    expect(zoneOf(tzifBytes({ versionByte: 0, block: centralBlock() })).offsetSecondsAt(Date.UTC(2026, 6, 1))).toBe(-21_600);
  });

  test("follows the footer everywhere without transitions", () => {
    // zic -b slim writes a zone with no transitions like this: one unused type and the rule in the footer.
    const block: BlockSpec = { transitions: [], transitionTypes: [], types: [{ utoff: -18_000, dst: 1, index: 0 }], chars: "CDT\0" };
    const zone = zoneOf(v2(block));

    expect(zone.offsetSecondsAt(Date.UTC(1990, 0, 1))).toBe(-21_600);
    expect(zone.offsetSecondsAt(Date.UTC(1990, 6, 1))).toBe(-18_000);
  });

  test("uses type 0 without transitions or footer", () => {
    const block: BlockSpec = { transitions: [], transitionTypes: [], types: [{ utoff: 19_800, dst: 0, index: 0 }], chars: "IST\0" };

    expect(zoneOf(v2(block, { footer: "" })).offsetSecondsAt(0)).toBe(19_800);
  });

  test("rejects a non-finite instant", () => {
    expect(() => zoneOf(v2()).offsetSecondsAt(Number.NaN)).toThrow(RangeError);
  });
});
