/** Terrain generation job, the body: fills SAB sections in place. See terrain.common.ts. */
import { attachSectionStore, createSectionStore, type SectionStore, sectionViews } from '../engine/voxel/section-store.ts';
import { generateColumn } from '../engine/voxel/terrain/generator.ts';
import type { TerrainTask } from './terrain.common.ts';

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
