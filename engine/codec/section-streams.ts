/**
 * One section in the chunk codec's grouped streams. A column payload keeps each kind of byte in its own stream
 * (so that zstd sees similar bytes together); a section writes into them in this order:
 *
 * - `kinds`: one byte, {@link SectionKind}.
 * - Uniform: `ids` gets the single id (uint16 LE). Nothing else.
 * - Otherwise `meta` gets varint(paletteLength - 2) and `ids` the palette (uint16 LE each, most frequent first),
 *   then the indices, either
 *   - RLE: tokens until the section's 4096 voxels are covered, each `runs` varint(length - 1) and `symbols`
 *     varint(symbol): symbol 0 copies, voxel by voxel, from 256 positions back in the column (the layer below,
 *     which may be the top layer of the section below), symbol 1 from 16 back (the row behind); a copy may not
 *     reach before the column's first voxel. Symbol k >= 2 is palette entry k - 2;
 *   - bit-packed: `packed` gets 512 * bits bytes, bits = max(1, ceil(log2(paletteLength))), index i at bit
 *     i * bits, least significant bit first.
 *
 * The encoder writes RLE when its token bytes are fewer than the packed bytes.
 */
import {
  type ByteReader, type ByteWriter, createByteWriter, readU16, readU8, readVarint, reserve, writeU16, writeU8, writeVarint,
} from './byte-io.ts';
import { ChunkDecodeError } from './chunk-decode-error.ts';

/** Voxels in a section. */
const VOLUME = 4096;
/** Voxels in one y layer of a section; the copy symbol's distance. */
const LAYER = 256;

/** Voxels in one x row; the copy-behind symbol's distance. */
const ROW = 16;

/** RLE symbols below these are copies; symbol k + {@link FIRST_PALETTE_SYMBOL} is palette entry k. */
const CopySymbol = {
  /** Copy the voxels 256 back (the layer below). */
  Below: 0,
  /** Copy the voxels 16 back (the row behind, z - 1). */
  Behind: 1,
} as const;

/** First RLE symbol naming a palette entry. */
const FIRST_PALETTE_SYMBOL = 2;

/** How one section is stored (the byte in the `kinds` stream). */
export const SectionKind = {
  /** One id fills the section. */
  Uniform: 0,
  /** Palette, then RLE tokens. */
  Rle: 1,
  /** Palette, then bit-packed indices. */
  Packed: 2,
} as const;

/** The streams of a column payload, in payload order. */
export interface SectionStreams {
  /** One {@link SectionKind} byte per section. */
  kinds: ByteWriter;
  /** varint(paletteLength - 2) per non-uniform section. */
  meta: ByteWriter;
  /** Uniform ids and palettes, uint16 LE. */
  ids: ByteWriter;
  /** RLE run lengths minus one, varints. */
  runs: ByteWriter;
  /** RLE symbols, varints. */
  symbols: ByteWriter;
  /** Bit-packed palette indices. */
  packed: ByteWriter;
}

/** The stream readers of a payload being decoded (same roles as {@link SectionStreams}). */
export interface SectionReaders {
  /** Section kinds. */
  kinds: ByteReader;
  /** Palette lengths. */
  meta: ByteReader;
  /** Uniform ids and palettes. */
  ids: ByteReader;
  /** Run lengths. */
  runs: ByteReader;
  /** Run symbols. */
  symbols: ByteReader;
  /** Packed indices. */
  packed: ByteReader;
}

/** Reusable encoder memory (about 300 KB); one per thread, never shared between concurrent encodes. */
export interface SectionScratch {
  /** Palette slot + 1 per block id while a section is being encoded; 0 elsewhere (kept zeroed between sections). */
  slot: Int32Array;
  /** Palette being built, in first-seen order. */
  palette: Uint16Array;
  /** Literal tokens per palette entry. */
  counts: Int32Array;
  /** Palette order by count (indices into `palette`). */
  order: number[];
  /** Rank (final index + 1) of each first-seen palette entry. */
  rank: Uint16Array;
  /** Token lengths of the current section. */
  tokenLength: Uint16Array;
  /** Token symbols of the current section (copy symbols, or first-seen palette index + 2). */
  tokenSymbol: Uint16Array;
  /** The top layer of the section below, then the section being encoded (copy sources and targets in one array). */
  window: Uint16Array;
  /** The column's streams, emptied at the start of each column. */
  streams: SectionStreams;
  /** The joined payload of the current column. */
  payload: ByteWriter;
}

/** Allocates encoder scratch memory. */
export function createSectionScratch(): SectionScratch {
  return {
    slot: new Int32Array(65536),
    palette: new Uint16Array(VOLUME),
    counts: new Int32Array(VOLUME),
    order: [],
    rank: new Uint16Array(VOLUME + 1),
    tokenLength: new Uint16Array(VOLUME),
    tokenSymbol: new Uint16Array(VOLUME),
    window: new Uint16Array(LAYER + VOLUME),
    streams: {
      kinds: createByteWriter(64), meta: createByteWriter(64), ids: createByteWriter(1024),
      runs: createByteWriter(8192), symbols: createByteWriter(8192), packed: createByteWriter(1024),
    },
    payload: createByteWriter(16384),
  };
}

/** The single id of `voxels` when all 4096 are equal, else -1. */
export function uniformValue(voxels: Uint16Array): number {
  const v = voxels[0];
  if ((voxels.byteOffset & 3) === 0) {
    // Two voxels per compare.
    const w = new Uint32Array(voxels.buffer, voxels.byteOffset, VOLUME / 2);
    const vv = (v | (v << 16)) >>> 0;
    for (let i = 0; i < VOLUME / 2; i++) if (w[i] !== vv) return -1;
    return v;
  }
  for (let i = 1; i < VOLUME; i++) if (voxels[i] !== v) return -1;
  return v;
}

/**
 * Writes one non-uniform section. `below` is the section under it (4096 ids; for a uniform section, an array
 * filled with its id) or null for the column's bottom section.
 *
 * One greedy pass makes the RLE tokens; the palette holds only the ids of literal runs (ids reached only through
 * copy-below runs need no entry), ordered by token count, most used first, so that common symbols are small. The
 * bit-packed form, which needs every id in its palette, is built only when the tokens are not smaller than it.
 */
export function encodeSection(out: SectionStreams, s: SectionScratch, voxels: Uint16Array, below: Uint16Array | null): void {
  const { slot, palette, counts, rank } = s;
  const tokens = tokenize(s, voxels, below);
  let n = s.order.length;
  if (n < 2) n = growPalette(s, voxels, 2); // a palette has at least 2 entries
  rankPalette(s, n);
  let rleBytes = 0;
  const { tokenLength, tokenSymbol } = s;
  for (let t = 0; t < tokens; t++) {
    rleBytes += (tokenLength[t] <= 0x80 ? 1 : 2) + (symbolOf(rank, tokenSymbol[t]) < 0x80 ? 1 : 2);
  }
  if (rleBytes >= bitsFor(n) * 512) {
    n = growPalette(s, voxels, VOLUME);
    rankPalette(s, n);
  }
  writeVarint(out.meta, n - 2);
  reserve(out.ids, n * 2);
  for (let r = 0; r < n; r++) writeU16(out.ids, palette[s.order[r]]);
  if (rleBytes < bitsFor(n) * 512) {
    writeU8(out.kinds, SectionKind.Rle);
    // Lengths (<= 4096) and symbols (<= 4097) fit in two varint bytes each.
    reserve(out.runs, 2 * tokens);
    reserve(out.symbols, 2 * tokens);
    const rb = out.runs.buf, sb = out.symbols.buf;
    let rp = out.runs.length, sp = out.symbols.length;
    for (let t = 0; t < tokens; t++) {
      const len = tokenLength[t] - 1, sym = symbolOf(rank, tokenSymbol[t]);
      if (len < 0x80) rb[rp++] = len;
      else {
        rb[rp++] = (len & 0x7f) | 0x80;
        rb[rp++] = len >>> 7;
      }
      if (sym < 0x80) sb[sp++] = sym;
      else {
        sb[sp++] = (sym & 0x7f) | 0x80;
        sb[sp++] = sym >>> 7;
      }
    }
    out.runs.length = rp;
    out.symbols.length = sp;
  } else {
    writeU8(out.kinds, SectionKind.Packed);
    for (let k = 0; k < n; k++) slot[palette[k]] = rank[k + 1];
    pack(out.packed, slot, voxels, bitsFor(n));
  }
  for (let k = 0; k < n; k++) slot[palette[k]] = 0;
  counts.fill(0, 0, n);
}

/** The final symbol of a token whose symbol was made with first-seen palette indices. */
function symbolOf(rank: Uint16Array, sym: number): number {
  return sym < FIRST_PALETTE_SYMBOL ? sym : rank[sym - FIRST_PALETTE_SYMBOL + 1] - 1 + FIRST_PALETTE_SYMBOL;
}

/** Orders the first `n` palette entries by count (ties by id) into `order`, and sets `rank`. */
function rankPalette(s: SectionScratch, n: number): void {
  const { order, counts, palette, rank } = s;
  order.length = n;
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((a, b) => counts[b] - counts[a] || palette[a] - palette[b]);
  rank[0] = 0;
  for (let r = 0; r < n; r++) rank[order[r] + 1] = r + 1;
}

/** Adds ids of `voxels` missing from the palette until it has `want` entries or all of them; returns its size. */
function growPalette(s: SectionScratch, voxels: Uint16Array, want: number): number {
  const { slot, palette, counts } = s;
  let n = s.order.length;
  for (let i = 0; i < VOLUME && n < want; i++) {
    const id = voxels[i];
    if (slot[id] === 0) {
      palette[n] = id;
      counts[n] = 0;
      slot[id] = ++n;
    }
  }
  if (n < want && want === 2) {
    // Only one id in the section (callers encode such sections as uniform; this keeps the format's rule anyway).
    palette[n] = palette[0] === 0 ? 1 : 0;
    counts[n] = 0;
    slot[palette[n]] = ++n;
  }
  s.order.length = n;
  return n;
}

/**
 * Greedy RLE with the copy symbols into the scratch token arrays: at each position, the longest of the literal
 * run, the copy-below run and the copy-behind run (ties in that order). Literal ids enter the palette as first seen
 * (`s.order.length` becomes the palette size). Returns the token count.
 */
function tokenize(s: SectionScratch, v: Uint16Array, below: Uint16Array | null): number {
  const { slot, palette, counts, tokenLength, tokenSymbol, window: w } = s;
  // One array holding the top layer of the section below, then this section: voxel x is w[x + LAYER], and every
  // copy source is in the same array. Without a section below, copies may not start before voxel `d`.
  if (below !== null) w.set(below.subarray(VOLUME - LAYER), 0);
  w.set(v, LAYER);
  const lo = below !== null ? 0 : LAYER;
  const END = VOLUME + LAYER;
  let n = 0, t = 0;
  for (let i = LAYER; i < END;) {
    const id = w[i];
    let j = i + 1;
    while (j < END && w[j] === id) j++;
    // A copy run only wins if it gets past the end of the longer run so far, so it must match there too: that
    // one-voxel test skips most scans.
    let down = i;
    if (j < END && i - LAYER >= lo && w[j] === w[j - LAYER]) {
      while (down < END && w[down] === w[down - LAYER]) down++;
    }
    const m = down > j ? down : j;
    let back = i;
    if (m < END && i - ROW >= lo && w[m] === w[m - ROW]) {
      while (back < END && w[back] === w[back - ROW]) back++;
    }
    if (down > j && down >= back) {
      tokenLength[t] = down - i;
      tokenSymbol[t++] = CopySymbol.Below;
      i = down;
    } else if (back > j) {
      tokenLength[t] = back - i;
      tokenSymbol[t++] = CopySymbol.Behind;
      i = back;
    } else {
      let k = slot[id];
      if (k === 0) {
        palette[n] = id;
        k = slot[id] = ++n;
      }
      counts[k - 1]++;
      tokenLength[t] = j - i;
      tokenSymbol[t++] = k - 1 + FIRST_PALETTE_SYMBOL;
      i = j;
    }
  }
  s.order.length = n;
  return t;
}

/** Bits per packed index for a palette of `n` entries. */
export function bitsFor(n: number): number {
  return n <= 2 ? 1 : 32 - Math.clz32(n - 1);
}

function pack(w: ByteWriter, slot: Int32Array, voxels: Uint16Array, bits: number): void {
  reserve(w, bits * 512);
  const b = w.buf;
  let p = w.length, acc = 0, have = 0;
  for (let i = 0; i < VOLUME; i++) {
    acc |= (slot[voxels[i]] - 1) << have;
    have += bits;
    while (have >= 8) {
      b[p++] = acc & 255;
      acc >>>= 8;
      have -= 8;
    }
  }
  w.length = p; // 4096 * bits is a multiple of 8: nothing is left in acc
}

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
