/**
 * Field checks shared by the replay readers: each takes a parsed line's object and the line's location, and either
 * returns the typed field or throws a {@link JsonlError} naming the line, the field and what was expected. Also the
 * `wall` key, where wall-clock readings live apart from the compared, deterministic data.
 */
import { JsonlError } from './jsonl.ts';

/** Where a line is: its source (file name or '') and 1-based line number. */
export interface LineRef {
  /** File name, or '' when unknown. */
  source: string;
  /** 1-based line number. */
  line: number;
}

/**
 * The key of a line's wall-clock fields (`"wall": {"ms": 1732490000000}`). Such readings differ from run to run,
 * so the stream diff never compares them; nothing else in a line may depend on the wall clock.
 */
export const WALL_KEY = 'wall';

/** Wall-clock readings of a line, free-form JSON data (e.g. `{ ms: 1732490000000 }`). Never compared. */
export type WallFields = Record<string, unknown>;

/** Throws a {@link JsonlError} at `at`. */
export function fail(at: LineRef, reason: string): never {
  throw new JsonlError(reason, at.line, at.source);
}

/** The value as a JSON object (not null, not an array), or a failure saying `what` was expected. */
export function expectObject(value: unknown, at: LineRef, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(at, `${what} must be a JSON object, got ${describeJson(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Field `key` as a safe integer in [min, max]. `prefix` names the enclosing object in messages ("input."). */
export function intField(
  obj: Record<string, unknown>, key: string, at: LineRef, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER, prefix = '',
): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    const range = min === Number.MIN_SAFE_INTEGER && max === Number.MAX_SAFE_INTEGER ? '' : ` in ${min}..${max}`;
    fail(at, `field "${prefix}${key}" must be an integer${range}, got ${describeJson(v)}`);
  }
  return v;
}

/** Field `key` as a finite number. */
export function numberField(obj: Record<string, unknown>, key: string, at: LineRef, prefix = ''): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(at, `field "${prefix}${key}" must be a number, got ${describeJson(v)}`);
  return v;
}

/** Field `key` as a string, optionally matching `pattern` (described as `patternName` in messages). */
export function stringField(
  obj: Record<string, unknown>, key: string, at: LineRef, pattern?: RegExp, patternName = '', prefix = '',
): string {
  const v = obj[key];
  if (typeof v !== 'string') fail(at, `field "${prefix}${key}" must be a string, got ${describeJson(v)}`);
  if (pattern && !pattern.test(v)) fail(at, `field "${prefix}${key}" must be ${patternName}, got ${JSON.stringify(v)}`);
  return v;
}

/** Fails if `obj` has a key outside `allowed`. */
export function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], at: LineRef, prefix = ''): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) fail(at, `unexpected field "${prefix}${k}" (allowed: ${allowed.join(', ')})`);
  }
}

/** The optional `wall` field: absent, or a JSON object. */
export function wallField(obj: Record<string, unknown>, at: LineRef): WallFields | undefined {
  const v = obj[WALL_KEY];
  return v === undefined ? undefined : expectObject(v, at, `field "${WALL_KEY}"`);
}

/** A short description of a JSON value for messages: `"abc"`, `12`, `an array`, `missing`. */
export function describeJson(v: unknown): string {
  if (v === undefined) return 'nothing (field missing)';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return 'an array';
  if (v !== null && typeof v === 'object') return 'an object';
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
