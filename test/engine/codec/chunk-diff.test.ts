import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ChunkCodecDeps, encodeColumn } from '../../../engine/codec/chunk-codec.ts';
import { ChunkDecodeError } from '../../../engine/codec/chunk-decode-error.ts';
import {
  applySectionUpdate, diffSection, encodeSectionUpdate, MIN_FULL_UPDATE_BYTES, SectionUpdateKind,
} from '../../../engine/codec/chunk-diff.ts';
import { firstDifference, loadCodecDeps } from '../../support/codec-deps.ts';
import { generateColumn } from '../../support/synthetic-terrain.ts';

let deps: ChunkCodecDeps;
let browser: ChunkCodecDeps;
beforeAll(async () => {
  ({ node: deps, browser } = await loadCodecDeps());
});

/** Section 2 (y 32..47) of a generated column: ground with ores and caves. */
const terrain = (seed: number) => generateColumn(seed, 3, 4, { sections: 8 }).slice(2 * 4096, 3 * 4096);

describe('section updates', () => {
  it('sends a single-block edit as a diff under 32 bytes', () => {
    const before = terrain(1);
    for (const [i, id] of [[0, 65535], [4095, 1], [2222, 0], [100, 27000]] as const) {
      const after = before.slice();
      after[i] = id;
      const update = encodeSectionUpdate(before, after, deps);
      expect(update[0]).toBe(SectionUpdateKind.Diff);
      expect(update.length).toBeLessThan(32);
      expect(firstDifference(applySectionUpdate(before, update, browser), after)).toBe(-1);
    }
  });

  it('never skips a smaller full form', () => {
    expect(encodeColumn([null], deps).length + 1).toBeGreaterThanOrEqual(MIN_FULL_UPDATE_BYTES);
    expect(encodeColumn([new Uint16Array(4096).fill(65535)], deps).length + 1).toBeGreaterThanOrEqual(MIN_FULL_UPDATE_BYTES);
  });

  it('sends the full section when that is smaller (a section replaced wholesale)', () => {
    const before = terrain(1);
    const after = generateColumn(99, 0, 0, { sections: 8 }).slice(4 * 4096, 5 * 4096); // another world's surface
    const update = encodeSectionUpdate(before, after, deps);
    expect(update[0]).toBe(SectionUpdateKind.Full);
    expect(update.length).toBeLessThan(diffSection(before, after, deps).length);
    expect(firstDifference(applySectionUpdate(before, update, deps), after)).toBe(-1);
    expect(firstDifference(applySectionUpdate(null, update, deps), after)).toBe(-1);
  });

  it('round-trips random edits, and always picks the smaller form (property)', () => {
    const edits = fc.array(fc.tuple(fc.integer({ min: 0, max: 4095 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 65535 })), { maxLength: 30 });
    fc.assert(fc.property(fc.integer(), edits, fc.boolean(), (seed, list, fromAir) => {
      const before = fromAir ? null : terrain(seed);
      const after = before ? before.slice() : new Uint16Array(4096);
      for (const [at, len, id] of list) after.fill(id, at, at + len);
      const update = encodeSectionUpdate(before, after, deps);
      const diff = diffSection(before, after, deps);
      const full = encodeColumn([after], deps).length + 1;
      expect(update.length).toBe(Math.min(diff.length, full));
      expect(firstDifference(applySectionUpdate(before, update, deps), after)).toBe(-1);
      expect(firstDifference(applySectionUpdate(before, diff, deps), after)).toBe(-1);
    }), { numRuns: 200 });
  });

  it('rejects an update applied to the wrong base, and does not modify the base', () => {
    const before = terrain(1);
    const after = before.slice();
    after[5] = 999;
    const update = diffSection(before, after, deps);
    const other = terrain(2);
    const copy = other.slice();
    expect(() => applySectionUpdate(other, update, deps)).toThrow(/checksum/);
    expect(firstDifference(other, copy)).toBe(-1);
  });

  it('fuzz: 5,000 damaged or random updates throw ChunkDecodeError or give the right section', () => {
    const before = terrain(5);
    const after = before.slice();
    after.fill(3, 700, 900);
    after[3000] = 12;
    const good = diffSection(before, after, deps);
    fc.assert(fc.property(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 0, max: 2 }), (at, byte, random, how) => {
      let input: Uint8Array;
      if (how === 0) input = good.slice(0, at % good.length);
      else if (how === 1) {
        input = good.slice();
        input[at % input.length] ^= byte || 1;
      } else input = Uint8Array.from([SectionUpdateKind.Diff, ...random]);
      try {
        expect(firstDifference(applySectionUpdate(before, input, deps), after)).toBe(-1);
      } catch (err) {
        if (!(err instanceof ChunkDecodeError)) throw err;
      }
    }), { numRuns: 5000 });
  });
});
