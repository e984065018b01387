/** Column light job, the body: lights columns from the shared slabs. See light.common.ts. */
import { computeColumnLight, createColumnLightScratch } from '../engine/light/column-light.ts';
import { attachLightPalette } from '../engine/light/light-palette.ts';
import { SECTION_VOLUME } from '../engine/voxel/section.ts';
import { NO_SECTION, attachSectionStore, createSectionStore, sectionVoxels } from '../engine/voxel/section-store.ts';
import type { LightResult, LightTask } from './light.common.ts';

/** Lights every column of the task; a plain function, so any pool backend (piscina, comlink) can run it. */
export function lightColumns(task: LightTask): LightResult {
  const t0 = performance.now();
  const store = attachSectionStore(task.handles, createSectionStore());
  const palette = attachLightPalette(task.palette).bytes;
  const n = task.columns.length ? task.columns[0].sections.length : 0;
  const light = new Uint8Array(task.columns.length * n * SECTION_VOLUME);
  const scratch = createColumnLightScratch(n);
  task.columns.forEach((c, i) => {
    if (c.sections.length !== n) throw new RangeError(`light task: column (${c.cx}, ${c.cz}) has ${c.sections.length} sections, not ${n}`);
    const views = c.sections.map((id) => (id === NO_SECTION ? null : sectionVoxels(store, id)));
    computeColumnLight(views, palette, light.subarray(i * n * SECTION_VOLUME, (i + 1) * n * SECTION_VOLUME), scratch);
  });
  return { columns: task.columns.map(({ cx, cz, token }) => ({ cx, cz, token })), light, ms: performance.now() - t0 };
}
