/** Region coordinates and keys: floor division for negative columns, one key per region, safe as a subject token. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseRegionKey, REGION_COLUMNS, regionColumns, regionKey, regionKeyOf, regionOf, regionOfBlock,
} from '../../../engine/cluster/region.ts';

describe('regions', () => {
  it('groups 16 x 16 columns, rounding negative coordinates down', () => {
    expect(REGION_COLUMNS).toBe(16);
    expect(regionOf(0, 0)).toEqual({ rx: 0, rz: 0 });
    expect(regionOf(15, 15)).toEqual({ rx: 0, rz: 0 });
    expect(regionOf(16, -1)).toEqual({ rx: 1, rz: -1 });
    expect(regionOf(-16, -17)).toEqual({ rx: -1, rz: -2 });
    expect(regionOfBlock(-1, 255)).toEqual({ rx: -1, rz: 0 });
    expect(regionOfBlock(256, -256)).toEqual({ rx: 1, rz: -1 });
    expect(regionColumns({ rx: -1, rz: 2 })).toEqual({ minCx: -16, minCz: 32, endCx: 0, endCz: 48 });
    expect(() => regionOf(0.5, 0)).toThrow(/cx must be an integer, got 0.5/);
  });

  it('keys are one subject token and a valid key-value key, and parse back', () => {
    expect(regionKeyOf(0, 0)).toBe('r0_0');
    expect(regionKeyOf(-1, 40)).toBe('r-1_2');
    expect(regionKey({ rx: -0, rz: 0 })).toBe('r0_0');
    fc.assert(fc.property(fc.integer({ min: -32767, max: 32767 }), fc.integer({ min: -32767, max: 32767 }), (cx, cz) => {
      const key = regionKeyOf(cx, cz);
      expect(key).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(parseRegionKey(key)).toEqual(regionOf(cx, cz));
      const { minCx, minCz, endCx, endCz } = regionColumns(regionOf(cx, cz));
      expect(cx >= minCx && cx < endCx && cz >= minCz && cz < endCz).toBe(true);
    }));
    for (const bad of ['r1.2', 'r-0_0', 'r01_0', 'r1_', 'x1_2', '>', 'r1_2 ', '']) {
      expect(() => parseRegionKey(bad), bad).toThrow(/not a region key/);
    }
  });
});

describe('regionAtBlock (shard runtime)', () => {
  it('maps any real block position to the region of its block column, negative sides included', async () => {
    const { regionAtBlock } = await import('../../../engine/cluster/shard-runtime.ts');
    expect(regionAtBlock(0, 0)).toBe('r0_0');
    expect(regionAtBlock(255.99, 255.99)).toBe('r0_0');
    expect(regionAtBlock(256, 0)).toBe('r1_0');
    expect(regionAtBlock(-0.01, 0.5)).toBe('r-1_0');
    expect(regionAtBlock(-256, -256.5)).toBe('r-1_-2');
  });
});
