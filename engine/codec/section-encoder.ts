/**
 * The section encoder: one section into the column's streams (format in `section-format.ts`). Pure apart from the
 * caller's scratch memory.
 */
import { type ByteWriter, createByteWriter, reserve, writeU16, writeU8, writeVarint } from './byte-io.ts';
import {
  bitsFor, CopySymbol, FIRST_PALETTE_SYMBOL, LAYER, MAX_SECTIONS, ROW, SectionKind, type SectionStreams, VOLUME,
} from './section-format.ts';

/** Reusable encoder memory (about 300 KB plus 8 KB per section of the tallest column); one per thread, never shared between concurrent encodes. */
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
  /**
   * A private snapshot of the column being encoded, sections back to back (grown by {@link reserveColumn}): the
   * bytes, the copy sources and the checksum all come from it, so they agree even if the shared input changes.
   */
  column: Uint16Array;
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
    column: new Uint16Array(0),
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

/** Makes room in `s.column` for a column of `sections` (1..64) sections. */
export function reserveColumn(s: SectionScratch, sections: number): void {
  if (sections < 1 || sections > MAX_SECTIONS) throw new RangeError(`a column has 1..${MAX_SECTIONS} sections, got ${sections}`);
  if (s.column.length < sections * VOLUME) s.column = new Uint16Array(sections * VOLUME);
}

/**
 * Copies section `index` of a column (null: all air) into the scratch snapshot `s.column` and returns its view
 * there. Load every section, bottom first, before encoding it.
 */
export function loadSection(s: SectionScratch, index: number, voxels: Uint16Array | null): Uint16Array {
  const view = s.column.subarray(index * VOLUME, (index + 1) * VOLUME);
  if (voxels === null) view.fill(0);
  else view.set(voxels);
  return view;
}

/**
 * Writes the non-uniform section `index` of the snapshot in `s.column` (see {@link loadSection}); copies read the
 * sections below it there, and never reach before the column's first voxel.
 *
 * One greedy pass makes the RLE tokens; the palette holds only the ids of literal runs (ids reached only through
 * copy runs need no entry), ordered by token count, most used first, so that common symbols are small. The
 * bit-packed form, which needs every id in its palette, is built only when the tokens are not smaller than it.
 */
export function encodeSection(out: SectionStreams, s: SectionScratch, index: number): void {
  const { slot, palette, counts, rank } = s;
  const voxels = s.column.subarray(index * VOLUME, (index + 1) * VOLUME);
  const tokens = tokenize(s, index * VOLUME);
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
 * Greedy RLE with the copy symbols into the scratch token arrays: at each position, the longest of the copy-below
 * run, the copy-behind run and the literal run (ties in that order). Literal ids enter the palette as first seen
 * (`s.order.length` becomes the palette size). Returns the token count.
 */
function tokenize(s: SectionScratch, base: number): number {
  const { slot, palette, counts, tokenLength, tokenSymbol, column: w } = s;
  // The section is w[base, base + 4096); copy sources are in the same array, never before index 0.
  const END = base + VOLUME;
  let n = 0, t = 0;
  for (let i = base; i < END;) {
    const id = w[i];
    let j = i + 1;
    while (j < END && w[j] === id) j++;
    // Copies win ties with the literal run (measured: ~2.5% smaller on the corpus, copy symbols being more
    // predictable), so a copy is only worth scanning if it matches at the last voxel of the longest run so far:
    // that one-voxel test skips most scans.
    let down = i;
    if (i >= LAYER && w[j - 1] === w[j - 1 - LAYER]) {
      while (down < END && w[down] === w[down - LAYER]) down++;
    }
    const m = down > j ? down : j;
    let back = i;
    if (i >= ROW && w[m - 1] === w[m - 1 - ROW]) {
      while (back < END && w[back] === w[back - ROW]) back++;
    }
    if (down >= j && down >= back) {
      tokenLength[t] = down - i;
      tokenSymbol[t++] = CopySymbol.Below;
      i = down;
    } else if (back >= j) {
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

