/**
 * The `blocks` diagnostics command: the server's block ids in a box of the world, so that a test or soak can compare
 * a client's view of an area with the server's, cell by cell. `blocks x0 y0 z0 x1 y1 z1` answers with the ids of
 * [x0, x1) x [y0, y1) x [z0, z1) (x fastest, then z, then y) as base64 of little-endian uint16s.
 */
import type { VoxelWorld } from '../voxel/voxel-world.ts';
import { getBlock } from '../voxel/voxel-world.ts';

/** Most cells one answer may hold (its base64 stays under the 64 KiB diagnostics text limit). */
export const MAX_BOX_CELLS = 16384;

/** A box of cells, lower corner inclusive, upper exclusive. */
export interface Box {
  /** Lowest x. */
  x0: number;
  /** Lowest y. */
  y0: number;
  /** Lowest z. */
  z0: number;
  /** One past the highest x. */
  x1: number;
  /** One past the highest y. */
  y1: number;
  /** One past the highest z. */
  z1: number;
}

/** The block ids of `box` in `world` (x fastest, then z, then y). */
export function readBox(world: VoxelWorld, box: Box): Uint16Array {
  const out = new Uint16Array((box.x1 - box.x0) * (box.y1 - box.y0) * (box.z1 - box.z0));
  let i = 0;
  for (let y = box.y0; y < box.y1; y++) for (let z = box.z0; z < box.z1; z++) for (let x = box.x0; x < box.x1; x++) out[i++] = getBlock(world, x, y, z);
  return out;
}

/** The (x, y, z) of index `i` of a {@link readBox} array. */
export function boxCell(box: Box, i: number): [number, number, number] {
  const w = box.x1 - box.x0, d = box.z1 - box.z0;
  return [box.x0 + (i % w), box.y0 + Math.floor(i / (w * d)), box.z0 + (Math.floor(i / w) % d)];
}

/** The arguments of the `blocks` command for `box`. */
export function boxArgs(box: Box): string[] {
  return [box.x0, box.y0, box.z0, box.x1, box.y1, box.z1].map(String);
}

/** Runs the `blocks` command; a bad box is answered with a line saying why. */
export function blocksCommand(world: VoxelWorld, args: readonly string[]): string {
  const n = args.map(Number);
  if (n.length !== 6 || !n.every((v) => Number.isInteger(v) && Math.abs(v) <= 1 << 24)) return 'usage: blocks x0 y0 z0 x1 y1 z1 (integers)';
  const [x0, y0, z0, x1, y1, z1] = n;
  const cells = (x1 - x0) * (y1 - y0) * (z1 - z0);
  if (!(x1 > x0 && y1 > y0 && z1 > z0) || cells > MAX_BOX_CELLS) return `blocks: the box must be non-empty and hold at most ${MAX_BOX_CELLS} cells`;
  const ids = readBox(world, { x0, y0, z0, x1, y1, z1 });
  return Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength).toString('base64');
}

/** Decodes a `blocks` answer back into ids. */
export function parseBlocksAnswer(text: string): Uint16Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 2) throw new Error(`blocks: an answer of ${bytes.length} bytes is not uint16s: ${text.slice(0, 80)}`);
  return new Uint16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}
