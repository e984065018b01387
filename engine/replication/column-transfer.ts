/**
 * Moving whole columns between a voxel world and the chunk codec: encode a loaded column for ChunkData, and write
 * a decoded column into a (client's) voxel world, allocating memory only for sections that are not all air.
 */
import { encodeColumn, decodeColumn, readColumnHeader, type ChunkCodecDeps, type DecodedColumn, type EncodeColumnOptions } from '../codec/chunk-codec.ts';
import { hex64 } from '../hash.ts';
import { SECTION_VOLUME } from '../voxel/section.ts';
import { NO_SECTION, markSection, releaseSection, sectionVoxels, sectionViews } from '../voxel/section-store.ts';
import { DIRTY_MESH } from '../voxel/section.ts';
import { ensureColumn, ensureSection, getColumn, type VoxelWorld } from '../voxel/voxel-world.ts';

/** An encoded column ready for a ChunkData message. */
export interface EncodedColumn {
  /** Codec bytes. */
  data: Uint8Array;
  /** xxhash64 of the voxels, 16 hex digits (also inside `data`). */
  checksum: string;
}

/** Encodes the loaded column (cx, cz); throws when it is not loaded. */
export function encodeWorldColumn(world: VoxelWorld, cx: number, cz: number, deps: ChunkCodecDeps, options?: EncodeColumnOptions): EncodedColumn {
  const col = getColumn(world, cx, cz);
  if (!col) throw new RangeError(`column (${cx}, ${cz}) is not loaded`);
  const sections = sectionViews(world.store, col.sections);
  const data = encodeColumn(sections, deps, options);
  return { data, checksum: hex64(readColumnHeader(data).checksum) };
}

/**
 * Decodes `data` (validating it fully: a bad column throws ChunkDecodeError and changes nothing) and stores it
 * as column (cx, cz), replacing what was there. Sections are marked DIRTY_MESH.
 */
export function storeDecodedColumn(world: VoxelWorld, cx: number, cz: number, data: Uint8Array, deps: ChunkCodecDeps): void {
  storeColumn(world, cx, cz, decodeColumn(data, deps, { maxSections: world.columnSections }));
}

/** Stores an already decoded column (e.g. decoded in a worker pool) as column (cx, cz); sections marked DIRTY_MESH. */
export function storeColumn(world: VoxelWorld, cx: number, cz: number, decoded: DecodedColumn): void {
  if (decoded.sectionCount !== world.columnSections) {
    throw new RangeError(`column (${cx}, ${cz}) has ${decoded.sectionCount} sections; this world has ${world.columnSections}`);
  }
  const old = getColumn(world, cx, cz);
  if (old) world.light?.unloading(old); // its light leaves its neighbours; the new blocks are lit whole later
  const col = ensureColumn(world, cx, cz);
  for (let sy = 0; sy < decoded.sectionCount; sy++) {
    if (decoded.uniform[sy] === 0) {
      if (col.sections[sy] !== NO_SECTION) { releaseSection(world.store, col.sections[sy]); col.sections[sy] = NO_SECTION; }
      continue;
    }
    const id = ensureSection(world, col, sy);
    sectionVoxels(world.store, id).set(decoded.voxels.subarray(sy * SECTION_VOLUME, (sy + 1) * SECTION_VOLUME));
    markSection(world.store, id, DIRTY_MESH);
  }
}
