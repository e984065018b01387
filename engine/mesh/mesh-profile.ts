/**
 * Named profiling stages of the mesh pipeline, so that a slow frame can be attributed: `gather` (copy the section
 * and its neighbours' borders out of the SAB slabs), `greedy` (face masks, ambient occlusion, quad merging) and
 * `pack` (copy the quads into the mesh's own buffer). Times are milliseconds from `performance.now()`, which both
 * Node and browsers provide; profiling is off unless a profile object is passed.
 */

/** The stages, in pipeline order. */
export const MESH_STAGES = ['gather', 'greedy', 'pack'] as const;

/** One stage name. */
export type MeshStage = (typeof MESH_STAGES)[number];

/** Accumulated time per stage, plus what was meshed. Plain data: it crosses threads as is. */
export interface MeshProfile {
  /** Milliseconds spent gathering voxels. */
  gather: number;
  /** Milliseconds spent building masks and merging quads. */
  greedy: number;
  /** Milliseconds spent packing meshes. */
  pack: number;
  /** Sections meshed. */
  sections: number;
  /** Quads produced. */
  quads: number;
}

/** A zeroed profile. */
export function createMeshProfile(): MeshProfile {
  return { gather: 0, greedy: 0, pack: 0, sections: 0, quads: 0 };
}

/** Adds `from` into `into` (e.g. the profiles returned by several workers). */
export function addMeshProfile(into: MeshProfile, from: MeshProfile): MeshProfile {
  for (const s of MESH_STAGES) into[s] += from[s];
  into.sections += from.sections;
  into.quads += from.quads;
  return into;
}
