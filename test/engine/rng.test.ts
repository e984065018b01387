import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../engine/rng.ts';

describe('seeded rng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = createRng(5), b = createRng(5), c = createRng(6);
    const xs = [0, 1, 2, 3].map(() => a.nextU32());
    expect([0, 1, 2, 3].map(() => b.nextU32())).toEqual(xs);
    expect([0, 1, 2, 3].map(() => c.nextU32())).not.toEqual(xs);
  });

  it('restores from a saved state', () => {
    const a = createRng(9);
    a.nextU32();
    const b = createRng(a.state());
    expect(b.nextU32()).toBe(a.nextU32());
  });

  it('int stays in range and next stays in [0, 1)', () => {
    fc.assert(fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (seed, lo, span) => {
      const r = createRng(seed);
      for (let i = 0; i < 20; i++) {
        const v = r.int(lo, lo + span);
        if (v < lo || v > lo + span || !Number.isInteger(v)) return false;
        const f = r.next();
        if (f < 0 || f >= 1) return false;
      }
      return true;
    }));
    expect(() => createRng(1).int(3, 2)).toThrow(RangeError);
  });
});
