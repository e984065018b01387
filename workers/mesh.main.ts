/**
 * Section meshing job, the owner side: finds the sections marked DIRTY_MESH, clears the flag as it schedules
 * them, and has the pool mesh them in batches. A block edited while its section is being meshed marks the section
 * dirty again, so the next call meshes it again: meshes are eventually right, never stale for good. The same holds
 * for columns loaded or unloaded meanwhile, provided the loader calls {@link markColumnNeighboursForMesh}.
 */
import { createMeshScratch, meshSection, type MeshScratch } from '../engine/mesh/greedy-mesher.ts';
import { createMeshPalette, type MeshPalette } from '../engine/mesh/mesh-palette.ts';
import { addMeshProfile, type MeshProfile } from '../engine/mesh/mesh-profile.ts';
import type { SectionMesh } from '../engine/mesh/section-mesh.ts';
import { neighbourhoodIds } from '../engine/mesh/section-neighbourhood.ts';
import { NO_SECTION, getSectionFlags, markSection } from '../engine/voxel/section-store.ts';
import { DIRTY_MESH } from '../engine/voxel/section.ts';
import { chunkKey, sortedColumnKeys, type VoxelWorld } from '../engine/voxel/voxel-world.ts';
import type { WorkerPool } from './pool.ts';
import { MESH_JOB, type MeshResult, type MeshSectionRequest, type MeshTask, type MeshedSection } from './mesh.common.ts';
import { meshSections } from './mesh.worker.ts';

/** Options of the meshing entry points. */
export interface MeshOptions {
  /** The world's mesh palette; build it once with `createMeshPalette(world.blocks)` (default: built per call). */
  palette?: MeshPalette;
  /** Stage times and counts are added here when given. */
  profile?: MeshProfile;
  /** Sections per pool task, 1..4096 (default: spread over 4 tasks per thread, at least 8 sections each). */
  batchSize?: number;
}

/** Describes section (cx, sy, cz) of the world for a {@link MeshTask}. */
export function meshRequest(world: VoxelWorld, cx: number, sy: number, cz: number): MeshSectionRequest {
  const neighbours = Array.from(neighbourhoodIds(world, cx, sy, cz));
  return { cx, sy, cz, section: neighbours[13], neighbours };
}

/**
 * The sections marked DIRTY_MESH, in the defined order (column key order, then y upwards), clearing the flag of
 * each. Sections that are not allocated (all air, no memory) carry no flag and are never listed.
 */
export function takeDirtySections(world: VoxelWorld): MeshSectionRequest[] {
  const out: MeshSectionRequest[] = [];
  for (const key of sortedColumnKeys(world)) {
    const col = world.columns.get(key)!;
    for (let sy = 0; sy < col.sections.length; sy++) {
      const id = col.sections[sy];
      if (id === NO_SECTION || (getSectionFlags(world.store, id) & DIRTY_MESH) === 0) continue;
      markSection(world.store, id, DIRTY_MESH, false);
      out.push(meshRequest(world, col.cx, sy, col.cz));
    }
  }
  return out;
}

/**
 * Marks DIRTY_MESH on every allocated section of the (up to 8) loaded columns around column (cx, cz). Call it when
 * that column is loaded, replaced or unloaded: their border faces and corner AO depend on it, and loading does not
 * mark them by itself.
 */
export function markColumnNeighboursForMesh(world: VoxelWorld, cx: number, cz: number): void {
  for (let dx = -1; dx <= 1; dx++) {
    for (let dz = -1; dz <= 1; dz++) {
      const col = (dx !== 0 || dz !== 0) ? world.columns.get(chunkKey(cx + dx, cz + dz)) : undefined;
      if (col) for (const id of col.sections) if (id !== NO_SECTION) markSection(world.store, id, DIRTY_MESH);
    }
  }
}

/** Meshes the requested sections in the pool; resolves to the workers' results, one per batch, in request order. */
export async function meshRequestsInPool(
  pool: WorkerPool, world: VoxelWorld, requests: readonly MeshSectionRequest[], options: MeshOptions = {},
): Promise<MeshResult[]> {
  if (requests.length === 0) return [];
  const palette = options.palette ?? createMeshPalette(world.blocks);
  const size = options.batchSize ?? Math.max(8, Math.ceil(requests.length / (pool.threads * 4)));
  if (!Number.isInteger(size) || size < 1 || size > 4096) throw new RangeError(`batchSize must be an integer in 1..4096, got ${size}`);
  const runs: Promise<MeshResult>[] = [];
  for (let i = 0; i < requests.length; i += size) {
    const task: MeshTask = { handles: world.store.handles, palette: palette.handles, sections: requests.slice(i, i + size) };
    runs.push(pool.run<MeshTask, MeshResult>(MESH_JOB, task));
  }
  const results = await Promise.all(runs);
  if (options.profile) for (const r of results) addMeshProfile(options.profile, r.profile);
  return results;
}

/**
 * Meshes every DIRTY_MESH section in the pool (clearing the flags now); resolves to the meshes in that order. When
 * the pool fails, the sections still in place are marked dirty again before the error is passed on.
 */
export async function meshDirtySections(pool: WorkerPool, world: VoxelWorld, options: MeshOptions = {}): Promise<MeshedSection[]> {
  const requests = takeDirtySections(world);
  try {
    const results = await meshRequestsInPool(pool, world, requests, options);
    return results.flatMap((r) => r.meshes);
  } catch (err) {
    for (const r of requests) {
      if (world.columns.get(chunkKey(r.cx, r.cz))?.sections[r.sy] === r.section) markSection(world.store, r.section, DIRTY_MESH);
    }
    throw err;
  }
}

/** The same as {@link meshDirtySections} on the calling thread, with the same worker body. */
export function meshDirtySectionsSync(world: VoxelWorld, options: MeshOptions = {}): MeshedSection[] {
  const requests = takeDirtySections(world);
  if (requests.length === 0) return [];
  const palette = options.palette ?? createMeshPalette(world.blocks);
  const result = meshSections({ handles: world.store.handles, palette: palette.handles, sections: requests });
  if (options.profile) addMeshProfile(options.profile, result.profile);
  return result.meshes;
}

/** Meshes one section on the calling thread (tests, tools); leaves its dirty flag alone. */
export function meshSectionSync(
  world: VoxelWorld, cx: number, sy: number, cz: number, options: MeshOptions & { scratch?: MeshScratch } = {},
): SectionMesh {
  const palette = options.palette ?? createMeshPalette(world.blocks);
  const ids = neighbourhoodIds(world, cx, sy, cz);
  return meshSection(world.store, palette, ids, options.scratch ?? createMeshScratch(), options.profile);
}
