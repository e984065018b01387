/**
 * A slow, independent reference for light tests: the light of every cell of the loaded columns, by relaxing the
 * rules everywhere until nothing changes (no queues, no incremental steps), read through `getBlock`.
 * Rules: a cell that lets light pass has sky 15 at the top of the world or under a sky-15 cell, else the best of its
 * neighbours' sky - 1; block light max(its emission, neighbours' block - 1). A cell that stops light has sky 0 and
 * block light its emission. Cells outside the loaded columns count as dark walls.
 */
import { updateLight } from '../../engine/light/world-light.ts';
import { NO_SECTION, sectionLight } from '../../engine/voxel/section-store.ts';
import { chunkFromKey, getBlock, sortedColumnKeys, type VoxelWorld } from '../../engine/voxel/voxel-world.ts';

/** Light of every loaded cell: `sky << 4 | block`, by column key then `y << 8 | z << 4 | x` within a column. */
export function referenceLight(world: VoxelWorld): Map<number, Uint8Array> {
  const H = world.height;
  const keys = sortedColumnKeys(world);
  const out = new Map<number, Uint8Array>();
  const info = new Map<number, Uint8Array>();
  for (const k of keys) {
    const [cx, cz] = chunkFromKey(k);
    const inf = new Uint8Array(H * 256);
    for (let y = 0; y < H; y++) for (let z = 0; z < 16; z++) for (let x = 0; x < 16; x++) {
      const b = world.blocks.defs[getBlock(world, cx * 16 + x, y, cz * 16 + z)];
      inf[(y << 8) | (z << 4) | x] = b ? (b.transparent ? 16 : 0) | b.light : 0;
    }
    info.set(k, inf);
    out.set(k, new Uint8Array(H * 256));
  }
  const at = (x: number, y: number, z: number): number => {
    if (y < 0 || y >= H) return -1;
    const k = (((x >> 4) + 32768) * 65536) + ((z >> 4) + 32768);
    const l = out.get(k);
    return l ? l[(y << 8) | ((z & 15) << 4) | (x & 15)] : -1;
  };
  // Sweeps in alternating directions (each carries light far along its own direction) until one changes nothing.
  for (let changed = true, pass = 0; changed; pass++) {
    changed = false;
    const order = pass % 2 ? [...keys].reverse() : keys;
    for (const k of order) {
      const [cx, cz] = chunkFromKey(k);
      const l = out.get(k)!, inf = info.get(k)!;
      for (let j = 0; j < H * 256; j++) {
        const i = pass % 2 ? H * 256 - 1 - j : j;
        const x = cx * 16 + (i & 15), y = i >> 8, z = cz * 16 + ((i >> 4) & 15);
        let sky = 0, block = inf[i] & 15;
        if (inf[i] & 16) {
          const up = at(x, y + 1, z);
          if (y === H - 1 || up >> 4 === 15) sky = 15;
          for (const [dx, dy, dz] of [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]]) {
            const n = at(x + dx, y + dy, z + dz);
            if (n < 0) continue;
            sky = Math.max(sky, (n >> 4) - 1);
            block = Math.max(block, (n & 15) - 1);
          }
        }
        const v = (sky << 4) | block;
        if (v !== l[i]) { l[i] = v; changed = true; }
      }
    }
  }
  return out;
}

/** Brings the world's light up to date and names the first cell whose light differs from the reference, or null. */
export function lightDifference(world: VoxelWorld): string | null {
  updateLight(world);
  const ref = referenceLight(world);
  for (const k of sortedColumnKeys(world)) {
    const [cx, cz] = chunkFromKey(k);
    const col = world.columns.get(k)!;
    const want = ref.get(k)!;
    for (let i = 0; i < want.length; i++) {
      const id = col.sections[i >> 12];
      const got = id === NO_SECTION ? 0xf0 : sectionLight(world.store, id)[i & 4095];
      if (got !== want[i]) {
        const x = cx * 16 + (i & 15), y = i >> 8, z = cz * 16 + ((i >> 4) & 15);
        return `(${x}, ${y}, ${z}): sky ${got >> 4} block ${got & 15}, reference sky ${want[i] >> 4} block ${want[i] & 15}`;
      }
    }
  }
  return null;
}
