/** A time zone backed by the contents of a TZif file. */
import { PosixTzZone } from "./posix-tz.ts";
import { checkInstant, type LocalTimeType, type TimeZone } from "./time-zone.ts";
import type { TzifData } from "./tzif.ts";

/**
 * Looks up local time the way RFC 8536 defines it: type 0 before the first
 * transition, the type of the latest transition at or before the instant,
 * and the footer's TZ string from the last transition on. A file without
 * transitions follows its footer at every instant, or type 0 when the footer
 * is empty.
 */
export class TzifZone implements TimeZone {
  private readonly footerZone: PosixTzZone | undefined;

  constructor(
    readonly name: string,
    private readonly data: TzifData,
  ) {
    this.footerZone = data.footer === undefined ? undefined : new PosixTzZone(name, data.footer);
  }

  localTimeTypeAt(instantMs: number): LocalTimeType {
    checkInstant(instantMs);
    const { transitionsSeconds, transitionTypes, types } = this.data;
    const typeZero = types[0] as LocalTimeType;
    const count = transitionsSeconds.length;
    if (count === 0) return this.footerZone?.localTimeTypeAt(instantMs) ?? typeZero;

    // A transition at second T applies from T * 1000 ms on, so compare whole seconds.
    const seconds = Math.floor(instantMs / 1000);
    if (seconds < (transitionsSeconds[0] as number)) return typeZero;
    // NOTE: RFC 8536 leaves local time after the last transition unspecified
    // when the footer is empty (version 1 files, or zones no TZ string can
    // describe). This keeps the last transition's type there.
    if (seconds >= (transitionsSeconds[count - 1] as number) && this.footerZone !== undefined) return this.footerZone.localTimeTypeAt(instantMs);

    // Binary search for the latest transition at or before `seconds`.
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((transitionsSeconds[middle] as number) <= seconds) low = middle;
      else high = middle - 1;
    }
    return types[transitionTypes[low] as number] as LocalTimeType;
  }

  offsetSecondsAt(instantMs: number): number {
    return this.localTimeTypeAt(instantMs).utoffSeconds;
  }
}
