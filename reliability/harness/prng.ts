/**
 * A seeded pseudo-random number generator (mulberry32), so every fault plan
 * and crash schedule of the reliability suite repeats exactly for one seed.
 */

/** A source of numbers in [0, 1) with helpers for integers and choices. */
export interface Prng {
  /** Returns a number in [0, 1). */
  next(): number;
  /** Returns an integer in [min, max], both ends included. */
  int(min: number, max: number): number;
  /** Returns one element of `items`. @throws {RangeError} when `items` is empty */
  pick<T>(items: readonly T[]): T;
}

/**
 * Creates a generator from a 32-bit seed.
 * @throws {RangeError} when seed is not an integer
 */
export function createPrng(seed: number): Prng {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new RangeError("cannot pick from an empty list");
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
  };
}

/** The suite's seed: `THERMO_RELIABILITY_SEED` when set, so a failing run can be repeated. @default 20261204 */
export function suiteSeed(): number {
  const raw = process.env.THERMO_RELIABILITY_SEED;
  if (raw === undefined || raw === "") return 20_261_204;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new RangeError(`THERMO_RELIABILITY_SEED must be an integer, got "${raw}"`);
  return seed;
}
