/**
 * Section geometry: a section is a 16x16x16 cube of block ids, stored as 4096 uint16 values at index
 * `y << 8 | z << 4 | x` (x fastest), with x, y, z local in 0..15.
 */

/** Edge length of a section in blocks. */
export const SECTION_SIZE = 16;

/** Blocks in a section. */
export const SECTION_VOLUME = 4096;

/** Bytes of a section's voxel data (uint16 ids). */
export const SECTION_BYTES = SECTION_VOLUME * 2;

/** Index of local block (x, y, z) in a section's array. */
export function voxelIndex(x: number, y: number, z: number): number {
  return (y << 8) | (z << 4) | x;
}

/** Section dirty flag bits. */
export const Dirty = {
  /** The section's mesh must be rebuilt. */
  Mesh: 1,
  /** The section changed since it was last replicated. */
  Net: 2,
} as const;

/** {@link Dirty.Mesh}, for call sites that read better with a constant. */
export const DIRTY_MESH = Dirty.Mesh;
/** {@link Dirty.Net}. */
export const DIRTY_NET = Dirty.Net;
