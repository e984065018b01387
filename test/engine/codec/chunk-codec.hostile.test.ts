/** Hostile input to decodeColumn: every failure is a ChunkDecodeError, quickly, with bounded decompression. */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assembleColumn, CHUNK_HEADER_BYTES, type ChunkCodecDeps, decodeColumn, encodeColumn, MAX_COLUMN_SECTIONS,
  MAX_SECTION_PAYLOAD, readColumnHeader,
} from '../../../engine/codec/chunk-codec.ts';
import { ChunkDecodeError } from '../../../engine/codec/chunk-decode-error.ts';
import type { Zstd } from '../../../engine/codec/zstd.ts';
import { firstDifference, loadCodecDeps } from '../../support/codec-deps.ts';
import { columnSections, generateColumn } from '../../support/synthetic-terrain.ts';

let node: ChunkCodecDeps;
let browser: ChunkCodecDeps;
beforeAll(async () => {
  ({ node, browser } = await loadCodecDeps());
});

/** The most any decode may ask zstd for: the bound for 64 sections. */
const MAX_PAYLOAD = 30 + MAX_COLUMN_SECTIONS * MAX_SECTION_PAYLOAD;

/** Wraps a Zstd to record the largest output it was allowed and produced. */
function watched(inner: Zstd): Zstd & { maxAsked: number; maxGot: number; calls: number } {
  const w = {
    name: inner.name, maxAsked: 0, maxGot: 0, calls: 0,
    compress: inner.compress,
    decompress(bytes: Uint8Array, maxSize: number) {
      w.calls++;
      w.maxAsked = Math.max(w.maxAsked, maxSize);
      const out = inner.decompress(bytes, maxSize);
      w.maxGot = Math.max(w.maxGot, out.length);
      return out;
    },
  };
  return w;
}

/** A column around a hand-made payload, with a correct frame check (voxel checksum of nothing in particular). */
function frame(payload: Uint8Array, sections: number, declared = payload.length): Uint8Array {
  return wrap(zlib.zstdCompressSync(payload), sections, declared);
}

/** A column around any zstd frame, with a correct frame check. */
function wrap(zstdFrame: Uint8Array, sections: number, declared: number): Uint8Array {
  return assembleColumn({ sectionCount: sections, payloadLength: declared, checksum: 0n }, zstdFrame, node.hasher);
}

/** Payload with the stream lengths and streams given as byte lists. */
function payload(kinds: number[], meta: number[], ids: number[], runs: number[], symbols: number[], packed: number[] = []): Uint8Array {
  const streams = [meta, ids, runs, symbols, packed];
  const varint = (v: number): number[] => (v < 0x80 ? [v] : [(v & 0x7f) | 0x80, ...varint(v >>> 7)]);
  return Uint8Array.from([...streams.flatMap((s) => varint(s.length)), ...kinds, ...streams.flat()]);
}

function expectDecodeError(bytes: Uint8Array, pattern?: RegExp): void {
  for (const deps of [node, browser]) {
    let caught: unknown;
    try {
      decodeColumn(bytes, deps);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ChunkDecodeError);
    if (pattern) expect((caught as Error).message).toMatch(pattern);
  }
}

describe('chunk codec hostile input', () => {
  it('rejects a palette index past the palette (RLE and packed)', () => {
    // palette of 2 (meta 0), ids 1 and 2; RLE: one run of 4096 with symbol 4 (= palette index 2)
    expectDecodeError(frame(payload([1], [0], [1, 0, 2, 0], [0xff, 0x1f], [4]), 1), /palette index 2 past/);
    // palette of 3 needs 2 bits; index 3 is past it
    const packed = new Array(1024).fill(0xff);
    expectDecodeError(frame(payload([2], [1], [1, 0, 2, 0, 3, 0], [], [], packed), 1), /past a palette of 3/);
  });

  it('rejects runs that overflow 4096 and sections the runs do not fill', () => {
    expectDecodeError(frame(payload([1], [0], [1, 0, 2, 0], [99, 0xff, 0x1f], [2, 3]), 1), /run of 4096 overflows the section at voxel 100/);
    expectDecodeError(frame(payload([1], [0], [1, 0, 2, 0], [0xff, 0x0f], [2]), 1), /truncated/);
  });

  it('rejects copies reaching before the column, unknown kinds, leftovers and huge palettes', () => {
    expectDecodeError(frame(payload([1], [0], [1, 0, 2, 0], [0xff, 0x1f], [0]), 1), /copy run 256 back at voxel 0/);
    // copy-behind (symbol 1) reaching before the column: 15 voxels in, 16 back
    expectDecodeError(frame(payload([1], [0], [1, 0, 2, 0], [14, 0], [2, 1]), 1), /copy run 16 back at voxel 15/);
    expectDecodeError(frame(payload([7], [], [], [], []), 1), /unknown section kind/);
    expectDecodeError(frame(payload([0], [], [1, 0, 9], [], []), 1), /left over/);
    expectDecodeError(frame(payload([1], [0xff, 0x1f], [], [], []), 1), /palette of 4097/);
  });

  it('rejects every truncation of a valid column', () => {
    const bytes = encodeColumn(columnSections(generateColumn(9, 1, 1, { sections: 6 })), node);
    for (let n = 0; n < bytes.length; n++) expectDecodeError(bytes.subarray(0, n));
  });

  it('rejects a valid column with trailing bytes after its zstd frame or a changed checksum', () => {
    const bytes = encodeColumn(columnSections(generateColumn(9, 1, 1, { sections: 6 })), node);
    const changed = bytes.slice();
    changed[10] ^= 0x40;
    expectDecodeError(changed, /checksum/);
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expectDecodeError(longer, /1 bytes after the zstd frame/);
  });

  it('rejects a declared length of 4 GB without calling zstd', () => {
    const z = watched(node.zstd);
    const bytes = frame(payload([0], [], [0, 0], [], []), 1, 0xffffffff);
    expect(() => decodeColumn(bytes, { ...node, zstd: z })).toThrow(ChunkDecodeError);
    expect(z.calls).toBe(0);
  });

  it('stops zstd bombs: content beyond the declared length, or no declared content size (fzstd)', () => {
    const bomb = zlib.zstdCompressSync(new Uint8Array(64 << 20));
    expect(bomb.length).toBeLessThan(10_000);
    expectDecodeError(wrap(bomb, 1, 100), /zstd/);
    const streamed = zlib.zstdCompressSync(new Uint8Array(100), { params: { [zlib.constants.ZSTD_c_contentSizeFlag]: 0 } });
    expect(() => decodeColumn(wrap(streamed, 1, 100), browser)).toThrow(/content size/);
  });

  it('refuses a damaged frame by its frame check before zstd runs (this one costs fzstd about half a second)', () => {
    // Found by fuzzing: a column of ours with a few bytes of its zstd frame overwritten. fzstd decodes it to the
    // declared 2,789 bytes only after 0.5-2 s of work on this machine; other damaged frames take minutes.
    const damaged = new Uint8Array(readFileSync(new URL('../../fixtures/fzstd-slow-frame.zst', import.meta.url)));
    const good = encodeColumn(columnSections(generateColumn(1, 1, 0, { sections: 8 })), node);
    const spliced = new Uint8Array(CHUNK_HEADER_BYTES + damaged.length);
    spliced.set(good.subarray(0, CHUNK_HEADER_BYTES));
    spliced.set(damaged, CHUNK_HEADER_BYTES);
    for (const deps of [node, browser]) {
      const z = watched(deps.zstd);
      expect(() => decodeColumn(spliced, { ...deps, zstd: z })).toThrow(/frame check mismatch/);
      expect(z.calls).toBe(0);
    }
  });

  it('fuzz: 10,000 truncated, bit-flipped, overwritten, spliced, random and re-compressed inputs throw ChunkDecodeError or decode exactly', () => {
    const originals = [1, 2, 3].map((seed) => {
      const column = generateColumn(seed, seed, 0, { sections: 4 + seed * 4 });
      const bytes = encodeColumn(columnSections(column), node);
      return { column, bytes, payload: node.zstd.decompress(bytes.subarray(CHUNK_HEADER_BYTES), MAX_PAYLOAD) };
    });
    const zs = [watched(node.zstd), watched(browser.zstd)];
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }), n: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('overwrite' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
      fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ maxLength: 400 }), header: fc.boolean() }),
      // Damage inside the payload, compressed again and framed correctly: reaches the section decoder.
      fc.record({ kind: fc.constant('payload' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
    );
    let errors = 0, exact = 0;
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 1 }), mutation, (which, zi, m) => {
      const { column, bytes, payload } = originals[which];
      let input: Uint8Array;
      if (m.kind === 'truncate') input = bytes.slice(0, m.at % bytes.length);
      else if (m.kind === 'flip') {
        input = bytes.slice();
        for (let k = 0; k < m.n; k++) input[(m.at + k * 131) % input.length] ^= 1 << m.bit;
      } else if (m.kind === 'overwrite') {
        input = bytes.slice();
        input.set(m.bytes.subarray(0, Math.max(0, input.length - (m.at % input.length))), m.at % input.length);
      } else if (m.kind === 'payload') {
        const changed = payload.slice();
        changed.set(m.bytes.subarray(0, changed.length - (m.at % changed.length)), m.at % changed.length);
        const header = readColumnHeader(bytes);
        input = assembleColumn(header, node.zstd.compress(changed, 3), node.hasher);
      } else {
        input = m.header ? Uint8Array.from([...bytes.subarray(0, CHUNK_HEADER_BYTES + 4), ...m.bytes]) : m.bytes;
      }
      try {
        const got = decodeColumn(input, { ...node, zstd: zs[zi] });
        expect(firstDifference(got.voxels, column)).toBe(-1);
        exact++;
      } catch (err) {
        if (!(err instanceof ChunkDecodeError)) throw err;
        errors++;
      }
    }), { numRuns: 10_000 });
    expect(errors + exact).toBe(10_000);
    expect(errors).toBeGreaterThan(9_000);
    for (const z of zs) {
      expect(z.maxAsked).toBeLessThanOrEqual(MAX_PAYLOAD);
      expect(z.maxGot).toBeLessThanOrEqual(MAX_PAYLOAD);
    }
  });
});
