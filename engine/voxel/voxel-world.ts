/**
 * The voxel world: a map of columns keyed by chunk coordinates, each column a stack of sections (bottom first)
 * held in a {@link SectionStore}. World y runs from 0 to `height - 1`; below 0 reads as bedrock, above the top and
 * in columns that are not loaded reads as air.
 */
import type { LightState } from '../light/world-light.ts';
import { Block, type BlockRegistry, createBlockRegistry } from './blocks.ts';
import { DIRTY_MESH, DIRTY_NET, SECTION_SIZE, voxelIndex } from './section.ts';
import {
  NO_SECTION, type SectionStore, allocSection, createSectionStore, markSection, releaseSection, sectionVoxels,
} from './section-store.ts';

/** Largest |chunk coordinate| a key can hold. */
export const MAX_CHUNK_COORD = 32767;

/** One column of sections. */
export interface Column {
  /** Chunk x (block x >> 4). */
  readonly cx: number;
  /** Chunk z (block z >> 4). */
  readonly cz: number;
  /** Section id per section y, bottom first; {@link NO_SECTION} where the section is all air. */
  readonly sections: Int32Array;
}

/** The voxel world. Plain data; functions below take it as their first argument. */
export interface VoxelWorld {
  /** Block flags and names. */
  readonly blocks: BlockRegistry;
  /** Sections per column. */
  readonly columnSections: number;
  /** Height in blocks (columnSections * 16). */
  readonly height: number;
  /** Voxel memory. */
  readonly store: SectionStore;
  /** Loaded columns by {@link chunkKey}. Iterate with {@link sortedColumnKeys} when order matters. */
  readonly columns: Map<number, Column>;
  /**
   * Sky and block light bookkeeping, once light is on (engine/light/world-light.ts: `enableLight`, `lightAt`);
   * block edits and unloads are reported to it.
   */
  light?: LightState;
}

/** Options of {@link createVoxelWorld}. */
export interface VoxelWorldOptions {
  /** Sections per column, 1..64 (default 16: 256 blocks high). */
  columnSections?: number;
  /** Block registry (default: the default blocks). */
  blocks?: BlockRegistry;
  /** Existing section memory, e.g. attached in a worker (default: a new store). */
  store?: SectionStore;
}

/** Creates an empty voxel world. */
export function createVoxelWorld(options: VoxelWorldOptions = {}): VoxelWorld {
  const columnSections = options.columnSections ?? 16;
  if (!Number.isInteger(columnSections) || columnSections < 1 || columnSections > 64) {
    throw new RangeError(`columnSections must be an integer in 1..64, got ${columnSections}`);
  }
  return {
    blocks: options.blocks ?? createBlockRegistry(),
    columnSections,
    height: columnSections * SECTION_SIZE,
    store: options.store ?? createSectionStore(),
    columns: new Map(),
  };
}

/** Packs chunk coordinates into one number; ordering keys orders by cx, then cz. */
export function chunkKey(cx: number, cz: number): number {
  return (cx + 32768) * 65536 + (cz + 32768);
}

/** Unpacks a {@link chunkKey}. */
export function chunkFromKey(key: number): [cx: number, cz: number] {
  return [Math.floor(key / 65536) - 32768, (key % 65536) - 32768];
}

/** The loaded column at chunk (cx, cz), if any. */
export function getColumn(world: VoxelWorld, cx: number, cz: number): Column | undefined {
  return world.columns.get(chunkKey(cx, cz));
}

/** Returns the column at (cx, cz), creating an all-air one if it is not loaded. */
export function ensureColumn(world: VoxelWorld, cx: number, cz: number): Column {
  if (Math.abs(cx) > MAX_CHUNK_COORD || Math.abs(cz) > MAX_CHUNK_COORD) {
    throw new RangeError(`chunk (${cx}, ${cz}) is outside -${MAX_CHUNK_COORD}..${MAX_CHUNK_COORD}`);
  }
  const key = chunkKey(cx, cz);
  let col = world.columns.get(key);
  if (!col) {
    col = { cx, cz, sections: new Int32Array(world.columnSections).fill(NO_SECTION) };
    world.columns.set(key, col);
  }
  return col;
}

/** Unloads a column and frees its sections. */
export function removeColumn(world: VoxelWorld, cx: number, cz: number): void {
  const key = chunkKey(cx, cz);
  const col = world.columns.get(key);
  if (!col) return;
  world.light?.unloading(col);
  for (const id of col.sections) if (id !== NO_SECTION) releaseSection(world.store, id);
  world.columns.delete(key);
}

/** Returns the section id at section y of a column, allocating an all-air section if there is none. */
export function ensureSection(world: VoxelWorld, col: Column, sy: number): number {
  let id = col.sections[sy];
  if (id === NO_SECTION) {
    id = allocSection(world.store);
    col.sections[sy] = id;
  }
  return id;
}

/** Column keys in ascending order: the defined iteration order for simulation and hashing. */
export function sortedColumnKeys(world: VoxelWorld): number[] {
  return [...world.columns.keys()].sort((a, b) => a - b);
}

/** The block id at world block coordinates (integers). */
export function getBlock(world: VoxelWorld, x: number, y: number, z: number): number {
  if (y < 0) return Block.Bedrock;
  if (y >= world.height) return Block.Air;
  const col = world.columns.get(chunkKey(x >> 4, z >> 4));
  if (!col) return Block.Air;
  const id = col.sections[y >> 4];
  if (id === NO_SECTION) return Block.Air;
  return sectionVoxels(world.store, id)[voxelIndex(x & 15, y & 15, z & 15)];
}

/** True when (x, y, z) is inside the world's height and in a loaded column. */
export function isLoaded(world: VoxelWorld, x: number, y: number, z: number): boolean {
  return y >= 0 && y < world.height && world.columns.has(chunkKey(x >> 4, z >> 4));
}

/**
 * Sets the block at (x, y, z) and returns the previous id. Marks the section DIRTY_MESH | DIRTY_NET, and the
 * neighbouring sections DIRTY_MESH when the block is on a section border. Throws when the position is not loaded.
 */
export function setBlock(world: VoxelWorld, x: number, y: number, z: number, block: number): number {
  if (!isLoaded(world, x, y, z)) throw new RangeError(`setBlock: (${x}, ${y}, ${z}) is outside the loaded world`);
  const col = world.columns.get(chunkKey(x >> 4, z >> 4))!;
  const sy = y >> 4;
  let id = col.sections[sy];
  if (id === NO_SECTION) {
    if (block === Block.Air) return Block.Air;
    id = ensureSection(world, col, sy);
  }
  const voxels = sectionVoxels(world.store, id);
  const i = voxelIndex(x & 15, y & 15, z & 15);
  const prev = voxels[i];
  if (prev === block) return prev;
  voxels[i] = block;
  markSection(world.store, id, DIRTY_NET);
  markBlockForMesh(world, x, y, z);
  return prev;
}

/**
 * Marks DIRTY_MESH on the section holding block (x, y, z) and, when the block is on a section border, on the
 * neighbouring section across that border, and reports the change to the world's light when it is on. For writers
 * that change voxels without {@link setBlock} (such as a client applying a section update from the server).
 */
export function markBlockForMesh(world: VoxelWorld, x: number, y: number, z: number): void {
  world.light?.edited(x, y, z);
  markNeighbourMesh(world, x, y, z);
  const lx = x & 15, ly = y & 15, lz = z & 15;
  if (lx === 0) markNeighbourMesh(world, x - 1, y, z);
  if (lx === 15) markNeighbourMesh(world, x + 1, y, z);
  if (ly === 0) markNeighbourMesh(world, x, y - 1, z);
  if (ly === 15) markNeighbourMesh(world, x, y + 1, z);
  if (lz === 0) markNeighbourMesh(world, x, y, z - 1);
  if (lz === 15) markNeighbourMesh(world, x, y, z + 1);
}

function markNeighbourMesh(world: VoxelWorld, x: number, y: number, z: number): void {
  if (y < 0 || y >= world.height) return;
  const col = world.columns.get(chunkKey(x >> 4, z >> 4));
  const id = col?.sections[y >> 4];
  if (id !== undefined && id !== NO_SECTION) markSection(world.store, id, DIRTY_MESH);
}
