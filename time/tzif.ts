/**
 * Reader for TZif files, the compiled tz database that zic writes to
 * /usr/share/zoneinfo (RFC 8536, versions 1 to 4).
 *
 * Layout: a 44-byte header, then a data block of transition times, their
 * local time type indexes, the local time type records, the abbreviation
 * characters, leap-second records and two indicator arrays. Version 1 files
 * end there and use 32-bit times. Version 2 and later files repeat header
 * and block with 64-bit times, then end with a footer: a POSIX TZ string
 * between two newlines. This reader uses the 64-bit block when there is one.
 */
import { PosixTzError, TzifError } from "./errors.ts";
import { parsePosixTz, type PosixTz } from "./posix-tz.ts";
import type { LocalTimeType } from "./time-zone.ts";

const HEADER_BYTES = 44;
const MAGIC = [0x54, 0x5a, 0x69, 0x66]; // "TZif"
/** Version bytes: NUL for version 1, then the digits "2", "3" and "4". */
const VERSION_BYTES = new Map([
  [0x00, 1],
  [0x32, 2],
  [0x33, 3],
  [0x34, 4],
]);
/** Bytes of one local time type record: utoff (4), isdst (1), abbreviation index (1). */
const TYPE_RECORD_BYTES = 6;
/** RFC 8536 requires utoff to be more than −25 hours and less than 26 hours, and this reader rejects any other value. */
const MIN_UTOFF_SECONDS = -89_999;
const MAX_UTOFF_SECONDS = 93_599;

/** The contents of a TZif file that local time depends on. */
export interface TzifData {
  /** 1, 2, 3 or 4. */
  readonly version: number;
  /** Transition times in seconds since the epoch, strictly ascending. */
  readonly transitionsSeconds: readonly number[];
  /** For each transition, the index into `types` of the local time type that starts there. */
  readonly transitionTypes: readonly number[];
  /** Local time types; type 0 applies before the first transition. */
  readonly types: readonly LocalTimeType[];
  /** The footer's TZ string, for instants from the last transition on; undefined in version 1 files and when the footer is empty. */
  readonly footer: PosixTz | undefined;
  /** The footer as written, `""` when empty or absent. */
  readonly footerText: string;
}

interface Header {
  version: number;
  isutcnt: number;
  isstdcnt: number;
  leapcnt: number;
  timecnt: number;
  typecnt: number;
  charcnt: number;
}

/**
 * Parses and checks a TZif file. `file` names it in error messages.
 * @throws {TzifError} naming the file and the problem when it is truncated,
 * corrupt, of an unknown version, or has leap-second records (the files under
 * `right/`, whose times count leap seconds; use the same name without `right/`)
 */
export function parseTzif(bytes: Uint8Array, file: string): TzifData {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (problem: string): never => {
    throw new TzifError(file, problem);
  };

  const first = readHeader(view, 0, fail);
  const firstBlockEnd = HEADER_BYTES + dataBlockBytes(first, 4);
  if (first.version === 1) {
    const block = readDataBlock(view, { header: first, start: HEADER_BYTES, timeBytes: 4 }, fail);
    if (view.byteLength > firstBlockEnd) fail(`${view.byteLength - firstBlockEnd} unexpected bytes after the version 1 data block`);
    return { version: 1, ...block, footer: undefined, footerText: "" };
  }

  // Version 2+ readers skip the 32-bit block and use the 64-bit one after it.
  checkBlockFits(view, first, HEADER_BYTES, 4, fail);
  const second = readHeader(view, firstBlockEnd, fail);
  if (second.version !== first.version) fail(`the second header says version ${second.version}, the first version ${first.version}`);
  const secondStart = firstBlockEnd + HEADER_BYTES;
  const block = readDataBlock(view, { header: second, start: secondStart, timeBytes: 8 }, fail);
  const footerText = readFooter(view, secondStart + dataBlockBytes(second, 8), fail);

  let footer: PosixTz | undefined;
  try {
    footer = footerText === "" ? undefined : parsePosixTz(footerText);
  } catch (error) {
    if (!(error instanceof PosixTzError)) throw error;
    throw new TzifError(file, `invalid footer: ${error.message}`, { cause: error });
  }
  return { version: first.version, ...block, footer, footerText };
}

function readHeader(view: DataView, start: number, fail: (problem: string) => never): Header {
  if (view.byteLength < start + HEADER_BYTES) {
    fail(`truncated: the header at byte ${start} needs ${HEADER_BYTES} bytes, but the file has ${view.byteLength - start} bytes left`);
  }
  const magic = MAGIC.map((_, index) => view.getUint8(start + index));
  if (magic.some((byte, index) => byte !== MAGIC[index])) {
    fail(`expected the magic "TZif" at byte ${start}, found ${JSON.stringify(String.fromCharCode(...magic))}`);
  }
  const versionByte = view.getUint8(start + 4);
  const version = VERSION_BYTES.get(versionByte);
  if (version === undefined) fail(`unsupported version byte 0x${versionByte.toString(16).padStart(2, "0")} (this reader knows versions 1 to 4)`);

  const count = (index: number) => view.getUint32(start + 20 + 4 * index);
  const header: Header = { version, isutcnt: count(0), isstdcnt: count(1), leapcnt: count(2), timecnt: count(3), typecnt: count(4), charcnt: count(5) };
  if (header.typecnt === 0) fail(`the header at byte ${start} has typecnt 0, but a file needs at least one local time type`);
  if (header.charcnt === 0) fail(`the header at byte ${start} has charcnt 0, but a file needs at least one abbreviation character`);
  if (header.isutcnt !== 0 && header.isutcnt !== header.typecnt) fail(`the header at byte ${start} has isutcnt ${header.isutcnt}; it must be 0 or typecnt (${header.typecnt})`);
  if (header.isstdcnt !== 0 && header.isstdcnt !== header.typecnt) fail(`the header at byte ${start} has isstdcnt ${header.isstdcnt}; it must be 0 or typecnt (${header.typecnt})`);
  return header;
}

/** Returns the size of a data block in bytes, for 4- or 8-byte times. */
function dataBlockBytes(header: Header, timeBytes: number): number {
  const { isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt } = header;
  return timecnt * timeBytes + timecnt + typecnt * TYPE_RECORD_BYTES + charcnt + leapcnt * (timeBytes + 4) + isstdcnt + isutcnt;
}

function checkBlockFits(view: DataView, header: Header, start: number, timeBytes: number, fail: (problem: string) => never): void {
  const needed = dataBlockBytes(header, timeBytes);
  if (start + needed > view.byteLength) {
    fail(`truncated: the version ${timeBytes === 4 ? 1 : header.version} data block at byte ${start} needs ${needed} bytes, but the file has ${view.byteLength - start} bytes left`);
  }
}

function readDataBlock(
  view: DataView,
  block: { header: Header; start: number; timeBytes: 4 | 8 },
  fail: (problem: string) => never,
): Pick<TzifData, "transitionsSeconds" | "transitionTypes" | "types"> {
  const { header, start, timeBytes } = block;
  checkBlockFits(view, header, start, timeBytes, fail);
  if (header.leapcnt > 0) {
    fail(`it has ${header.leapcnt} leap-second records, so its times count leap seconds (a zone under right/); use the same zone name without right/`);
  }
  let offset = start;

  const transitionsSeconds: number[] = [];
  let previous: bigint | undefined;
  for (let index = 0; index < header.timecnt; index++) {
    const time = timeBytes === 4 ? BigInt(view.getInt32(offset)) : view.getBigInt64(offset);
    offset += timeBytes;
    if (previous !== undefined && time <= previous) fail(`transition ${index} (${time} s) is not after transition ${index - 1} (${previous} s); transition times must be strictly ascending`);
    previous = time;
    transitionsSeconds.push(Number(time));
  }

  const transitionTypes: number[] = [];
  for (let index = 0; index < header.timecnt; index++) {
    const type = view.getUint8(offset++);
    if (type >= header.typecnt) fail(`transition ${index} names local time type ${type}, but the file has only ${header.typecnt} (0 to ${header.typecnt - 1})`);
    transitionTypes.push(type);
  }

  const records: Array<{ utoffSeconds: number; isDst: boolean; abbreviationIndex: number }> = [];
  for (let index = 0; index < header.typecnt; index++) {
    const utoffSeconds = view.getInt32(offset);
    const dstByte = view.getUint8(offset + 4);
    const abbreviationIndex = view.getUint8(offset + 5);
    offset += TYPE_RECORD_BYTES;
    if (utoffSeconds < MIN_UTOFF_SECONDS || utoffSeconds > MAX_UTOFF_SECONDS) {
      fail(`local time type ${index} has a UTC offset of ${utoffSeconds} s, outside ${MIN_UTOFF_SECONDS} to ${MAX_UTOFF_SECONDS} s (−25 h to +26 h)`);
    }
    if (dstByte > 1) fail(`local time type ${index} has isdst ${dstByte}; it must be 0 or 1`);
    if (abbreviationIndex >= header.charcnt) fail(`local time type ${index} has abbreviation index ${abbreviationIndex}, but there are only ${header.charcnt} abbreviation characters`);
    records.push({ utoffSeconds, isDst: dstByte === 1, abbreviationIndex });
  }

  const characters = new Uint8Array(view.buffer, view.byteOffset + offset, header.charcnt);
  offset += header.charcnt;
  const types = records.map((record, index): LocalTimeType => {
    const end = characters.indexOf(0, record.abbreviationIndex);
    if (end === -1) fail(`the abbreviation of local time type ${index} (from index ${record.abbreviationIndex}) has no terminating NUL`);
    const abbreviation = String.fromCharCode(...characters.subarray(record.abbreviationIndex, end));
    return Object.freeze({ utoffSeconds: record.utoffSeconds, isDst: record.isDst, abbreviation });
  });

  // Leap-second records were rejected above, so the indicators follow. Local
  // time does not depend on them, but values outside 0 and 1, or a UT
  // indicator without a standard-time indicator, mean a corrupt file.
  const isStd = new Uint8Array(view.buffer, view.byteOffset + offset, header.isstdcnt);
  offset += header.isstdcnt;
  const isUt = new Uint8Array(view.buffer, view.byteOffset + offset, header.isutcnt);
  for (let index = 0; index < header.typecnt; index++) {
    const std = isStd[index] ?? 0;
    const ut = isUt[index] ?? 0;
    if (std > 1) fail(`the standard/wall indicator of local time type ${index} is ${std}; it must be 0 or 1`);
    if (ut > 1) fail(`the UT/local indicator of local time type ${index} is ${ut}; it must be 0 or 1`);
    if (ut === 1 && std !== 1) fail(`local time type ${index} is marked UT but not standard time; a UT indicator of 1 requires a standard/wall indicator of 1`);
  }

  return { transitionsSeconds, transitionTypes, types };
}

/** Reads the footer `\n<TZ string>\n` that must end a version 2+ file. */
function readFooter(view: DataView, start: number, fail: (problem: string) => never): string {
  const NEWLINE = 0x0a;
  if (start >= view.byteLength) fail(`truncated: the footer is missing after byte ${start}`);
  if (view.getUint8(start) !== NEWLINE) fail(`the footer at byte ${start} does not start with a newline`);
  let end = start + 1;
  while (end < view.byteLength && view.getUint8(end) !== NEWLINE) end++;
  if (end >= view.byteLength) fail(`truncated: the footer at byte ${start} has no closing newline`);
  if (end + 1 < view.byteLength) fail(`${view.byteLength - end - 1} unexpected bytes after the footer`);

  const bytes = new Uint8Array(view.buffer, view.byteOffset + start + 1, end - start - 1);
  if (bytes.some((byte) => byte < 0x20 || byte > 0x7e)) fail(`the footer TZ string contains a byte that is not printable ASCII`);
  return String.fromCharCode(...bytes);
}
