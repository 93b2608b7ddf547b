/**
 * Parser for the DS18B20 `w1_slave` file of the kernel's w1_therm driver:
 *
 *   72 01 4b 46 7f ff 0e 10 57 : crc=57 YES
 *   72 01 4b 46 7f ff 0e 10 57 t=23125
 *
 * Line 1 is the scratchpad just read and the driver's CRC verdict; line 2
 * ends in the temperature in milli-°C.
 */

/** Dallas/Maxim CRC-8 (polynomial x⁸+x⁵+x⁴+1, reflected 0x8C, initial 0), as the 1-Wire bus uses. */
export function dallasCrc8(bytes: ArrayLike<number>): number {
  let crc = 0;
  for (let index = 0; index < bytes.length; index++) {
    crc ^= bytes[index] ?? 0;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x8c : crc >>> 1;
  }
  return crc;
}

export type W1SlaveResult =
  | { ok: true; milliC: number; scratchpad: number[] }
  | { ok: false; code: "EMPTY_READ" | "CRC_MISMATCH" | "MALFORMED" | "ALL_ZERO_SCRATCHPAD"; reason: string };

const LINE1 = /^((?:[0-9a-f]{2} ){9}): crc=([0-9a-f]{2}) (YES|NO)$/;
const LINE2 = /^(?:[0-9a-f]{2} ){9}t=(-?\d+)$/;

/**
 * Parses `w1_slave` strictly: two lines, line 1 ending in `YES` with a CRC
 * that this code recomputes, and line 2 ending in `t=<milli-°C>`. An empty
 * file is what 6.x kernels return after five CRC failures or no presence pulse.
 */
export function parseW1Slave(text: string): W1SlaveResult {
  if (text.length === 0) {
    return { ok: false, code: "EMPTY_READ", reason: "w1_slave was empty: no presence pulse, or the CRC failed on every try" };
  }
  const lines = text.split("\n");
  if (lines.length !== 3 || lines[2] !== "") {
    return { ok: false, code: "MALFORMED", reason: `w1_slave should hold two lines, got ${JSON.stringify(text.slice(0, 120))}` };
  }
  const first = LINE1.exec(lines[0] ?? "");
  const second = LINE2.exec(lines[1] ?? "");
  if (first === null || second === null) {
    return { ok: false, code: "MALFORMED", reason: `w1_slave does not match the w1_therm format: ${JSON.stringify(text.slice(0, 120))}` };
  }

  const scratchpad = (first[1] ?? "").trim().split(" ").map((byte) => Number.parseInt(byte, 16));
  if (first[3] === "NO") {
    return { ok: false, code: "CRC_MISMATCH", reason: `the driver reported crc=${first[2]} NO` };
  }
  const computed = dallasCrc8(scratchpad.slice(0, 8));
  if (computed !== scratchpad[8]) {
    return { ok: false, code: "CRC_MISMATCH", reason: `scratchpad CRC is ${computed.toString(16).padStart(2, "0")} but byte 8 is ${(scratchpad[8] ?? 0).toString(16).padStart(2, "0")}` };
  }
  // A data line stuck low reads as nine zero bytes, whose CRC-8 is also zero, so the driver reports YES and t=0.
  if (scratchpad.every((byte) => byte === 0)) {
    return { ok: false, code: "ALL_ZERO_SCRATCHPAD", reason: "the scratchpad is all zeros, which a shorted or stuck-low data line produces" };
  }
  return { ok: true, milliC: Number(second[1]), scratchpad };
}
