/** The schema hash covers every field: names, types, order and limits. */
import { describe, expect, it } from 'vitest';
import { loadHasher } from '../../../engine/hash.ts';
import type { MessageSchema } from '../../../engine/protocol/schema.ts';
import { SCHEMAS, canonicalSchema, schemaHash } from '../../../engine/protocol/schema.ts';

describe('schema hash', () => {
  it('is 16 hex digits, stable, and changes when any field changes', async () => {
    const h = await loadHasher();
    const base = schemaHash(h);
    expect(base).toMatch(/^[0-9a-f]{16}$/);
    expect(schemaHash(h)).toBe(base);
    const variants: Array<(s: MessageSchema[]) => void> = [
      (s) => { s[0] = { ...s[0], fields: s[0].fields.map(([n, t], i) => [i === 0 ? n + 'x' : n, t] as const) }; },
      (s) => { s[3] = { ...s[3], fields: [...s[3].fields].reverse() }; },
      (s) => { s[9] = { ...s[9], fields: [['cx', 'i32'], ['cz', 'u32']] }; },
      (s) => { s[7] = { ...s[7], fields: [['text', { str: 257 }]] }; },
      (s) => { s[4] = { ...s[4], type: 9 as never }; },
      (s) => { s.pop(); },
    ];
    const seen = new Set([base]);
    for (const change of variants) {
      const copy = [...SCHEMAS];
      change(copy);
      const h2 = schemaHash(h, copy);
      expect(canonicalSchema(copy)).not.toBe(canonicalSchema());
      expect(seen.has(h2)).toBe(false);
      seen.add(h2);
    }
  });
});
