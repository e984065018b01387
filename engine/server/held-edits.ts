/**
 * Block edits the world has but the clients may not see yet: held until durable (durable-edits.ts), released oldest
 * first. The replicator keeps them out of section updates and whole columns. Plain data and free functions.
 */
import type { SimEvents } from '../sim/game-world.ts';
import { voxelIndex } from '../voxel/section.ts';
import { chunkKey } from '../voxel/voxel-world.ts';

/** The held edits. */
export interface HeldEdits {
  /** The edits, in the order they were applied (oldest first). */
  edits: SimEvents['BlockChanged'][];
  /** How many of them each column has, by column key (a column with none is absent). */
  columns: Map<number, number>;
}

/** No edits held. */
export function createHeldEdits(): HeldEdits {
  return { edits: [], columns: new Map() };
}

/** Holds edits just applied (after every edit already held). */
export function holdEdits(h: HeldEdits, edits: readonly SimEvents['BlockChanged'][]): void {
  for (const e of edits) {
    h.edits.push(e);
    const key = chunkKey(e.x >> 4, e.z >> 4);
    h.columns.set(key, (h.columns.get(key) ?? 0) + 1);
  }
}

/**
 * Releases edits: with none held, nothing to do (edits that were never held); else they must be the oldest held
 * ones, in order (the same objects), or this throws and releases nothing.
 */
export function releaseHeld(h: HeldEdits, edits: readonly SimEvents['BlockChanged'][]): void {
  if (h.edits.length === 0) return;
  for (let i = 0; i < edits.length; i++) {
    if (h.edits[i] !== edits[i]) {
      throw new Error(`held edits released out of order: edit ${i} of ${edits.length} at (${edits[i].x}, ${edits[i].y}, ${edits[i].z}) is not the oldest held one still waiting`);
    }
  }
  for (const e of h.edits.splice(0, edits.length)) {
    const key = chunkKey(e.x >> 4, e.z >> 4);
    const n = (h.columns.get(key) ?? 1) - 1;
    if (n > 0) h.columns.set(key, n);
    else h.columns.delete(key);
  }
}

/**
 * Section (cx, cy, cz) without its held edits: `voxels` (its 4096 ids now, null for all air; changed in place) with
 * each held edit in it undone, newest first. Returns `voxels`, or a new array when it was null and an edit is held.
 */
export function withoutHeld(h: HeldEdits, cx: number, cy: number, cz: number, voxels: Uint16Array | null): Uint16Array | null {
  if (!h.columns.has(chunkKey(cx, cz))) return voxels;
  let out = voxels;
  for (let i = h.edits.length - 1; i >= 0; i--) {
    const e = h.edits[i];
    if (e.x >> 4 !== cx || e.y >> 4 !== cy || e.z >> 4 !== cz) continue;
    out ??= new Uint16Array(4096);
    out[voxelIndex(e.x & 15, e.y & 15, e.z & 15)] = e.prev;
  }
  return out;
}
