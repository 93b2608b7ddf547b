/**
 * Writes TZif files (RFC 8536) from a plain description, so tests can build
 * valid files and then break one field at a time.
 */

/** One local time type record as stored: offset, DST flag and abbreviation index. */
export interface TypeRecord {
  utoff: number;
  dst: number;
  index: number;
}

/** The contents of one data block. Counts in the header follow the arrays unless `counts` overrides them. */
export interface BlockSpec {
  transitions: number[];
  transitionTypes: number[];
  types: TypeRecord[];
  /** Abbreviation characters, NUL-terminated, e.g. `"CST\0CDT\0"`. */
  chars: string;
  leaps?: Array<[number, number]>;
  isStd?: number[];
  isUt?: number[];
  counts?: Partial<Record<"isutcnt" | "isstdcnt" | "leapcnt" | "timecnt" | "typecnt" | "charcnt", number>>;
}

export interface TzifSpec {
  /** The version byte: 0 for version 1, or 0x32–0x34 for "2"–"4". */
  versionByte: number;
  /** The block version 2+ files carry first with 32-bit times; defaults to one UTC type, as zic -b slim writes it. */
  v1?: BlockSpec;
  /** The 64-bit block of version 2+ files, or the only block of version 1 files. */
  block: BlockSpec;
  /** Footer TZ string of version 2+ files; written as `\n<footer>\n` unless `rawFooter` is given. */
  footer?: string;
  rawFooter?: Uint8Array;
  /** Version byte of the second header, when it should differ from the first. */
  secondVersionByte?: number;
}

const SLIM_V1_BLOCK: BlockSpec = { transitions: [], transitionTypes: [], types: [{ utoff: 0, dst: 0, index: 0 }], chars: "\0" };

class ByteWriter {
  private readonly bytes: number[] = [];

  u8(value: number): void {
    this.bytes.push(value & 0xff);
  }

  i32(value: number): void {
    const view = new DataView(new ArrayBuffer(4));
    view.setInt32(0, value);
    for (let index = 0; index < 4; index++) this.u8(view.getUint8(index));
  }

  u32(value: number): void {
    const view = new DataView(new ArrayBuffer(4));
    view.setUint32(0, value);
    for (let index = 0; index < 4; index++) this.u8(view.getUint8(index));
  }

  i64(value: number): void {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigInt64(0, BigInt(value));
    for (let index = 0; index < 8; index++) this.u8(view.getUint8(index));
  }

  ascii(text: string): void {
    for (const char of text) this.u8(char.charCodeAt(0));
  }

  raw(bytes: Uint8Array): void {
    for (const byte of bytes) this.u8(byte);
  }

  result(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function writeHeader(writer: ByteWriter, versionByte: number, block: BlockSpec): void {
  writer.ascii("TZif");
  writer.u8(versionByte);
  for (let index = 0; index < 15; index++) writer.u8(0);
  const counts = {
    isutcnt: block.isUt?.length ?? 0,
    isstdcnt: block.isStd?.length ?? 0,
    leapcnt: block.leaps?.length ?? 0,
    timecnt: block.transitions.length,
    typecnt: block.types.length,
    charcnt: block.chars.length,
    ...block.counts,
  };
  for (const count of [counts.isutcnt, counts.isstdcnt, counts.leapcnt, counts.timecnt, counts.typecnt, counts.charcnt]) writer.u32(count);
}

function writeBlock(writer: ByteWriter, block: BlockSpec, timeBytes: 4 | 8): void {
  const time = (value: number) => (timeBytes === 4 ? writer.i32(value) : writer.i64(value));
  for (const transition of block.transitions) time(transition);
  for (const type of block.transitionTypes) writer.u8(type);
  for (const type of block.types) {
    writer.i32(type.utoff);
    writer.u8(type.dst);
    writer.u8(type.index);
  }
  writer.ascii(block.chars);
  for (const [occurrence, correction] of block.leaps ?? []) {
    time(occurrence);
    writer.i32(correction);
  }
  for (const value of block.isStd ?? []) writer.u8(value);
  for (const value of block.isUt ?? []) writer.u8(value);
}

/** Returns the bytes of a TZif file. */
export function tzifBytes(spec: TzifSpec): Uint8Array {
  const writer = new ByteWriter();
  if (spec.versionByte === 0) {
    writeHeader(writer, 0, spec.block);
    writeBlock(writer, spec.block, 4);
    return writer.result();
  }
  const v1 = spec.v1 ?? SLIM_V1_BLOCK;
  writeHeader(writer, spec.versionByte, v1);
  writeBlock(writer, v1, 4);
  writeHeader(writer, spec.secondVersionByte ?? spec.versionByte, spec.block);
  writeBlock(writer, spec.block, 8);
  if (spec.rawFooter !== undefined) writer.raw(spec.rawFooter);
  else writer.ascii(`\n${spec.footer ?? ""}\n`);
  return writer.result();
}

/** Returns a small US Central-style block: LMT, then CST/CDT switches in 2025, for use with the US footer. */
export function centralBlock(): BlockSpec {
  return {
    // The earliest 32-bit time (1901-12-13), so version 1 files hold it too, then 2025-03-09 08:00 UTC and 2025-11-02 07:00 UTC.
    transitions: [-(2 ** 31), 1_741_507_200, 1_762_066_800],
    transitionTypes: [2, 1, 2],
    types: [
      { utoff: -21_036, dst: 0, index: 0 },
      { utoff: -18_000, dst: 1, index: 4 },
      { utoff: -21_600, dst: 0, index: 8 },
    ],
    chars: "LMT\0CDT\0CST\0",
  };
}
