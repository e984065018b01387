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
import type { ByteReader, ByteWriter } from './byte-io.ts';

/** Voxels in a section. */
export const VOLUME = 4096;
/** Most sections in a column. */
export const MAX_SECTIONS = 64;
/** Voxels in one y layer of a section; the copy symbol's distance. */
export const LAYER = 256;

/** Voxels in one x row; the copy-behind symbol's distance. */
export const ROW = 16;

/** RLE symbols below these are copies; symbol k + {@link FIRST_PALETTE_SYMBOL} is palette entry k. */
export const CopySymbol = {
  /** Copy the voxels 256 back (the layer below). */
  Below: 0,
  /** Copy the voxels 16 back (the row behind, z - 1). */
  Behind: 1,
} as const;

/** First RLE symbol naming a palette entry. */
export const FIRST_PALETTE_SYMBOL = 2;

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


/** Bits per packed index for a palette of `n` entries. */
export function bitsFor(n: number): number {
  return n <= 2 ? 1 : 32 - Math.clz32(n - 1);
}
