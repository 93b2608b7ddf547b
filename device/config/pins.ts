/**
 * The Raspberry Pi 40-pin header: which BCM GPIO sits on which physical pin,
 * and which physical pins are power or ground. Identical on the Pi 3, 4, 5
 * and Zero 2 W.
 */

/** Physical header pin of each BCM GPIO that the header brings out (BCM 0–27). */
export const HEADER_PIN_BY_BCM: Readonly<Record<number, number>> = Object.freeze({
  0: 27, 1: 28, 2: 3, 3: 5, 4: 7, 5: 29, 6: 31, 7: 26, 8: 24, 9: 21,
  10: 19, 11: 23, 12: 32, 13: 33, 14: 8, 15: 10, 16: 36, 17: 11, 18: 12, 19: 35,
  20: 38, 21: 40, 22: 15, 23: 16, 24: 18, 25: 22, 26: 37, 27: 13,
});

/** Header pins that carry 3.3 V or 5 V. */
export const POWER_HEADER_PINS = Object.freeze([1, 2, 4, 17]);
/** Header pins tied to ground. */
export const GROUND_HEADER_PINS = Object.freeze([6, 9, 14, 20, 25, 30, 34, 39]);
/** BCM 0 and 1 are the HAT ID EEPROM's I²C bus, which firmware probes at boot. */
export const RESERVED_BCM = Object.freeze([0, 1]);

const BCM_BY_HEADER_PIN: Readonly<Record<number, number>> = Object.freeze(
  Object.fromEntries(Object.entries(HEADER_PIN_BY_BCM).map(([bcm, pin]) => [pin, Number(bcm)])),
);

/** Returns the header pin of a BCM GPIO, or undefined when the header does not bring it out. */
export function headerPinOfBcm(bcm: number): number | undefined {
  return HEADER_PIN_BY_BCM[bcm];
}

/** A pin check: the BCM number when usable, otherwise the reason it is not. */
export type PinCheck = { ok: true; bcm: number; headerPin: number } | { ok: false; reason: string };

/** Checks a BCM number for use as a general-purpose input or output. */
export function checkBcm(bcm: number): PinCheck {
  const headerPin = headerPinOfBcm(bcm);
  if (!Number.isInteger(bcm) || headerPin === undefined) {
    return { ok: false, reason: `BCM ${bcm} is not on the 40-pin header; use a BCM GPIO number from 2 to 27` };
  }
  if (RESERVED_BCM.includes(bcm)) {
    return { ok: false, reason: `BCM ${bcm} (header pin ${headerPin}) is reserved for the HAT ID EEPROM; use a BCM GPIO number from 2 to 27` };
  }
  return { ok: true, bcm, headerPin };
}

/** Checks a physical header pin number and maps it to its BCM GPIO. */
export function checkHeaderPin(headerPin: number): PinCheck {
  if (!Number.isInteger(headerPin) || headerPin < 1 || headerPin > 40) {
    return { ok: false, reason: `header pin ${headerPin} does not exist; the header has pins 1 to 40` };
  }
  if (POWER_HEADER_PINS.includes(headerPin)) {
    return { ok: false, reason: `header pin ${headerPin} is a power pin (3.3 V or 5 V), not a GPIO` };
  }
  if (GROUND_HEADER_PINS.includes(headerPin)) {
    return { ok: false, reason: `header pin ${headerPin} is a ground pin, not a GPIO` };
  }
  const bcm = BCM_BY_HEADER_PIN[headerPin];
  if (bcm === undefined) return { ok: false, reason: `header pin ${headerPin} is not a GPIO` };
  return checkBcm(bcm);
}
