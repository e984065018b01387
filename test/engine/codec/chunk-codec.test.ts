import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ChunkCodecDeps, createCodecProfile, decodeColumn, encodeColumn, MAX_COLUMN_SECTIONS,
} from '../../../engine/codec/chunk-codec.ts';
import { createSectionScratch } from '../../../engine/codec/section-encoder.ts';
import { loadCodecDeps, firstDifference, splitSections } from '../../support/codec-deps.ts';
import { CORPUS_DIR, CORPUS_FILES, corpusColumns, readCorpus } from '../../support/corpus.ts';
import { columnSections, generateColumn } from '../../support/synthetic-terrain.ts';

let node: ChunkCodecDeps;
let browser: ChunkCodecDeps;
beforeAll(async () => {
  ({ node, browser } = await loadCodecDeps());
});

/** Encodes with Node's zstd and checks that both decoders give the column back exactly. */
function roundTrip(sections: (Uint16Array | null)[], level = 3): Uint8Array {
  const bytes = encodeColumn(sections, node, { level });
  const expected = new Uint16Array(sections.length * 4096);
  sections.forEach((s, i) => s && expected.set(s, i * 4096));
  for (const deps of [node, browser]) {
    const got = decodeColumn(bytes, deps);
    expect(got.sectionCount).toBe(sections.length);
    expect(firstDifference(got.voxels, expected)).toBe(-1);
    sections.forEach((s, i) => {
      const v = expected.subarray(i * 4096, (i + 1) * 4096);
      expect(got.uniform[i]).toBe(v.every((id) => id === v[0]) ? v[0] : -1);
    });
  }
  return bytes;
}

const section = (f: (i: number) => number) => Uint16Array.from({ length: 4096 }, (_, i) => f(i));

describe('chunk codec round trip', () => {
  // The in-repo cut of the real Minecraft corpus: 6 columns per version (test/fixtures/terrain/README.md says which).
  it('is exact on every column of the three corpus files (the in-repo cut)', () => {
    const scratch = createSectionScratch();
    for (const file of CORPUS_FILES) {
      const columns = readCorpus(CORPUS_DIR + file);
      expect(columns.length).toBe(corpusColumns(CORPUS_DIR + file).length);
      expect(columns.length).toBeGreaterThanOrEqual(6);
      for (const column of columns) {
        const bytes = encodeColumn(splitSections(column), node, { scratch });
        expect(firstDifference(decodeColumn(bytes, browser).voxels, column)).toBe(-1);
        expect(firstDifference(decodeColumn(bytes, node).voxels, column)).toBe(-1);
        expect(bytes.length).toBeLessThan(column.byteLength / 10);
      }
    }
  });

  it('handles the edge sections: uniform, all 4096 distinct, ids up to 65535, absent, 1 and 64 sections', () => {
    const distinct = section((i) => (i * 2654435761) % 65536);
    expect(new Set(distinct).size).toBe(4096);
    roundTrip([section(() => 65535), distinct, null, section((i) => 65535 - (i & 1)), section(() => 0)]);
    roundTrip([section((i) => i)]);
    roundTrip([null]);
    roundTrip(Array.from({ length: MAX_COLUMN_SECTIONS }, (_, s) => (s % 3 ? null : section((i) => (i >> 8) + s))));
    // a copy-below run that crosses from the section below into this one, then a layer with new ids
    roundTrip([section((i) => (i < 3840 ? 1 : 2)), section((i) => (i < 512 ? 2 : 7))]);
    // a copy-behind run whose source is the last row of the section below
    roundTrip([section((i) => ((i & 0xf0) === 0xf0 ? 9 : 1)), section((i) => (i < 16 ? 9 : 5 + (i % 3)))]);
  });

  it('round-trips generated terrain (property)', () => {
    fc.assert(fc.property(fc.integer(), fc.integer({ min: -100, max: 100 }), fc.integer({ min: 1, max: 30 }), (seed, cx, sections) => {
      roundTrip(columnSections(generateColumn(seed, cx, -cx, { sections })));
    }), { numRuns: 25 });
  });

  it('round-trips random sections: uniform, noise over small and full id ranges, runs (property)', () => {
    const voxels = (n: number) => fc.uint16Array({ minLength: n, maxLength: n });
    const sectionArb = fc.oneof(
      fc.constant(null),
      fc.integer({ min: 0, max: 65535 }).map((id) => section(() => id)),
      voxels(4096),
      // all 4096 distinct: an odd multiplier is a bijection on uint16
      fc.tuple(fc.integer({ min: 0, max: 32767 }), fc.integer({ min: 0, max: 65535 })).map(([m, o]) => section((i) => (i * (2 * m + 1) + o) & 0xffff)),
      fc.tuple(fc.integer({ min: 1, max: 300 }), voxels(4096)).map(([k, v]) => v.map((id) => id % k)),
      fc.array(fc.tuple(fc.integer({ min: 1, max: 700 }), fc.integer({ min: 0, max: 65535 })), { minLength: 1, maxLength: 40 })
        .map((runs) => {
          const out = new Uint16Array(4096);
          for (let p = 0, r = 0; p < 4096; r++) {
            const [len, id] = runs[r % runs.length];
            out.fill(id, p, Math.min(4096, p + len));
            p += len;
          }
          return out;
        }),
    );
    fc.assert(fc.property(fc.array(sectionArb, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 9 }), (sections, level) => {
      roundTrip(sections, level);
    }), { numRuns: 60 });
  });

  it('records named profiling stages', () => {
    const profile = createCodecProfile();
    const bytes = encodeColumn(columnSections(generateColumn(1, 0, 0)), node, { profile });
    decodeColumn(bytes, node, { profile });
    expect(profile.columns).toBe(2);
    expect(profile.sections).toBeGreaterThan(0);
    expect(profile.zstd).toBeGreaterThan(0);
  });

  it('rejects bad encoder input with a RangeError', () => {
    expect(() => encodeColumn([], node)).toThrow(RangeError);
    expect(() => encodeColumn(new Array(65).fill(null), node)).toThrow(RangeError);
    expect(() => encodeColumn([new Uint16Array(10)], node)).toThrow(RangeError);
    expect(() => encodeColumn([null], node, { level: 0 })).toThrow(RangeError);
  });
});
