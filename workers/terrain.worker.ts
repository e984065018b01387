/** Terrain generation job, the body: fills SAB sections in place. See terrain.common.ts. */
import { attachSectionStore, createSectionStore, type SectionStore, sectionViews } from '../engine/voxel/section-store.ts';
import { generateColumn, type ColumnFiller } from '../engine/voxel/terrain/generator.ts';
import type { ModuleGenerator, ModuleTerrainTask, TerrainTask } from './terrain.common.ts';

/** Generates every column of the task into the shared sections; returns how many columns were filled. */
export function generateTerrain(task: TerrainTask): number {
  // A fresh view per task: SAB views are cheap, and each task may bring new slabs.
  const store: SectionStore = attachSectionStore(task.handles, createSectionStore());
  for (const col of task.columns) {
    const sections = sectionViews(store, col.sectionIds);
    generateColumn(task.config, col.cx, col.cz, sections);
  }
  return task.columns.length;
}

/** Loads a module generator's filler; throws RangeError naming the module and export when it is not a function. */
export async function loadFiller(g: ModuleGenerator): Promise<ColumnFiller> {
  const mod = (await import(g.module)) as Record<string, unknown>;
  const fill = mod[g.name];
  if (typeof fill !== 'function') throw new RangeError(`generator module ${g.module} has no exported function ${g.name}`);
  return fill as ColumnFiller;
}

/** Loads the task's generator module and fills every column of the task with it; returns how many were filled. */
export async function generateTerrainWithModule(task: ModuleTerrainTask): Promise<number> {
  const fill = await loadFiller(task.generator);
  const store: SectionStore = attachSectionStore(task.handles, createSectionStore());
  for (const col of task.columns) fill(col.cx, col.cz, sectionViews(store, col.sectionIds), task.generator.options);
  return task.columns.length;
}
