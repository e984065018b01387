/** Light propagation and removal against the brute-force reference, on random edits and on the classic cases. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PENDING_LIGHT_EDITS, enableLight, lightAt, updateLight } from '../../../engine/light/world-light.ts';
import { createRng } from '../../../engine/rng.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { removeColumn, setBlock } from '../../../engine/voxel/voxel-world.ts';
import { lightDifference as firstDifference } from '../../support/light-reference.ts';
import { takeDirtySections } from '../../../workers/mesh.main.ts';
import { terrainWorld } from '../../support/worlds.ts';

const BLOCKS = [Block.Air, Block.Air, Block.Stone, Block.Dirt, Block.Glass, Block.Leaves, Block.Water, Block.Torch, Block.Torch];

describe('light', () => {
  it('lights open sky, shades the ground and spreads a torch with -1 a step', () => {
    const w = terrainWorld(1, undefined, 2); // superflat: grass at y = 6
    expect(lightAt(w, 3, 20, 3)).toEqual({ sky: 15, block: 0 });
    expect(lightAt(w, 3, 7, 3)).toEqual({ sky: 15, block: 0 });
    expect(lightAt(w, 3, 6, 3)).toEqual({ sky: 0, block: 0 });
    setBlock(w, 3, 7, 3, Block.Torch);
    expect(lightAt(w, 3, 7, 3)).toEqual({ sky: 15, block: 14 });
    expect(lightAt(w, 5, 8, 3).block).toBe(11);
    setBlock(w, 3, 7, 3, Block.Air);
    expect(lightAt(w, 5, 8, 3).block).toBe(0);
    expect(firstDifference(w)).toBeNull();
  });

  it('sky light goes down without loss through see-through blocks and stops under a roof', () => {
    const w = terrainWorld(1, undefined, 2);
    setBlock(w, 0, 20, 0, Block.Glass);
    expect(lightAt(w, 0, 19, 0).sky).toBe(15);
    for (let x = -3; x <= 3; x++) for (let z = -3; z <= 3; z++) setBlock(w, x, 12, z, Block.Stone);
    expect(lightAt(w, 0, 11, 0).sky).toBe(11); // 4 steps sideways to the edge of the roof, then the column under it
    expect(firstDifference(w)).toBeNull();
  });

  it('closing a hole in a roof takes the light out of the room again; so does removing a torch', () => {
    const w = terrainWorld(1, undefined, 2);
    // A closed stone box on the ground (grass at y = 6): floor y = 7, walls, roof y = 12; the room is y = 8..11.
    for (let x = -4; x <= 4; x++) for (let z = -4; z <= 4; z++) for (let y = 7; y <= 12; y++) {
      const wall = x === -4 || x === 4 || z === -4 || z === 4 || y === 12 || y === 7;
      setBlock(w, x, y, z, wall ? Block.Stone : Block.Air);
    }
    expect(lightAt(w, 0, 9, 0)).toEqual({ sky: 0, block: 0 });
    setBlock(w, 0, 12, 0, Block.Air); // the hole
    expect(lightAt(w, 0, 8, 0).sky).toBe(15);
    expect(lightAt(w, 2, 8, 0).sky).toBe(13);
    setBlock(w, 0, 12, 0, Block.Glass); // glass lets it in too
    expect(lightAt(w, 0, 8, 0).sky).toBe(15);
    setBlock(w, 0, 12, 0, Block.Stone); // closed
    expect(lightAt(w, 0, 8, 0).sky).toBe(0);
    setBlock(w, 1, 9, 1, Block.Torch);
    expect(lightAt(w, 3, 9, 3).block).toBe(10);
    expect(firstDifference(w)).toBeNull();
    setBlock(w, 1, 9, 1, Block.Air);
    expect(lightAt(w, 3, 9, 3).block).toBe(0);
    expect(firstDifference(w)).toBeNull();
  });

  it('crosses section and column borders, and a column that leaves takes its light with it', () => {
    const w = terrainWorld(1, undefined, 3);
    setBlock(w, 15, 15, 5, Block.Torch); // at the corner of column (0, 0)'s first section
    expect(lightAt(w, 16, 15, 5).block).toBe(13); // column (1, 0)
    expect(lightAt(w, 15, 16, 5).block).toBe(13); // section 1
    expect(lightAt(w, 18, 17, 5).block).toBe(9);
    // A roof over everything, then a hole in it in the next column: light spreads back under the roof.
    for (let x = -16; x < 32; x++) for (let z = -16; z < 32; z++) setBlock(w, x, 30, z, Block.Stone);
    setBlock(w, 17, 30, 2, Block.Air);
    expect(lightAt(w, 14, 20, 2).sky).toBe(12);
    expect(firstDifference(w)).toBeNull();
    removeColumn(w, 1, 0);
    expect(lightAt(w, 14, 20, 2).sky).toBe(0);
    expect(lightAt(w, 14, 15, 5).block).toBe(13);
    expect(firstDifference(w)).toBeNull();
  });

  it('equals the brute-force reference after random edits near the surface and in caves, one by one or in batches', () => {
    const edit = fc.record({
      x: fc.integer({ min: -16, max: 31 }), y: fc.integer({ min: 0, max: 24 }), z: fc.integer({ min: -16, max: 31 }),
      block: fc.constantFrom(...BLOCKS),
    });
    fc.assert(fc.property(fc.array(fc.array(edit, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 4 }), (batches) => {
      const w = terrainWorld(1, undefined, 2);
      enableLight(w);
      updateLight(w);
      // A cave under the ground and a wall across the column border, so that edits reach dark places too.
      for (let x = -6; x <= 20; x++) for (let z = 2; z <= 4; z++) for (let y = 2; y <= 4; y++) setBlock(w, x, y, z, Block.Air);
      for (const batch of batches) {
        for (const e of batch) setBlock(w, e.x, e.y, e.z, e.block);
        const diff = firstDifference(w);
        if (diff) throw new Error(diff);
      }
    }), { numRuns: 20, seed: 7 });
  });
});

describe('light left unread', () => {
  it('drops its pending edits past MAX_PENDING_LIGHT_EDITS and relights whole, still exact', () => {
    const w = terrainWorld(1, undefined, 2);
    updateLight(w);
    const rng = createRng(5);
    for (let i = 0; i < MAX_PENDING_LIGHT_EDITS + 10; i++) setBlock(w, 3 + (i % 7), 10, 3, i % 2 ? Block.Torch : Block.Stone);
    for (let i = 0; i < 40; i++) setBlock(w, rng.int(-16, 31), rng.int(0, 20), rng.int(-16, 31), BLOCKS[rng.int(0, BLOCKS.length - 1)]);
    expect(w.light!.edits.length).toBeLessThan(MAX_PENDING_LIGHT_EDITS * 3);
    expect(w.light!.ready.size).toBe(0);
    expect(firstDifference(w)).toBeNull();
  });
});

describe('light and meshes', () => {
  it('marks for remeshing the sections whose light an edit changed, also across section and column borders', () => {
    const w = terrainWorld(1, undefined, 3);
    updateLight(w);
    takeDirtySections(w);
    setBlock(w, 14, 14, 5, Block.Torch); // lights section 1 above and column (1, 0) beside
    updateLight(w);
    const dirty = takeDirtySections(w).map((r) => `${r.cx},${r.sy},${r.cz}`);
    expect(dirty).toEqual(expect.arrayContaining(['0,0,0', '0,1,0', '1,0,0']));
    expect(dirty).not.toContain('-1,0,-1'); // out of reach
  });
});
