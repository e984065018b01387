/**
 * Interest management on the chunk grid: what a client at chunk (cx, cz) should have, given its view distance.
 * A column is in view when both chunk offsets are within the distance (a square); the order of sending is by
 * distance from the centre (a spiral outwards), ties by column key, so the nearest ground arrives first.
 */
import { chunkFromKey, chunkKey } from '../voxel/voxel-world.ts';

/** The chunk coordinate containing block coordinate `v`. */
export function chunkOf(v: number): number {
  return Math.floor(v / 16);
}

/** True when column (cx, cz) is within `distance` chunks of (pcx, pcz) on both axes. */
export function inView(pcx: number, pcz: number, cx: number, cz: number, distance: number): boolean {
  return Math.abs(cx - pcx) <= distance && Math.abs(cz - pcz) <= distance;
}

/** Keys of the loaded columns in view of (pcx, pcz), nearest first (squared distance, then key). */
export function columnsInView(loaded: Iterable<number>, pcx: number, pcz: number, distance: number): number[] {
  const out: { key: number; d2: number }[] = [];
  for (const key of loaded) {
    const [cx, cz] = chunkFromKey(key);
    if (inView(pcx, pcz, cx, cz, distance)) out.push({ key, d2: (cx - pcx) ** 2 + (cz - pcz) ** 2 });
  }
  out.sort((a, b) => a.d2 - b.d2 || a.key - b.key);
  return out.map((c) => c.key);
}

/** Key of the column containing block position (x, z). */
export function columnKeyAt(x: number, z: number): number {
  return chunkKey(chunkOf(x), chunkOf(z));
}
