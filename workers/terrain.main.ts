/**
 * Terrain generation job, the owner side: allocates the columns and sections on the owner thread (structural
 * changes stay here), then has the pool fill them in place.
 */
import type { VoxelWorld } from '../engine/voxel/voxel-world.ts';
import { ensureColumn, ensureSection } from '../engine/voxel/voxel-world.ts';
import { markSection, sectionViews } from '../engine/voxel/section-store.ts';
import { DIRTY_MESH, DIRTY_NET } from '../engine/voxel/section.ts';
import { generateColumn, terrainTop, type TerrainConfig } from '../engine/voxel/terrain/generator.ts';
import type { WorkerPool } from './pool.ts';
import { TERRAIN_JOB, type TerrainColumnTask, type TerrainTask } from './terrain.common.ts';

function prepare(world: VoxelWorld, config: TerrainConfig, coords: readonly (readonly [number, number])[]): TerrainColumnTask[] {
  const topSection = Math.ceil(terrainTop(config, world.height) / 16);
  return coords.map(([cx, cz]) => {
    const col = ensureColumn(world, cx, cz);
    for (let sy = 0; sy < topSection; sy++) {
      const id = ensureSection(world, col, sy);
      markSection(world.store, id, DIRTY_MESH | DIRTY_NET);
    }
    return { cx, cz, sectionIds: Array.from(col.sections) };
  });
}

/** Generates columns through the pool, in batches spread over its threads. Resolves when all are filled. */
export async function generateColumnsInPool(
  pool: WorkerPool, world: VoxelWorld, config: TerrainConfig, coords: readonly (readonly [number, number])[],
): Promise<void> {
  const columns = prepare(world, config, coords);
  const batches = Math.min(columns.length, pool.threads * 4);
  const tasks: Promise<number>[] = [];
  for (let b = 0; b < batches; b++) {
    const slice = columns.filter((_, i) => i % batches === b);
    const task: TerrainTask = { config, handles: world.store.handles, columns: slice };
    tasks.push(pool.run<TerrainTask, number>(TERRAIN_JOB, task));
  }
  await Promise.all(tasks);
}

/** The same work on the calling thread (tests, tiny worlds, and the browser before its pool is up). */
export function generateColumnsSync(world: VoxelWorld, config: TerrainConfig, coords: readonly (readonly [number, number])[]): void {
  for (const col of prepare(world, config, coords)) {
    generateColumn(config, col.cx, col.cz, sectionViews(world.store, col.sectionIds));
  }
}

/** Chunk coordinates of the square of columns within `radius` chunks of (cx, cz), in key order. */
export function squareAround(cx: number, cz: number, radius: number): [number, number][] {
  const out: [number, number][] = [];
  for (let x = cx - radius; x <= cx + radius; x++) for (let z = cz - radius; z <= cz + radius; z++) out.push([x, z]);
  return out;
}
