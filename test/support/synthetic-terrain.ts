/**
 * A small self-contained seeded terrain generator for codec tests and the chunk benchmark: layered ground with
 * hills, water, caves, ores and trees, from an integer hash of (seed, x, y, z). Produces columns in the terrain
 * corpus layout (sections bottom first, 4096 ids each at `y << 8 | z << 4 | x`). Not the engine's generator.
 */

/** Block ids the generator uses (arbitrary numbers, spread out like real block-state ids). */
export const SyntheticBlock = {
  Air: 0, Stone: 1, Granite: 2, Dirt: 10, Grass: 9, Sand: 118, Water: 80, Bedrock: 79, Gravel: 119,
  CoalOre: 127, IronOre: 126, GoldOre: 125, DiamondOre: 3609, Log: 130, Leaves: 262, Deepslate: 22448,
} as const;

/** 32-bit integer hash of a seed and up to three coordinates. */
export function hash3(seed: number, x: number, y: number, z: number): number {
  let h = (seed ^ Math.imul(x, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1) ^ Math.imul(z, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Smooth 2D value noise in 0..1 with cells of `cell` blocks. */
function noise2(seed: number, x: number, z: number, cell: number): number {
  const gx = Math.floor(x / cell), gz = Math.floor(z / cell);
  const fx = x / cell - gx, fz = z / cell - gz;
  const sx = fx * fx * (3 - 2 * fx), sz = fz * fz * (3 - 2 * fz);
  const v = (a: number, b: number) => hash3(seed, a, 0, b) / 4294967296;
  const top = v(gx, gz) + (v(gx + 1, gz) - v(gx, gz)) * sx;
  const bottom = v(gx, gz + 1) + (v(gx + 1, gz + 1) - v(gx, gz + 1)) * sx;
  return top + (bottom - top) * sz;
}

/** Options of {@link generateColumn}. */
export interface SyntheticColumnOptions {
  /** Sections in the column, 1..64 (default 24, like the corpus). */
  sections?: number;
}

/** Generates column (cx, cz) of the world `seed`: `sections * 4096` ids. */
export function generateColumn(seed: number, cx: number, cz: number, options: SyntheticColumnOptions = {}): Uint16Array {
  const sections = options.sections ?? 24;
  const height = sections * 16;
  const out = new Uint16Array(sections * 4096);
  const sea = Math.floor(height * 0.4);
  const B = SyntheticBlock;
  const set = (x: number, y: number, z: number, id: number) => {
    if (y >= 0 && y < height && x >= 0 && x < 16 && z >= 0 && z < 16) out[((y >> 4) << 12) | ((y & 15) << 8) | (z << 4) | x] = id;
  };
  for (let z = 0; z < 16; z++) {
    for (let x = 0; x < 16; x++) {
      const wx = cx * 16 + x, wz = cz * 16 + z;
      const hill = noise2(seed, wx, wz, 32) * 0.7 + noise2(seed + 1, wx, wz, 8) * 0.3;
      const ground = Math.min(height - 8, Math.floor(sea - 6 + hill * height * 0.2));
      for (let y = 0; y < height; y++) {
        let id: number = B.Air;
        if (y === 0 || (y < 3 && hash3(seed, wx, y, wz) % 2 === 0)) id = B.Bedrock;
        else if (y < ground - 4) {
          id = y < height * 0.25 ? B.Deepslate : B.Stone;
          const r = hash3(seed + 7, wx, y, wz) % 1000;
          if (r < 8) id = B.CoalOre;
          else if (r < 12) id = B.IronOre;
          else if (r < 13 && y < height * 0.2) id = B.DiamondOre;
          else if (r < 30) id = B.Granite;
          const cave = noise2(seed + 3, wx + y * 7, wz - y * 5, 12);
          if (cave > 0.78 && y > 4) id = B.Air;
        } else if (y < ground) id = ground <= sea + 1 ? B.Sand : B.Dirt;
        else if (y === ground) id = ground <= sea ? B.Gravel : B.Grass;
        else if (y <= sea) id = B.Water;
        if (id !== B.Air) set(x, y, z, id);
      }
      if (ground > sea && x > 1 && x < 14 && z > 1 && z < 14 && hash3(seed + 11, wx, 0, wz) % 97 === 0) {
        for (let y = ground + 1; y < ground + 6; y++) set(x, y, z, B.Log);
        for (let dy = 3; dy < 7; dy++) {
          for (let dz = -2; dz <= 2; dz++) {
            for (let dx = -2; dx <= 2; dx++) if ((dx || dz || dy > 4) && Math.abs(dx) + Math.abs(dz) < 4) set(x + dx, ground + dy, z + dz, B.Leaves);
          }
        }
      }
    }
  }
  return out;
}

/** The column's sections as views (null where all air, as a world stores them). */
export function columnSections(column: Uint16Array): (Uint16Array | null)[] {
  const out: (Uint16Array | null)[] = [];
  for (let s = 0; s < column.length / 4096; s++) {
    const v = column.subarray(s * 4096, (s + 1) * 4096);
    out.push(v.every((id) => id === 0) ? null : v);
  }
  return out;
}
