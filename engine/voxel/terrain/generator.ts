/**
 * Terrain generators: pure functions from a serializable config and a chunk position to block ids, so that the
 * same config gives the same world on any thread of any process. Workers run them straight into SAB sections.
 */
import { hashCoords } from '../../rng.ts';
import { Block } from '../blocks.ts';
import { voxelIndex } from '../section.ts';
import { fbm2 } from './noise.ts';

/** A flat world made of horizontal layers, bottom first. */
export interface SuperflatConfig {
  /** Generator kind. */
  kind: 'superflat';
  /** Layers from y = 0 upwards. */
  layers: readonly { block: number; count: number }[];
}

/** Rolling hills with soil layers, beaches, water and trees, from a seed. */
export interface NoiseConfig {
  /** Generator kind. */
  kind: 'noise';
  /** World seed (32-bit integer). */
  seed: number;
  /** Water surface height in blocks (default 58). */
  seaLevel?: number;
  /** Average ground height (default 64). */
  baseHeight?: number;
  /** Height variation above and below the base (default 24). */
  amplitude?: number;
  /** Chance per grass block of a tree, 0..0.1 (default 0.01). */
  treeChance?: number;
}

/** Any terrain config. */
export type TerrainConfig = SuperflatConfig | NoiseConfig;

/**
 * A user generator's body: fills column (cx, cz), given its sections bottom first (section i holds y in
 * [16i, 16i + 16); index `y<<8 | z<<4 | x` in local coordinates; null above the generator's `top`). The sections
 * are zeroed (air) beforehand. It must be deterministic: the same arguments give the same blocks on any thread of any
 * process (no Math.random, no clock; use `hashCoords` for randomness).
 */
export type ColumnFiller = (cx: number, cz: number, sections: readonly (Uint16Array | null)[], options?: unknown) => void;

/** The default superflat: bedrock, 3 stone, 2 dirt, grass; ground surface at y = 7. */
export const DEFAULT_SUPERFLAT: SuperflatConfig = {
  kind: 'superflat',
  layers: [
    { block: Block.Bedrock, count: 1 },
    { block: Block.Stone, count: 3 },
    { block: Block.Dirt, count: 2 },
    { block: Block.Grass, count: 1 },
  ],
};

/** One above the highest y the config can fill, for a world `height` blocks tall. */
export function terrainTop(config: TerrainConfig, height: number): number {
  if (config.kind === 'superflat') return Math.min(height, config.layers.reduce((n, l) => n + l.count, 0));
  const n = withDefaults(config);
  return Math.min(height, Math.max(n.seaLevel + 1, n.baseHeight + n.amplitude + 1 + TREE_MAX_HEIGHT + 2));
}

const TREE_MAX_HEIGHT = 6;
const TREE_RADIUS = 2;

function withDefaults(c: NoiseConfig): Required<NoiseConfig> {
  return {
    kind: 'noise', seed: c.seed | 0, seaLevel: c.seaLevel ?? 58, baseHeight: c.baseHeight ?? 64,
    amplitude: c.amplitude ?? 24, treeChance: c.treeChance ?? 0.01,
  };
}

/** Ground height (the y of the top solid block) of noise terrain at block column (x, z). */
export function groundHeight(c: Required<NoiseConfig>, x: number, z: number): number {
  const hills = fbm2(c.seed, x, z, 96, 4);
  const detail = fbm2(c.seed ^ 0x5bd1e995, x, z, 24, 2);
  return Math.floor(c.baseHeight + (hills - 0.5) * 2 * c.amplitude + (detail - 0.5) * 4);
}

function treeAt(c: Required<NoiseConfig>, x: number, z: number): number {
  // Returns the trunk height of a tree rooted at (x, z), or 0. Trees grow only on grass above the sea.
  const h = hashCoords(c.seed, x, 7, z);
  if (h / 4294967296 >= c.treeChance) return 0;
  const g = groundHeight(c, x, z);
  if (g <= c.seaLevel + 1) return 0;
  return 4 + (h & 3) % 3;
}

/**
 * Fills the sections of column (cx, cz). `sections[sy]` is the section's 4096 ids (a view into a slab) or null
 * for a section the caller decided stays air; arrays must start zeroed (air).
 */
export function generateColumn(config: TerrainConfig, cx: number, cz: number, sections: readonly (Uint16Array | null)[]): void {
  const height = sections.length * 16;
  const put = (lx: number, y: number, lz: number, block: number): void => {
    if (y < 0 || y >= height) return;
    const s = sections[y >> 4];
    if (s) s[voxelIndex(lx, y & 15, lz)] = block;
  };
  if (config.kind === 'superflat') {
    let y = 0;
    for (const layer of config.layers) {
      for (let k = 0; k < layer.count; k++, y++) {
        for (let lz = 0; lz < 16; lz++) for (let lx = 0; lx < 16; lx++) put(lx, y, lz, layer.block);
      }
    }
    return;
  }
  const c = withDefaults(config);
  const x0 = cx * 16, z0 = cz * 16;
  for (let lz = 0; lz < 16; lz++) {
    for (let lx = 0; lx < 16; lx++) {
      const g = Math.min(groundHeight(c, x0 + lx, z0 + lz), height - 1);
      const beach = g <= c.seaLevel + 1;
      for (let y = 0; y <= g; y++) {
        let b: number = Block.Stone;
        if (y === 0) b = Block.Bedrock;
        else if (y === g) b = beach ? Block.Sand : Block.Grass;
        else if (y >= g - 3) b = beach ? Block.Sand : Block.Dirt;
        put(lx, y, lz, b);
      }
      for (let y = g + 1; y <= c.seaLevel; y++) put(lx, y, lz, Block.Water);
    }
  }
  // Trees rooted in this column or close enough for their leaves to reach it.
  for (let tz = z0 - TREE_RADIUS; tz < z0 + 16 + TREE_RADIUS; tz++) {
    for (let tx = x0 - TREE_RADIUS; tx < x0 + 16 + TREE_RADIUS; tx++) {
      const trunk = treeAt(c, tx, tz);
      if (!trunk) continue;
      const base = groundHeight(c, tx, tz) + 1;
      for (let dy = trunk - 2; dy <= trunk + 1; dy++) {
        const r = dy >= trunk ? 1 : TREE_RADIUS;
        for (let dz = -r; dz <= r; dz++) {
          for (let dx = -r; dx <= r; dx++) {
            if (r === 2 && Math.abs(dx) === 2 && Math.abs(dz) === 2) continue;
            const lx = tx + dx - x0, lz = tz + dz - z0;
            if (lx < 0 || lx > 15 || lz < 0 || lz > 15) continue;
            const y = base + dy;
            const s = y >= 0 && y < height ? sections[y >> 4] : null;
            if (s && s[voxelIndex(lx, y & 15, lz)] === Block.Air) put(lx, y, lz, Block.Leaves);
          }
        }
      }
      const lx = tx - x0, lz = tz - z0;
      if (lx >= 0 && lx < 16 && lz >= 0 && lz < 16) {
        for (let dy = 0; dy < trunk; dy++) put(lx, base + dy, lz, Block.Wood);
      }
    }
  }
}
