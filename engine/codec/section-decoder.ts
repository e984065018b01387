/** The section decoder: one section out of the column's streams (format in `section-format.ts`), fully validated. */
import { type ByteReader, readU16, readU8, readVarint } from './byte-io.ts';
import { ChunkDecodeError } from './chunk-decode-error.ts';
import {
  bitsFor, CopySymbol, FIRST_PALETTE_SYMBOL, LAYER, ROW, SectionKind, type SectionReaders, VOLUME,
} from './section-format.ts';

/**
 * Decodes one section into `out[base, base + 4096)` (`out` is the whole column, so that copy symbols can read the
 * layer below). Returns the uniform id, or -1 when the section is not uniform.
 */
export function decodeSection(r: SectionReaders, out: Uint16Array, base: number, palette: Uint16Array): number {
  const kind = readU8(r.kinds);
  if (kind === SectionKind.Uniform) {
    const id = readU16(r.ids);
    out.fill(id, base, base + VOLUME);
    return id;
  }
  if (kind !== SectionKind.Rle && kind !== SectionKind.Packed) throw new ChunkDecodeError(`unknown section kind ${kind}`);
  const n = readVarint(r.meta) + 2;
  if (n > VOLUME) throw new ChunkDecodeError(`palette of ${n} entries (at most ${VOLUME})`);
  for (let k = 0; k < n; k++) palette[k] = readU16(r.ids);
  if (kind === SectionKind.Rle) decodeRuns(r, out, base, palette, n);
  else unpack(r.packed, out, base, palette, n);
  return -1;
}

function decodeRuns(r: SectionReaders, out: Uint16Array, base: number, palette: Uint16Array, n: number): void {
  // Hot loop: one-byte varints are read inline; longer ones go through readVarint.
  const runs = r.runs, syms = r.symbols;
  const rb = runs.bytes, sb = syms.bytes, rEnd = runs.end, sEnd = syms.end;
  const end = base + VOLUME;
  let p = base;
  while (p < end) {
    let len: number, sym: number;
    if (runs.pos < rEnd && rb[runs.pos] < 0x80) len = rb[runs.pos++] + 1;
    else len = readVarint(runs) + 1;
    if (syms.pos < sEnd && sb[syms.pos] < 0x80) sym = sb[syms.pos++];
    else sym = readVarint(syms);
    if (len > end - p) throw new ChunkDecodeError(`run of ${len} overflows the section at voxel ${p - base}`);
    const q = p + len;
    if (sym < FIRST_PALETTE_SYMBOL) {
      const d = sym === CopySymbol.Below ? LAYER : ROW;
      if (p < d) throw new ChunkDecodeError(`copy run ${d} back at voxel ${p} of the column`);
      if (len >= 64 && len <= d) out.copyWithin(p, p - d, q);
      else for (; p < q; p++) out[p] = out[p - d];
    } else {
      const k = sym - FIRST_PALETTE_SYMBOL;
      if (k >= n) throw new ChunkDecodeError(`palette index ${k} past a palette of ${n}`);
      const id = palette[k];
      if (len >= 32) out.fill(id, p, q);
      else for (; p < q; p++) out[p] = id;
    }
    p = q;
  }
}

function unpack(r: ByteReader, out: Uint16Array, base: number, palette: Uint16Array, n: number): void {
  const bits = bitsFor(n);
  const bytes = bits * 512;
  if (r.pos + bytes > r.end) throw new ChunkDecodeError(`${r.what}: truncated`);
  const b = r.bytes, mask = (1 << bits) - 1;
  let p = r.pos, acc = 0, have = 0, bad = 0;
  for (let i = 0; i < VOLUME; i++) {
    while (have < bits) {
      acc |= b[p++] << have;
      have += 8;
    }
    const k = acc & mask;
    acc >>>= bits;
    have -= bits;
    bad |= k >= n ? 1 : 0;
    out[base + i] = palette[k];
  }
  r.pos = p;
  if (bad) throw new ChunkDecodeError(`packed palette index past a palette of ${n}`);
}
