/**
 * POSIX TZ strings as the footer of a TZif file carries them (RFC 8536,
 * section 3.3), e.g. `CST6CDT,M3.2.0,M11.1.0`. The footer gives local time
 * after the file's last transition, and all of it in files without
 * transitions.
 *
 * Form: `std offset [dst [offset] ,start[/time],end[/time]]`. Offsets count
 * hours west of Greenwich (`CST6` is UTC−6). A missing DST offset is one hour
 * ahead of standard time, and a missing rule time is 02:00. Rule dates are
 * `Jn` (1–365, February 29 never counted), `n` (0–365, February 29 counted in
 * leap years) or `Mm.w.d` (day d, 0 = Sunday, of week w, 5 = last, of month
 * m). The start time is local standard time and the end time is local DST.
 * Rule times may be negative or beyond 24 h, from −167 to 167 hours, as
 * TZif version 3 allows.
 */
import { PosixTzError } from "./errors.ts";
import { checkInstant, type LocalTimeType, type TimeZone } from "./time-zone.ts";

const DAY_MS = 86_400_000;
const HOUR_S = 3600;
const DEFAULT_RULE_TIME_S = 2 * HOUR_S;

/** The day a DST rule starts or ends on, in one of the three POSIX forms. */
export type RuleDate =
  | { kind: "julian"; day: number }
  | { kind: "zero-based"; day: number }
  | { kind: "month-week-day"; month: number; week: number; weekday: number };

/** One end of the DST period: the day and the local time of day, in seconds (may be negative or over a day). */
export interface RuleBoundary {
  readonly date: RuleDate;
  readonly timeSeconds: number;
}

/** A parsed TZ string. Without `dst`, the zone keeps standard time all year. */
export interface PosixTz {
  readonly std: LocalTimeType;
  readonly dst: { readonly type: LocalTimeType; readonly start: RuleBoundary; readonly end: RuleBoundary } | undefined;
}

/**
 * Parses a POSIX TZ string such as `CST6CDT,M3.2.0,M11.1.0` or `<+0330>-3:30`.
 * @throws {PosixTzError} naming the position and the problem; a DST name without a rule is rejected, because POSIX leaves its default rule to each system
 */
export function parsePosixTz(text: string): PosixTz {
  const reader = new TzReader(text);
  const stdName = reader.name("standard time name");
  const stdUtoff = eastOfUtc(reader.clock("standard time offset", 24));
  const std: LocalTimeType = Object.freeze({ utoffSeconds: stdUtoff, isDst: false, abbreviation: stdName });
  if (reader.atEnd()) return { std, dst: undefined };

  const dstName = reader.name("DST name");
  const dstUtoff = reader.peek() === "," || reader.atEnd() ? stdUtoff + HOUR_S : eastOfUtc(reader.clock("DST offset", 24));
  if (reader.atEnd()) reader.fail("expected a DST rule such as ,M3.2.0,M11.1.0 after the DST name");
  reader.expect(",");
  const start = reader.boundary("DST start");
  reader.expect(",");
  const end = reader.boundary("DST end");
  if (!reader.atEnd()) reader.fail("unexpected text after the DST end");
  const dst: LocalTimeType = Object.freeze({ utoffSeconds: dstUtoff, isDst: true, abbreviation: dstName });
  return { std, dst: { type: dst, start, end } };
}

/** Converts a TZ string offset (seconds west of UTC) to seconds east, without producing −0. */
function eastOfUtc(westSeconds: number): number {
  return westSeconds === 0 ? 0 : -westSeconds;
}

/** Reads the parts of a TZ string from left to right. */
class TzReader {
  private position = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.position];
  }

  fail(problem: string): never {
    throw new PosixTzError(this.text, this.position, problem);
  }

  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected "${char}"`);
    this.position++;
  }

  /** Reads a zone abbreviation: three or more letters, or `<…>` holding three or more letters, digits, `+` or `-`. */
  name(field: string): string {
    const quoted = this.peek() === "<";
    const pattern = quoted ? /<([A-Za-z0-9+-]*)>/y : /[A-Za-z]*/y;
    pattern.lastIndex = this.position;
    const match = pattern.exec(this.text);
    if (match === null) this.fail(`${field} opens with "<" but has no closing ">" after letters, digits, "+" or "-"`);
    const name = match[1] ?? match[0];
    if (name.length < 3) this.fail(`${field} must have at least 3 ${quoted ? "letters, digits, \"+\" or \"-\"" : "letters"}, got ${JSON.stringify(name)}`);
    this.position += match[0].length;
    return name;
  }

  /** Reads `[+|-]hh[:mm[:ss]]` with hours up to `maxHours` and returns seconds. */
  clock(field: string, maxHours: number): number {
    let sign = 1;
    const signChar = this.peek();
    if (signChar === "+" || signChar === "-") {
      sign = signChar === "-" ? -1 : 1;
      this.position++;
    }
    const hours = this.digits(field, 3);
    if (hours > maxHours) this.fail(`${field} hours must be from 0 to ${maxHours}, got ${hours}`);
    let seconds = hours * HOUR_S;
    for (const [unit, factor] of [["minutes", 60], ["seconds", 1]] as const) {
      if (this.peek() !== ":") break;
      this.position++;
      const value = this.digits(`${field} ${unit}`, 2);
      if (value > 59) this.fail(`${field} ${unit} must be from 0 to 59, got ${value}`);
      seconds += value * factor;
    }
    return sign * seconds;
  }

  /** Reads one to `maxDigits` decimal digits. */
  digits(field: string, maxDigits: number): number {
    const pattern = new RegExp(`[0-9]{1,${maxDigits}}`, "y");
    pattern.lastIndex = this.position;
    const match = pattern.exec(this.text);
    if (match === null) this.fail(`expected a number for the ${field}`);
    this.position += match[0].length;
    if (/[0-9]/.test(this.peek() ?? "")) this.fail(`${field} has more than ${maxDigits} digits`);
    return Number(match[0]);
  }

  /** Reads `date[/time]`. */
  boundary(field: string): RuleBoundary {
    const date = this.ruleDate(field);
    if (this.peek() !== "/") return { date, timeSeconds: DEFAULT_RULE_TIME_S };
    this.position++;
    return { date, timeSeconds: this.clock(`${field} time`, 167) };
  }

  ruleDate(field: string): RuleDate {
    const first = this.peek();
    if (first === "J") {
      this.position++;
      const day = this.digits(`${field} day`, 3);
      if (day < 1 || day > 365) this.fail(`${field} day Jn must be from J1 to J365, got J${day}`);
      return { kind: "julian", day };
    }
    if (first === "M") {
      this.position++;
      const month = this.digits(`${field} month`, 2);
      if (month < 1 || month > 12) this.fail(`${field} month must be from 1 to 12, got ${month}`);
      this.expect(".");
      const week = this.digits(`${field} week`, 1);
      if (week < 1 || week > 5) this.fail(`${field} week must be from 1 to 5 (5 is the last), got ${week}`);
      this.expect(".");
      const weekday = this.digits(`${field} weekday`, 1);
      if (weekday > 6) this.fail(`${field} weekday must be from 0 (Sunday) to 6, got ${weekday}`);
      return { kind: "month-week-day", month, week, weekday };
    }
    const day = this.digits(`${field} day (Jn, n or Mm.w.d)`, 3);
    if (day > 365) this.fail(`${field} day n must be from 0 to 365, got ${day}`);
    return { kind: "zero-based", day };
  }
}

/** Returns ms since the epoch of 00:00 UTC on the given proleptic Gregorian date; months and days may overflow. */
function utcMidnightMs(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Returns 00:00 UTC of the day `date` names in `year`, in ms since the epoch. */
function ruleDayMs(date: RuleDate, year: number): number {
  switch (date.kind) {
    case "julian": {
      // Jn skips February 29, so J60 is always March 1.
      const skipsLeapDay = isLeapYear(year) && date.day >= 60;
      return utcMidnightMs(year, 1, date.day + (skipsLeapDay ? 1 : 0));
    }
    case "zero-based":
      return utcMidnightMs(year, 1, date.day + 1);
    case "month-week-day": {
      const firstOfMonthMs = utcMidnightMs(year, date.month, 1);
      // 1970-01-01 was a Thursday (weekday 4).
      const firstWeekday = (((Math.floor(firstOfMonthMs / DAY_MS) + 4) % 7) + 7) % 7;
      let day = 1 + ((date.weekday - firstWeekday + 7) % 7) + (date.week - 1) * 7;
      const daysInMonth = (utcMidnightMs(year, date.month + 1, 1) - firstOfMonthMs) / DAY_MS;
      // Week 5 means the last such weekday, which may be in week 4.
      while (day > daysInMonth) day -= 7;
      return firstOfMonthMs + (day - 1) * DAY_MS;
    }
  }
}

/** A switch between standard time and DST, at an instant in ms since the epoch. */
interface Switch {
  atMs: number;
  toDst: boolean;
}

/**
 * A zone that follows a POSIX TZ string at every instant. Each query looks at
 * the switches of four rule years around the instant's UTC year, because a
 * rule time of up to 167 hours can move a switch into a neighbouring year.
 */
export class PosixTzZone implements TimeZone {
  private cachedYear = Number.NaN;
  private cachedSwitches: Switch[] = [];

  constructor(
    readonly name: string,
    readonly tz: PosixTz,
  ) {}

  localTimeTypeAt(instantMs: number): LocalTimeType {
    checkInstant(instantMs);
    const { std, dst } = this.tz;
    if (dst === undefined) return std;

    const switches = this.switchesAround(new Date(instantMs).getUTCFullYear());
    let isDst = false;
    for (const change of switches) {
      if (change.atMs > instantMs) break;
      isDst = change.toDst;
    }
    return isDst ? dst.type : std;
  }

  offsetSecondsAt(instantMs: number): number {
    return this.localTimeTypeAt(instantMs).utoffSeconds;
  }

  /** Returns the switches of rule years `year − 2` to `year + 1`, in time order. */
  private switchesAround(year: number): Switch[] {
    if (year === this.cachedYear) return this.cachedSwitches;
    const dst = this.tz.dst;
    if (dst === undefined) return [];

    const switches: Switch[] = [];
    for (let ruleYear = year - 2; ruleYear <= year + 1; ruleYear++) {
      // The start is in local standard time, the end in local DST.
      const startMs = ruleDayMs(dst.start.date, ruleYear) + (dst.start.timeSeconds - this.tz.std.utoffSeconds) * 1000;
      const endMs = ruleDayMs(dst.end.date, ruleYear) + (dst.end.timeSeconds - dst.type.utoffSeconds) * 1000;
      // Years near the end of the Date range give NaN, which would break the sort.
      if (Number.isFinite(startMs)) switches.push({ atMs: startMs, toDst: true });
      if (Number.isFinite(endMs)) switches.push({ atMs: endMs, toDst: false });
    }
    // The sort is stable, so when one year's end and the next year's start
    // fall on the same instant (DST all year, e.g. `EST5EDT,0/0,J365/25`), the
    // start comes last and DST stays in force.
    switches.sort((a, b) => a.atMs - b.atMs);

    this.cachedYear = year;
    this.cachedSwitches = switches;
    return switches;
  }
}
