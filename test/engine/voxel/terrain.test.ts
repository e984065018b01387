import { afterAll, describe, expect, it } from 'vitest';
import { loadHasher } from '../../../engine/hash.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { createGameWorld } from '../../../engine/sim/game-world.ts';
import { stateHash } from '../../../engine/sim/state-hash.ts';
import { DEFAULT_SUPERFLAT, type TerrainConfig } from '../../../engine/voxel/terrain/generator.ts';
import { getBlock } from '../../../engine/voxel/voxel-world.ts';
import { createNodePool } from '../../../workers/pool.node.ts';
import { generateColumnsInPool, generateColumnsSync, squareAround } from '../../../workers/terrain.main.ts';

describe('terrain generation', () => {
  const pool = createNodePool({ threads: 2 });
  afterAll(() => pool.destroy());

  async function hashOf(config: TerrainConfig, viaPool: boolean): Promise<string> {
    const w = createGameWorld({ columnSections: 8 });
    if (viaPool) await generateColumnsInPool(pool, w.voxels, config, squareAround(0, 0, 2));
    else generateColumnsSync(w.voxels, config, squareAround(0, 0, 2));
    return stateHash(await loadHasher(), w);
  }

  it('superflat has its layers at every column', () => {
    const w = createGameWorld({ columnSections: 2 });
    generateColumnsSync(w.voxels, DEFAULT_SUPERFLAT, squareAround(0, 0, 1));
    for (const [x, z] of [[0, 0], [-5, 9], [20, -15]]) {
      expect([0, 1, 4, 5, 6, 7].map((y) => getBlock(w.voxels, x, y, z))).toEqual([Block.Bedrock, Block.Stone, Block.Dirt, Block.Dirt, Block.Grass, Block.Air]);
    }
  });

  it('noise terrain is the same for a seed, different for another, and the same from the pool as inline', async () => {
    const a = await hashOf({ kind: 'noise', seed: 7 }, false);
    expect(await hashOf({ kind: 'noise', seed: 7 }, true)).toBe(a);
    expect(await hashOf({ kind: 'noise', seed: 8 }, false)).not.toBe(a);
  });

  it('noise terrain has hills, layers and trees', () => {
    const w = createGameWorld({ columnSections: 8 });
    generateColumnsSync(w.voxels, { kind: 'noise', seed: 3, treeChance: 0.02 }, squareAround(0, 0, 3));
    const tops = new Set<number>();
    const seen = new Set<number>();
    for (let x = -48; x < 64; x += 3) for (let z = -48; z < 64; z += 3) {
      let y = 127;
      while (y > 0 && getBlock(w.voxels, x, y, z) === Block.Air) y--;
      tops.add(y);
      for (let k = 0; k <= y; k++) seen.add(getBlock(w.voxels, x, k, z));
    }
    expect(tops.size).toBeGreaterThan(8);
    for (const b of [Block.Bedrock, Block.Stone, Block.Dirt, Block.Grass, Block.Wood, Block.Leaves]) expect(seen, `block ${b}`).toContain(b);
  });
});
