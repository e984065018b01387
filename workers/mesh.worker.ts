/** Section meshing job, the body: meshes sections straight from the shared slabs. See mesh.common.ts. */
import { createMeshScratch, meshSectionBatch } from '../engine/mesh/greedy-mesher.ts';
import { attachMeshPalette } from '../engine/mesh/mesh-palette.ts';
import { createMeshProfile } from '../engine/mesh/mesh-profile.ts';
import { attachSectionStore, createSectionStore } from '../engine/voxel/section-store.ts';
import type { MeshResult, MeshTask } from './mesh.common.ts';

/** The Node worker thread id when running on Node (read without a static `node:` import), else -1. */
function currentThreadId(): number {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const wt = proc?.getBuiltinModule?.('node:worker_threads') as { threadId?: number } | undefined;
  return wt?.threadId ?? -1;
}

/** Meshes every section of the task; a plain function, so any pool backend (piscina, comlink) can run it. */
export function meshSections(task: MeshTask): MeshResult {
  // Fresh views and scratch per task: both are cheap next to a batch of sections, and keep the body stateless.
  const store = attachSectionStore(task.handles, createSectionStore());
  const palette = attachMeshPalette(task.palette);
  const scratch = createMeshScratch();
  const profile = createMeshProfile();
  for (const s of task.sections) {
    if (s.neighbours.length !== 27 || s.neighbours[13] !== s.section) throw new RangeError(`mesh task: section ${s.section} at (${s.cx}, ${s.sy}, ${s.cz}) needs 27 neighbour ids with itself at slot 13`);
  }
  const built = meshSectionBatch(store, palette, task.sections.map((s) => s.neighbours), scratch, profile);
  const meshes = task.sections.map((s, i) => ({ cx: s.cx, sy: s.sy, cz: s.cz, section: s.section, mesh: built[i] }));
  const arena = new Uint8Array(built.length ? built[0].buffer : new ArrayBuffer(0));
  return { meshes, arena, profile, threadId: currentThreadId() };
}
