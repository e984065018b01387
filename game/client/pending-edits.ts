/**
 * Predicted block edits: a client's place or break shows at once and stays pending until the server's BlockResult
 * for that input tick confirms it (kept) or refuses it (rolled back). Section updates from the server describe the
 * server's world, so they are applied with pending predictions taken out, which are then put back.
 */
import type { BlockEdit } from '../../engine/rules/interactions.ts';
import type { Tick } from '../../engine/tick.ts';
import { voxelIndex } from '../../engine/voxel/section.ts';
import { getBlock, isLoaded, setBlock, type VoxelWorld } from '../../engine/voxel/voxel-world.ts';

/** A predicted edit waiting for the server's answer. */
export interface PendingEdit extends BlockEdit {
  /** The input tick that carried the action. */
  tick: Tick;
}

/** Pending edits by input tick (a player makes at most one block action per tick). */
export type PendingEdits = Map<Tick, PendingEdit>;

/** The server confirmed the action of `tick`: the prediction stands. */
export function confirmEdit(pending: PendingEdits, tick: Tick): PendingEdit | undefined {
  const e = pending.get(tick);
  pending.delete(tick);
  return e;
}

/** The server refused the action of `tick`: put back what was there. Returns the rolled-back edit. */
export function rollBackEdit(world: VoxelWorld, pending: PendingEdits, tick: Tick): PendingEdit | undefined {
  const e = pending.get(tick);
  if (!e) return undefined;
  pending.delete(tick);
  if (isLoaded(world, e.x, e.y, e.z) && getBlock(world, e.x, e.y, e.z) === e.block) setBlock(world, e.x, e.y, e.z, e.prev);
  return e;
}

/** Pending edits inside section (cx, cy, cz), oldest first. */
function inSection(pending: PendingEdits, cx: number, cy: number, cz: number): PendingEdit[] {
  return [...pending.values()].filter((e) => e.x >> 4 === cx && e.y >> 4 === cy && e.z >> 4 === cz).sort((a, b) => a.tick - b.tick);
}

/** Returns a copy of the section's voxels as the server sees them: pending predictions taken out. */
export function serverView(voxels: Uint16Array | null, pending: PendingEdits, cx: number, cy: number, cz: number): Uint16Array | null {
  const edits = inSection(pending, cx, cy, cz);
  if (edits.length === 0) return voxels;
  const out = voxels ? voxels.slice() : new Uint16Array(4096);
  for (let i = edits.length - 1; i >= 0; i--) out[voxelIndex(edits[i].x & 15, edits[i].y & 15, edits[i].z & 15)] = edits[i].prev;
  return out;
}

/** Puts pending predictions back on top of a section the server just updated (in place). */
export function reapplyPending(voxels: Uint16Array, pending: PendingEdits, cx: number, cy: number, cz: number): void {
  for (const e of inSection(pending, cx, cy, cz)) {
    const i = voxelIndex(e.x & 15, e.y & 15, e.z & 15);
    // The server may have changed the cell since; the prediction's "before" follows the server.
    e.prev = voxels[i];
    voxels[i] = e.block;
  }
}
