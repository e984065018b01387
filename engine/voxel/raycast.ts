/**
 * Voxel raycast (grid DDA): walks the blocks a ray passes through, in order, and reports the first targetable
 * one with the face the ray entered by. Used for block targeting and for line-of-sight checks on interactions.
 */
import { BlockFlag } from './blocks.ts';
import { getBlock, type VoxelWorld } from './voxel-world.ts';

/** Face numbering shared with {@link BlockAction.face}: 0 -x, 1 +x, 2 -y, 3 +y, 4 -z, 5 +z. */
export const FACE_NORMALS: readonly (readonly [number, number, number])[] = [
  [-1, 0, 0], [1, 0, 0], [0, -1, 0], [0, 1, 0], [0, 0, -1], [0, 0, 1],
];

/** What a ray hit. */
export interface RayHit {
  /** Block x. */
  x: number;
  /** Block y. */
  y: number;
  /** Block z. */
  z: number;
  /** Face entered (see {@link FACE_NORMALS}); -1 when the ray started inside the block. */
  face: number;
  /** Distance along the (normalised) ray to the entry point, in blocks. */
  distance: number;
  /** The block id hit. */
  block: number;
}

/**
 * Casts a ray from (ox, oy, oz) along (dx, dy, dz) for at most `maxDistance` blocks and returns the first block
 * whose flags include `mask` (default: targetable), or null. The direction need not be normalised.
 */
export function raycast(
  world: VoxelWorld,
  ox: number, oy: number, oz: number,
  dx: number, dy: number, dz: number,
  maxDistance: number,
  mask: number = BlockFlag.Targetable,
): RayHit | null {
  const len = Math.sqrt(dx * dx + dy * dy + dz * dz);
  if (!(len > 0) || !(maxDistance >= 0)) return null;
  dx /= len; dy /= len; dz /= len;
  let x = Math.floor(ox), y = Math.floor(oy), z = Math.floor(oz);
  const stepX = dx > 0 ? 1 : -1, stepY = dy > 0 ? 1 : -1, stepZ = dz > 0 ? 1 : -1;
  const tDeltaX = dx !== 0 ? Math.abs(1 / dx) : Infinity;
  const tDeltaY = dy !== 0 ? Math.abs(1 / dy) : Infinity;
  const tDeltaZ = dz !== 0 ? Math.abs(1 / dz) : Infinity;
  let tMaxX = dx !== 0 ? (dx > 0 ? x + 1 - ox : ox - x) * tDeltaX : Infinity;
  let tMaxY = dy !== 0 ? (dy > 0 ? y + 1 - oy : oy - y) * tDeltaY : Infinity;
  let tMaxZ = dz !== 0 ? (dz > 0 ? z + 1 - oz : oz - z) * tDeltaZ : Infinity;
  const flags = world.blocks.flags;
  let face = -1;
  let t = 0;
  // Bounded: each iteration advances t by a positive amount, and we stop past maxDistance.
  while (t <= maxDistance) {
    const block = getBlock(world, x, y, z);
    if (flags[block] & mask) return { x, y, z, face, distance: t, block };
    if (tMaxX < tMaxY && tMaxX < tMaxZ) {
      x += stepX; t = tMaxX; tMaxX += tDeltaX; face = stepX > 0 ? 0 : 1;
    } else if (tMaxY < tMaxZ) {
      y += stepY; t = tMaxY; tMaxY += tDeltaY; face = stepY > 0 ? 2 : 3;
    } else {
      z += stepZ; t = tMaxZ; tMaxZ += tDeltaZ; face = stepZ > 0 ? 4 : 5;
    }
  }
  return null;
}
