/**
 * JSON Lines, the text form of the replay files (input logs, event streams): one JSON value per line, lines ended
 * by '\n' ('\r\n' is accepted when reading). Reading never skips anything: a blank or malformed line is a
 * {@link JsonlError} that names the source and the 1-based line number. Pure: strings in, values out.
 */

/** Where written lines go (a file, an array in tests, a socket). Each call gets one line without its '\n'. */
export interface LineSink {
  /** Takes one complete line; the line contains no '\n'. */
  write(line: string): void;
}

/** A {@link LineSink} that keeps the lines in memory, for tests and for building a file in one piece. */
export interface ArrayLineSink extends LineSink {
  /** The lines written so far, in order. */
  readonly lines: string[];
}

/** Creates an empty {@link ArrayLineSink}. */
export function createArrayLineSink(): ArrayLineSink {
  const lines: string[] = [];
  return { lines, write: (line) => { lines.push(line); } };
}

/** Joins lines into file text: every line, the last one included, ends with '\n'. */
export function joinLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/**
 * A malformed replay line. The message reads `<source>:<line>: <reason>` (`line <n>: <reason>` without a source;
 * `<source>: <reason>` for line 0, used for the text as a whole and for values being written).
 */
export class JsonlError extends Error {
  /** Always `'JsonlError'`. */
  override name = 'JsonlError';
  /** 1-based line number of the offending line; 0 when the text as a whole is at fault (e.g. empty). */
  readonly line: number;
  /** Where the text came from (usually a file name); '' when unknown. */
  readonly source: string;
  /** What is wrong, without the location. */
  readonly reason: string;

  /** Builds the error; `source` is the file name, if known. */
  constructor(reason: string, line: number, source = '') {
    super(`${line > 0 ? (source ? `${source}:${line}` : `line ${line}`) : source || 'jsonl'}: ${reason}`);
    this.line = line;
    this.source = source;
    this.reason = reason;
  }
}

/** One parsed line: its value and where it was. */
export interface JsonLine {
  /** 1-based line number in the text. */
  line: number;
  /** The parsed JSON value. */
  value: unknown;
}

/**
 * Encodes one value as a line. Only JSON data is accepted (null, booleans, finite numbers, strings, arrays, plain
 * objects) so that reading the line gives the value back; object properties whose value is `undefined` are left
 * out, as optional fields are. Anything else throws a TypeError naming the path, e.g. `$.input.yaw is NaN`.
 */
export function encodeJsonLine(value: unknown): string {
  assertJsonData(value, '$');
  return JSON.stringify(value);
}

function assertJsonData(v: unknown, path: string): void {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`${path} is ${v}, which JSON cannot hold`);
    return;
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (v[i] === undefined) throw new TypeError(`${path}[${i}] is undefined, which JSON cannot hold`);
      assertJsonData(v[i], `${path}[${i}]`);
    }
    return;
  }
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`${path} is not a plain object`);
    for (const [k, x] of Object.entries(v)) if (x !== undefined) assertJsonData(x, `${path}.${k}`);
    return;
  }
  throw new TypeError(`${path} is a ${typeof v}, which JSON cannot hold`);
}

/**
 * Parses JSONL text into its values with their line numbers. A final '\n' is optional; a blank line anywhere
 * else, or a line that is not valid JSON, throws a {@link JsonlError} naming `source` and the line.
 */
export function parseJsonLines(text: string, source = ''): JsonLine[] {
  const out: JsonLine[] = [];
  let start = 0;
  let line = 1;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let s = text.slice(start, end);
    if (s.endsWith('\r')) s = s.slice(0, -1);
    if (s.trim() === '') throw new JsonlError('blank line (every line must hold one JSON value)', line, source);
    let value: unknown;
    try {
      value = JSON.parse(s);
    } catch (e) {
      throw new JsonlError(`not valid JSON (${(e as Error).message}): ${preview(s)}`, line, source);
    }
    out.push({ line, value });
    start = end + 1;
    line++;
  }
  return out;
}

/** The first characters of a bad line, for error messages. */
function preview(s: string): string {
  return s.length > 60 ? `${JSON.stringify(s.slice(0, 60))}...` : JSON.stringify(s);
}
