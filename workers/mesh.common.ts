/**
 * Section meshing job, the contract. Reads: the owner's voxel slabs and mesh palette, in place (SharedArrayBuffers,
 * never copied). Writes: nothing shared; returns one mesh per listed section, all viewing one ArrayBuffer per batch,
 * exposed as the top-level `arena` field so that a backend can transfer it back in one piece instead of copying
 * (the comlink host transfers top-level typed arrays; see also {@link meshResultTransferables}).
 */
import type { MeshPaletteHandles } from '../engine/mesh/mesh-palette.ts';
import type { MeshProfile } from '../engine/mesh/mesh-profile.ts';
import type { SectionMesh } from '../engine/mesh/section-mesh.ts';
import type { SectionStoreHandles } from '../engine/voxel/section-store.ts';
import type { JobRef } from './pool.ts';

/** One section to mesh. */
export interface MeshSectionRequest {
  /** Chunk x of its column. */
  cx: number;
  /** Section y in its column (0 = bottom). */
  sy: number;
  /** Chunk z of its column. */
  cz: number;
  /** Its section id in the owner's store (also `neighbours[13]`). */
  section: number;
  /**
   * The 27 section ids around it, the section itself at slot 13 (slot = (dy+1)*9 + (dz+1)*3 + (dx+1)).
   * -1 (NO_SECTION) reads as air, -2 (BELOW_WORLD) as opaque.
   */
  neighbours: number[];
}

/** A batch of sections for one worker. */
export interface MeshTask {
  /** The owner's voxel slabs (shared, not copied). */
  handles: SectionStoreHandles;
  /** The owner's mesh palette (shared, not copied). */
  palette: MeshPaletteHandles;
  /** Sections to mesh, in the order their meshes come back. */
  sections: MeshSectionRequest[];
}

/** One meshed section. */
export interface MeshedSection {
  /** Chunk x of its column. */
  cx: number;
  /** Section y in its column. */
  sy: number;
  /** Chunk z of its column. */
  cz: number;
  /** The section id that was meshed (ids are reused after a column unloads: compare before using a late mesh). */
  section: number;
  /** The geometry; an empty mesh (0 quads) means the section has nothing to draw. */
  mesh: SectionMesh;
}

/** What a worker sends back for a {@link MeshTask}. */
export interface MeshResult {
  /** One entry per requested section, in request order. */
  meshes: MeshedSection[];
  /** The one buffer every mesh of the batch views (the whole of it). */
  arena: Uint8Array;
  /** Stage times and counts of this batch. */
  profile: MeshProfile;
  /** Node worker thread id that did the work (0 on a Node main thread; -1 where the platform has none). */
  threadId: number;
}

/** The job: `meshSections` in mesh.worker.ts. */
export const MESH_JOB: JobRef = {
  module: new URL('./mesh.worker.ts', import.meta.url).href,
  name: 'meshSections',
};

/** The buffers of a result that a backend may transfer instead of copying: the batch's one arena. */
export function meshResultTransferables(result: MeshResult): ArrayBuffer[] {
  return result.arena.byteLength > 0 ? [result.arena.buffer as ArrayBuffer] : [];
}
