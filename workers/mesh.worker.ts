/** Section meshing job, the body: meshes sections straight from the shared slabs. See mesh.common.ts. */
import { createMeshScratch, meshSection } from '../engine/mesh/greedy-mesher.ts';
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
  const meshes = task.sections.map((s) => ({
    cx: s.cx, sy: s.sy, cz: s.cz, mesh: meshSection(store, palette, s.neighbours, scratch, profile),
  }));
  return { meshes, profile, threadId: currentThreadId() };
}
