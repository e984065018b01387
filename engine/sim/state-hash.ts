/**
 * The state hash: xxhash64 over the component stores, the live entity ids, the tick and the voxel data (columns in
 * key order; an absent section hashes as 4096 air blocks, so allocation never changes the hash). Same seed and same
 * inputs must give the same hash in any process.
 */
import { getAllEntities } from 'bitecs';
import { bytesOf, hex64, type Hasher } from '../hash.ts';
import { SECTION_BYTES } from '../voxel/section.ts';
import { NO_SECTION, sectionVoxels } from '../voxel/section-store.ts';
import { sortedColumnKeys } from '../voxel/voxel-world.ts';
import type { GameWorld } from './game-world.ts';

const AIR_SECTION = new Uint8Array(SECTION_BYTES);

/** Computes the state hash as 16 hex digits. */
export function stateHash(hasher: Hasher, world: GameWorld): string {
  const h = hasher.create64(0n);
  const header = new Float64Array([world.tick, world.nextNetId]);
  h.update(bytesOf(header));
  h.update(bytesOf(Uint32Array.from(getAllEntities(world.ecs)).sort()));
  h.update(new Uint8Array(world.ecs.memory));
  const key = new Float64Array(1);
  for (const k of sortedColumnKeys(world.voxels)) {
    key[0] = k;
    h.update(bytesOf(key));
    for (const id of world.voxels.columns.get(k)!.sections) {
      h.update(id === NO_SECTION ? AIR_SECTION : bytesOf(sectionVoxels(world.voxels.store, id)));
    }
  }
  return hex64(h.digest());
}
