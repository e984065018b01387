/**
 * Terrain generation job, the contract. Reads: nothing but its config. Writes: the voxels of the listed sections,
 * in place in the owner's SAB slabs (the sections must be allocated and zeroed by the owner beforehand).
 */
import type { TerrainConfig } from '../engine/voxel/terrain/generator.ts';
import type { SectionStoreHandles } from '../engine/voxel/section-store.ts';
import type { JobRef } from './pool.ts';

/** One column to generate. */
export interface TerrainColumnTask {
  /** Chunk x. */
  cx: number;
  /** Chunk z. */
  cz: number;
  /** Section id per section y (bottom first); -1 for sections left as air. */
  sectionIds: number[];
}

/** A batch of columns for one worker. */
export interface TerrainTask {
  /** The generator config. */
  config: TerrainConfig;
  /** The owner's section slabs (shared, not copied). */
  handles: SectionStoreHandles;
  /** Columns to fill. */
  columns: TerrainColumnTask[];
}

/** The job: `generateTerrain` in terrain.worker.ts; resolves to the number of columns filled. */
export const TERRAIN_JOB: JobRef = {
  module: new URL('./terrain.worker.ts', import.meta.url).href,
  name: 'generateTerrain',
};
