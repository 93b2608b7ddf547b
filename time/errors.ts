/** Errors raised while reading time zones from the system's tz database. */

/** A TZif file (RFC 8536) that is truncated, corrupt, or in a form this reader does not support. */
export class TzifError extends Error {
  override readonly name = "TzifError";
  /** The file as the caller named it, usually its path. */
  readonly file: string;

  constructor(file: string, problem: string, options?: { cause?: unknown }) {
    super(`invalid TZif file ${file}: ${problem}`, options);
    this.file = file;
  }
}

/** A POSIX TZ string, as in the footer of a TZif file, that does not parse. */
export class PosixTzError extends Error {
  override readonly name = "PosixTzError";
  readonly tz: string;
  /** Index of the first character that could not be read. */
  readonly position: number;

  constructor(tz: string, position: number, problem: string) {
    super(`invalid POSIX TZ string ${JSON.stringify(tz)} at character ${position + 1}: ${problem}`);
    this.tz = tz;
    this.position = position;
  }
}

/** Reasons a zone cannot be loaded. */
export const TIME_ZONE_PROBLEMS = {
  /** The name is not shaped like an IANA name, so no file was read. */
  invalidName: "invalid_name",
  /** The tz database has no file of that name. */
  notFound: "not_found",
  /** The tz database folder itself is missing. */
  noDatabase: "no_database",
  /** The file exists but reading it failed. */
  unreadable: "unreadable",
  /** The file is not a valid TZif file. */
  invalidFile: "invalid_file",
} as const;

export type TimeZoneProblem = (typeof TIME_ZONE_PROBLEMS)[keyof typeof TIME_ZONE_PROBLEMS];

/** A zone that cannot be loaded: its name, the file tried, what went wrong and what to do. */
export class TimeZoneError extends Error {
  override readonly name = "TimeZoneError";
  readonly zone: string;
  readonly problem: TimeZoneProblem;
  /** The file that was tried, or undefined when the name was rejected before any read. */
  readonly path: string | undefined;
  /** The failure without the zone name, e.g. `no such zone in /usr/share/zoneinfo`. */
  readonly reason: string;
  /** The fix to try, e.g. installing tzdata. */
  readonly hint: string;

  constructor(fields: { zone: string; problem: TimeZoneProblem; path: string | undefined; reason: string; hint: string }, options?: { cause?: unknown }) {
    super(`cannot load time zone ${JSON.stringify(fields.zone)}: ${fields.reason}; ${fields.hint}`, options);
    this.zone = fields.zone;
    this.problem = fields.problem;
    this.path = fields.path;
    this.reason = fields.reason;
    this.hint = fields.hint;
  }
}
