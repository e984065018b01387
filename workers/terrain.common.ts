/**
 * Terrain generation job, the contract. Reads: nothing but its config. Writes: the voxels of the listed sections,
 * in place in the owner's SAB slabs (the sections must be allocated and zeroed by the owner beforehand).
 */
import type { ColumnFiller, TerrainConfig } from '../engine/voxel/terrain/generator.ts';
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

/** A user generator run on the owner thread: a function (it cannot cross to a worker). */
export interface FunctionGenerator {
  /** Generator kind. */
  kind: 'function';
  /** Fills one column. */
  fill: ColumnFiller;
  /** One above the highest y it fills, blocks (default the world's height): sections above stay unallocated air. */
  top?: number;
}

/**
 * A user generator the pool's workers load: the module at URL `module` (e.g. `new URL('./gen.ts',
 * import.meta.url).href`) exports `name`, a {@link ColumnFiller}, which gets `options` (plain data) as its last argument.
 */
export interface ModuleGenerator {
  /** Generator kind. */
  kind: 'module';
  /** URL of the module. */
  module: string;
  /** Name of its exported {@link ColumnFiller}. */
  name: string;
  /** Plain data passed to every call (structured-cloned to the workers). */
  options?: unknown;
  /** One above the highest y it fills, blocks (default the world's height). */
  top?: number;
}

/** A world generator: a built-in terrain config (run in the pool), a function, or a module the pool loads. */
export type WorldGenerator = TerrainConfig | FunctionGenerator | ModuleGenerator;

/** A batch of columns for one worker. */
export interface TerrainTask {
  /** The generator config. */
  config: TerrainConfig;
  /** The owner's section slabs (shared, not copied). */
  handles: SectionStoreHandles;
  /** Columns to fill. */
  columns: TerrainColumnTask[];
}

/** A batch of columns for a module generator. */
export interface ModuleTerrainTask {
  /** The generator to load. */
  generator: ModuleGenerator;
  /** The owner's section slabs (shared, not copied). */
  handles: SectionStoreHandles;
  /** Columns to fill. */
  columns: TerrainColumnTask[];
}

/** The job for a {@link ModuleGenerator}: `generateTerrainWithModule` in terrain.worker.ts. */
export const MODULE_TERRAIN_JOB: JobRef = {
  module: new URL('./terrain.worker.ts', import.meta.url).href,
  name: 'generateTerrainWithModule',
};

/** The job: `generateTerrain` in terrain.worker.ts; resolves to the number of columns filled. */
export const TERRAIN_JOB: JobRef = {
  module: new URL('./terrain.worker.ts', import.meta.url).href,
  name: 'generateTerrain',
};
