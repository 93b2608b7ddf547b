/**
 * Structured logger: one JSON object per line, with a level, a logger name and
 * the event's fields. The sink is injectable so tests can capture lines.
 */

export const LOG_LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;

export type LogFields = Record<string, unknown>;

const RESERVED_KEYS: ReadonlySet<string> = new Set(["time", "level", "logger", "event"]);
export type LogSink = (line: string) => void;

export interface LoggerOptions {
  /** Lowest level written. @default "info", or `THERMO_LOG_LEVEL` when set */
  level?: LogLevel;
  /** Destination of finished lines. @default stderr */
  sink?: LogSink;
  /** Fields added to every line, such as a request id. */
  context?: LogFields;
}

const stderrSink: LogSink = (line) => {
  process.stderr.write(line + "\n");
};

function levelFromEnv(): LogLevel {
  const raw = process.env.THERMO_LOG_LEVEL?.toLowerCase();
  return raw !== undefined && raw in LOG_LEVELS ? (raw as LogLevel) : "info";
}

/** Turns an Error into plain fields; other values pass through. */
function serialize(value: unknown): unknown {
  if (value instanceof Error) {
    const out: LogFields = { name: value.name, message: value.message };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (value.cause !== undefined) out.cause = serialize(value.cause);
    return out;
  }
  return value;
}

export class Logger {
  readonly name: string;
  private readonly minLevel: number;
  private readonly sink: LogSink;
  private readonly context: LogFields;
  private readonly warnedKeys = new Set<string>();

  constructor(name: string, options: LoggerOptions = {}) {
    this.name = name;
    this.minLevel = LOG_LEVELS[options.level ?? levelFromEnv()];
    this.sink = options.sink ?? stderrSink;
    this.context = options.context ?? {};
  }

  /** Returns a logger that adds `fields` to every line, sharing this one's sink and level. */
  child(fields: LogFields, name = this.name): Logger {
    const level = (Object.keys(LOG_LEVELS) as LogLevel[]).find((key) => LOG_LEVELS[key] === this.minLevel);
    return new Logger(name, { level: level ?? "info", sink: this.sink, context: { ...this.context, ...fields } });
  }

  debug(event: string, fields?: LogFields): void {
    this.write("debug", event, fields);
  }

  info(event: string, fields?: LogFields): void {
    this.write("info", event, fields);
  }

  warn(event: string, fields?: LogFields): void {
    this.write("warn", event, fields);
  }

  error(event: string, fields?: LogFields): void {
    this.write("error", event, fields);
  }

  /** Writes a warning only the first time `key` is seen by this logger. */
  warnOnce(key: string, event: string, fields?: LogFields): void {
    if (this.warnedKeys.has(key)) return;
    this.warnedKeys.add(key);
    this.write("warn", event, fields);
  }

  private write(level: LogLevel, event: string, fields: LogFields = {}): void {
    if (LOG_LEVELS[level] < this.minLevel) return;
    const record: LogFields = { time: new Date().toISOString(), level, logger: this.name, event };
    for (const [key, value] of [...Object.entries(this.context), ...Object.entries(fields)]) {
      // A field may not replace the line's own time, level, logger or event, so it is renamed.
      record[RESERVED_KEYS.has(key) ? `field_${key}` : key] = serialize(value);
    }
    this.sink(JSON.stringify(record));
  }
}

/** Creates a sink that keeps lines in memory, for tests. */
export function memorySink(): { sink: LogSink; lines: string[]; records: () => LogFields[] } {
  const lines: string[] = [];
  return {
    lines,
    sink: (line) => lines.push(line),
    records: () => lines.map((line) => JSON.parse(line) as LogFields),
  };
}
