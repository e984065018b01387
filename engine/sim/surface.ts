/** Finding where a body can stand. */
import { BlockFlag } from '../voxel/blocks.ts';
import { getBlock } from '../voxel/voxel-world.ts';
import type { GameWorld } from './game-world.ts';

/** Feet height for a body standing on the highest solid block of block column (x, z); 0 when there is none. */
export function surfaceY(world: GameWorld, x: number, z: number): number {
  for (let y = world.voxels.height - 1; y >= 0; y--) {
    if (world.voxels.blocks.flags[getBlock(world.voxels, x, y, z)] & BlockFlag.Solid) return y + 1;
  }
  return 0;
}
