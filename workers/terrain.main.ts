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
import {
  MODULE_TERRAIN_JOB, TERRAIN_JOB, type ModuleTerrainTask, type TerrainColumnTask, type TerrainTask, type WorldGenerator,
} from './terrain.common.ts';
import { loadFiller } from './terrain.worker.ts';

/** One above the highest y `g` fills, blocks, in a world `height` blocks tall. */
function topOf(g: WorldGenerator, height: number): number {
  if (g.kind !== 'function' && g.kind !== 'module') return terrainTop(g, height);
  const top = g.top ?? height;
  if (!Number.isInteger(top) || top < 0 || top > height) throw new RangeError(`generator top must be an integer in 0..${height} (the world's height), got ${top}`);
  return top;
}

function prepare(world: VoxelWorld, config: WorldGenerator, coords: readonly (readonly [number, number])[]): TerrainColumnTask[] {
  const topSection = Math.ceil(topOf(config, world.height) / 16);
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

/**
 * Generates columns with any world generator: a terrain config or a module generator through the pool when one is
 * given (else on this thread), a function generator on this thread (functions do not cross to workers).
 */
export async function generateWorld(
  world: VoxelWorld, generator: WorldGenerator, coords: readonly (readonly [number, number])[], pool?: WorkerPool,
): Promise<void> {
  if (generator.kind === 'function') {
    for (const col of prepare(world, generator, coords)) generator.fill(col.cx, col.cz, sectionViews(world.store, col.sectionIds));
    return;
  }
  if (generator.kind === 'module') {
    const columns = prepare(world, generator, coords);
    if (!pool) {
      const fill = await loadFiller(generator);
      for (const col of columns) fill(col.cx, col.cz, sectionViews(world.store, col.sectionIds), generator.options);
      return;
    }
    const batches = Math.min(columns.length, pool.threads * 4);
    const tasks: Promise<number>[] = [];
    for (let b = 0; b < batches; b++) {
      const task: ModuleTerrainTask = { generator, handles: world.store.handles, columns: columns.filter((_, i) => i % batches === b) };
      tasks.push(pool.run<ModuleTerrainTask, number>(MODULE_TERRAIN_JOB, task));
    }
    await Promise.all(tasks);
    return;
  }
  if (pool) await generateColumnsInPool(pool, world, generator, coords);
  else generateColumnsSync(world, generator, coords);
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
