/**
 * A structured logger: one JSON object per line, `{"t": ISO time, "level": ..., "msg": ..., ...fields}`, to stdout or
 * a given stream, below a level threshold dropped. Child loggers bind fields that every line of theirs carries (e.g.
 * `{ process: 'shard', shard: 1 }`). `netLogOf` makes one the `log` of a game server or `listen`. Node only.
 */
import type { NetLog } from '../../net/log-text.ts';

/** Levels, least severe first. */
export const LOGGER_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A {@link LOGGER_LEVELS} level. */
export type LoggerLevel = (typeof LOGGER_LEVELS)[number];

/** Where lines go: anything with `write(text)` (a Node stream, a test's collector). */
export interface LineWriter {
  /** Writes `text` (one line, ending in a newline). */
  write(text: string): unknown;
}

/** Fields of a line: JSON values (Errors are written as name, message and stack; bigints as strings). */
export type LogFields = Readonly<Record<string, unknown>>;

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Least severe level written (default 'info'). */
  level?: LoggerLevel;
  /** Where lines go (default process.stdout). */
  out?: LineWriter;
  /** Fields every line carries. */
  fields?: LogFields;
  /** The clock of `t` (default the system clock). */
  now?: () => Date;
}

/** A structured logger. */
export interface Logger {
  /** The least severe level written. */
  readonly level: LoggerLevel;
  /** True when lines of `level` are written. */
  enabled(level: LoggerLevel): boolean;
  /** Writes a line of `level` (when enabled) with `msg` and `fields`. */
  log(level: LoggerLevel, msg: string, fields?: LogFields): void;
  /** A debug line. */
  debug(msg: string, fields?: LogFields): void;
  /** An info line. */
  info(msg: string, fields?: LogFields): void;
  /** A warning. */
  warn(msg: string, fields?: LogFields): void;
  /** An error. */
  error(msg: string, fields?: LogFields): void;
  /** A logger writing to the same place at the same level, whose lines also carry `fields` (a line's own win). */
  child(fields: LogFields): Logger;
}

/** The keys every line starts with; a field of the same name is written with a leading underscore. */
const RESERVED = new Set(['t', 'level', 'msg']);

/** JSON.stringify's replacer: Errors and bigints made writable. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** True when `level` is one of {@link LOGGER_LEVELS}. */
export function isLoggerLevel(level: string): level is LoggerLevel {
  return (LOGGER_LEVELS as readonly string[]).includes(level);
}

/** Creates a logger (see the module's description). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  if (!isLoggerLevel(level)) throw new RangeError(`level must be one of ${LOGGER_LEVELS.join(', ')}; got ${JSON.stringify(level)}`);
  const out = options.out ?? process.stdout;
  const now = options.now ?? (() => new Date());
  const threshold = LOGGER_LEVELS.indexOf(level);
  const make = (bound: LogFields): Logger => {
    const write = (lineLevel: LoggerLevel, msg: string, fields?: LogFields) => {
      if (LOGGER_LEVELS.indexOf(lineLevel) < threshold) return;
      const line: Record<string, unknown> = { t: now().toISOString(), level: lineLevel, msg };
      for (const source of [bound, fields ?? {}]) {
        for (const [k, v] of Object.entries(source)) line[RESERVED.has(k) ? `_${k}` : k] = v;
      }
      let text: string;
      try {
        text = JSON.stringify(line, replacer);
      } catch (err) {
        // A field that cannot be written (a cycle) must not lose the line.
        text = JSON.stringify({ t: line.t, level: lineLevel, msg, logError: `fields not written: ${(err as Error).message}` });
      }
      out.write(`${text}\n`);
    };
    return {
      level,
      enabled: (l) => LOGGER_LEVELS.indexOf(l) >= threshold,
      log: write,
      debug: (msg, fields) => write('debug', msg, fields),
      info: (msg, fields) => write('info', msg, fields),
      warn: (msg, fields) => write('warn', msg, fields),
      error: (msg, fields) => write('error', msg, fields),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** The game server's and `listen`'s log (level, text) as lines of `logger`. */
export function netLogOf(logger: Logger): NetLog {
  return (level, message) => logger.log(level, message);
}
