/**
 * Logging what strangers send (request lines, player names, admin commands, close reasons): request text quoted with every control and format character escaped (no raw
 * newlines, ANSI sequences or bidi overrides reach the log), and a line budget per time window, so a flood of bad
 * requests cannot flood the log.
 */
/** Log levels of {@link NetLog}. */
export type LogLevel = 'info' | 'warn' | 'error';
/** Where the network layer writes its log lines. */
export type NetLog = (level: LogLevel, message: string) => void;

/** Log lines let through per window by default; the rest are counted and reported in one line. */
export const LOG_LINES_PER_WINDOW = 20;
/** Length of a log window by default, ms. */
export const LOG_WINDOW_MS = 60_000;

/** Characters that JSON leaves alone but a terminal or a reader may act on: DEL and C1 controls, format characters (bidi overrides, zero widths), line and paragraph separators. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** `text` with every control or format character escaped, JSON-style (`\n`, `\u001b`, `\u{e0041}`). */
function escape(text: string): string {
  return JSON.stringify(text).slice(1, -1).replace(UNSAFE, (c) => {
    const code = c.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Says that `text` was cut to `max` characters, when it was. */
const cutNote = (text: string, max: number) => (text.length > max ? `... (${text.length} characters)` : '');

/**
 * `text` as a double-quoted, escaped string of at most about `max` characters (longer text is cut, and the cut is
 * said). Every control or format character appears as an escape, so the result is one inert line.
 */
export function quoteForLog(text: string, max = 120): string {
  return `"${escape(text.slice(0, max))}"${cutNote(text, max)}`;
}

/** Like {@link quoteForLog} without the quotes, for text that sits inside other punctuation (a name in parentheses). */
export function escapeForLog(text: string, max = 120): string {
  return `${escape(text.slice(0, max))}${cutNote(text, max)}`;
}

/** Options of {@link rateLimitLog}. */
export interface RateLimitOptions {
  /** Lines let through per window (default {@link LOG_LINES_PER_WINDOW}). */
  lines?: number;
  /** Window length, ms (default {@link LOG_WINDOW_MS}). */
  windowMs?: number;
  /** Clock, ms (default `performance.now`). */
  now?: () => number;
}

/** A rate-limited log. */
export interface RateLimitedLog {
  /** Writes a line, unless this window's budget is spent (then the line is only counted). */
  readonly log: NetLog;
  /** Reports the lines dropped so far, if any (call before shutting down). */
  flush(): void;
}

/**
 * Wraps `log` with a line budget: a window opens at the first line, lets `lines` lines through, and counts the rest;
 * the count is reported (as a warning) with the first line after the window, or by `flush`.
 */
export function rateLimitLog(log: NetLog, o: RateLimitOptions = {}): RateLimitedLog {
  const lines = o.lines ?? LOG_LINES_PER_WINDOW;
  const windowMs = o.windowMs ?? LOG_WINDOW_MS;
  const now = o.now ?? (() => performance.now());
  let windowStart = -Infinity;
  let written = 0;
  let dropped = 0;
  const flush = () => {
    if (dropped > 0) log('warn', `${dropped} more log line${dropped === 1 ? '' : 's'} dropped (limit ${lines} per ${windowMs / 1000} s)`);
    dropped = 0;
  };
  return {
    log(level: LogLevel, message: string) {
      const t = now();
      if (t - windowStart >= windowMs) {
        flush();
        windowStart = t;
        written = 0;
      }
      if (written < lines) {
        written++;
        log(level, message);
      } else {
        dropped++;
      }
    },
    flush,
  };
}
