/**
 * Comparing JSON values: a canonical text (keys sorted) for equality tests, and a field-by-field difference that
 * names each differing leaf by its JSON path (`$.x`, `$.items[2].id`, `$["odd key"]`). Pure and deterministic:
 * object keys are visited in sorted order, so the result does not depend on key order.
 */

/** One differing leaf. A side's value is `undefined` when the field is absent on that side. */
export interface FieldDifference {
  /** JSON path of the field, from `$` (the compared value). */
  path: string;
  /** The value in A (undefined: absent in A). */
  a?: unknown;
  /** The value in B (undefined: absent in B). */
  b?: unknown;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Appends an object key to a JSON path: `$.x` for identifier-like keys, else `$["a b"]`. */
export function childPath(path: string, key: string): string {
  return IDENT.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON text of `value` with object keys sorted at every level, leaving out top-level keys in `skip`. */
export function canonicalJson(value: unknown, skip?: ReadonlySet<string>): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let s = '[';
    for (let i = 0; i < value.length; i++) s += (i > 0 ? ',' : '') + canonicalJson(value[i]);
    return s + ']';
  }
  const o = value as Record<string, unknown>;
  let s = '{';
  for (const k of Object.keys(o).sort()) {
    const v = o[k];
    if (v === undefined || skip?.has(k)) continue;
    s += (s.length > 1 ? ',' : '') + JSON.stringify(k) + ':' + canonicalJson(v);
  }
  return s + '}';
}

/**
 * The differing leaves of `a` and `b`, in a deterministic order (sorted keys, ascending indices). Top-level keys in
 * `skip` are not compared. Arrays are compared index by index; a value whose shape differs (object against number,
 * say) is one difference at its own path. An undefined property counts as absent.
 */
export function diffJson(a: unknown, b: unknown, skip?: ReadonlySet<string>, path = '$'): FieldDifference[] {
  const out: FieldDifference[] = [];
  walk(a, b, path, skip, out);
  return out;
}

function walk(a: unknown, b: unknown, path: string, skip: ReadonlySet<string> | undefined, out: FieldDifference[]): void {
  if (isObject(a) && isObject(b)) {
    const keys = new Set<string>();
    for (const k of Object.keys(a)) if (a[k] !== undefined) keys.add(k);
    for (const k of Object.keys(b)) if (b[k] !== undefined) keys.add(k);
    for (const k of [...keys].sort()) {
      if (skip?.has(k)) continue;
      walk(a[k], b[k], childPath(path, k), undefined, out);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) walk(a[i], b[i], `${path}[${i}]`, undefined, out);
    return;
  }
  // Leaves, and shape changes (array against object, object against number): one difference at this path.
  if (a !== b) out.push({ path, a, b });
}
