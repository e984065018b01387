import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, childPath, diffJson } from '../../../engine/replay/json-diff.ts';

describe('JSON diff', () => {
  it('names each differing leaf by JSON path with both values', () => {
    expect(diffJson({ a: 1, b: { c: [1, 2, 3], d: 'x' }, 'odd key': true }, { a: 1, b: { c: [1, 5], d: 'y' }, 'odd key': false })).toEqual([
      { path: '$.b.c[1]', a: 2, b: 5 },
      { path: '$.b.c[2]', a: 3, b: undefined },
      { path: '$.b.d', a: 'x', b: 'y' },
      { path: '$["odd key"]', a: true, b: false },
    ]);
    expect(diffJson({ a: [1] }, { a: { 0: 1 } })).toEqual([{ path: '$.a', a: [1], b: { 0: 1 } }]);
    expect(diffJson({ a: null }, { a: 0 })).toEqual([{ path: '$.a', a: null, b: 0 }]);
    expect(childPath('$', 'x1')).toBe('$.x1');
    expect(childPath('$', '1x')).toBe('$["1x"]');
  });

  it('skips the given top-level keys only', () => {
    expect(diffJson({ wall: 1, x: { wall: 2 } }, { wall: 9, x: { wall: 3 } }, new Set(['wall']))).toEqual([{ path: '$.x.wall', a: 2, b: 3 }]);
    expect(canonicalJson({ wall: 1, b: 2 }, new Set(['wall']))).toBe('{"b":2}');
  });

  it('finds no difference exactly when the canonical texts agree, whatever the key order', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (x, y) => {
      const a = JSON.parse(JSON.stringify(x)), b = JSON.parse(JSON.stringify(y));
      expect(diffJson(a, b).length === 0).toBe(canonicalJson(a) === canonicalJson(b));
      const reordered = JSON.parse(JSON.stringify(a, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v)));
      expect(diffJson(a, reordered)).toEqual([]);
      expect(canonicalJson(reordered)).toBe(canonicalJson(a));
    }));
  });
});
