/** Terrain generation job, the body: fills SAB sections in place. See terrain.common.ts. */
import { attachSectionStore, createSectionStore, sectionVoxels, type SectionStore } from '../engine/voxel/section-store.ts';
import { generateColumn } from '../engine/voxel/terrain/generator.ts';
import type { TerrainTask } from './terrain.common.ts';

/** Generates every column of the task into the shared sections; returns how many columns were filled. */
export function generateTerrain(task: TerrainTask): number {
  // A fresh view per task: SAB views are cheap, and each task may bring new slabs.
  const store: SectionStore = attachSectionStore(task.handles, createSectionStore());
  for (const col of task.columns) {
    const sections = col.sectionIds.map((id) => (id < 0 ? null : sectionVoxels(store, id)));
    generateColumn(task.config, col.cx, col.cz, sections);
  }
  return task.columns.length;
}
