/**
 * Column light job, the owner side: the loaded columns without light go to the pool in batches; each result is
 * stored and merged with its neighbours on this thread when it comes back, unless the column was edited, replaced
 * or unloaded meanwhile (then it is lit again by a later call). Block edits are applied incrementally on this
 * thread first: one edit costs well under a millisecond (bench light), less than a round trip to a worker.
 */
import { applyColumnLight, columnsToLight, enableLight, updateLightEdits } from '../engine/light/world-light.ts';
import { SECTION_VOLUME } from '../engine/voxel/section.ts';
import { chunkKey, type VoxelWorld } from '../engine/voxel/voxel-world.ts';
import type { WorkerPool } from './pool.ts';
import { LIGHT_JOB, type LightResult, type LightTask } from './light.common.ts';

/** Options of {@link updateLightInPool}. */
export interface LightPoolOptions {
  /** Columns per pool task, 1..1024 (default: spread over 2 tasks per thread, at most 16 columns each). */
  batchSize?: number;
}

/** Figures of one {@link updateLightInPool}. */
export interface LightPoolUpdate {
  /** Edited cells applied incrementally on this thread. */
  edits: number;
  /** Columns lit in the pool and merged. */
  columns: number;
  /** Columns whose result was dropped (edited, replaced or unloaded meanwhile). */
  dropped: number;
}

/**
 * Brings the world's light up to date with the columns lit in the pool (enabling light first if needed). The
 * tick need not wait for it: until a column's result is merged, that column reads as dark and its neighbours'
 * light does not cross into it.
 */
export async function updateLightInPool(pool: WorkerPool, world: VoxelWorld, options: LightPoolOptions = {}): Promise<LightPoolUpdate> {
  const state = enableLight(world);
  const edits = updateLightEdits(world);
  const keys = columnsToLight(world, state);
  if (keys.length === 0) return { edits, columns: 0, dropped: 0 };
  const size = options.batchSize ?? Math.min(16, Math.max(1, Math.ceil(keys.length / (pool.threads * 2))));
  if (!Number.isInteger(size) || size < 1 || size > 1024) throw new RangeError(`batchSize must be an integer in 1..1024, got ${size}`);
  const runs: Promise<LightResult>[] = [];
  for (let i = 0; i < keys.length; i += size) {
    const columns = keys.slice(i, i + size).map((key) => {
      const col = world.columns.get(key)!;
      const token = state.token++;
      state.busy.set(key, token);
      return { cx: col.cx, cz: col.cz, token, sections: Array.from(col.sections) };
    });
    const task: LightTask = { handles: world.store.handles, palette: state.palette.handles, columns };
    runs.push(pool.run<LightTask, LightResult>(LIGHT_JOB, task).catch((err: unknown) => {
      for (const c of columns) if (state.busy.get(chunkKey(c.cx, c.cz)) === c.token) state.busy.delete(chunkKey(c.cx, c.cz));
      throw err;
    }));
  }
  let columns = 0, dropped = 0;
  const per = world.columnSections * SECTION_VOLUME;
  for (const result of await Promise.all(runs)) {
    result.columns.forEach((c, i) => {
      const key = chunkKey(c.cx, c.cz);
      const col = world.columns.get(key);
      if (!col || state.busy.get(key) !== c.token) { dropped++; return; }
      applyColumnLight(world, state, col, result.light.subarray(i * per, (i + 1) * per));
      columns++;
    });
  }
  return { edits, columns, dropped };
}
