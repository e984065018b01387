import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AIR, Block, createBlockRegistry, BlockFlag } from '../../../engine/voxel/blocks.ts';
import { DIRTY_MESH, DIRTY_NET, voxelIndex } from '../../../engine/voxel/section.ts';
import { NO_SECTION, getSectionFlags, markSection, sectionVoxels } from '../../../engine/voxel/section-store.ts';
import {
  chunkFromKey, chunkKey, createVoxelWorld, ensureColumn, getBlock, removeColumn, setBlock, sortedColumnKeys,
} from '../../../engine/voxel/voxel-world.ts';
import { raycast } from '../../../engine/voxel/raycast.ts';
import { terrainWorld } from '../../support/worlds.ts';

describe('block registry', () => {
  it('has the required blocks with solid/opaque flags, and treats unknown ids as solid', () => {
    const r = createBlockRegistry();
    for (const name of ['air', 'stone', 'dirt', 'grass', 'sand', 'wood', 'leaves', 'glass', 'water', 'bedrock']) {
      expect(r.byName.has(name), name).toBe(true);
    }
    expect(r.flags[Block.Air]).toBe(0);
    expect(r.flags[Block.Stone] & BlockFlag.Opaque).toBeTruthy();
    expect(r.flags[Block.Glass] & BlockFlag.Opaque).toBe(0);
    expect(r.flags[Block.Glass] & BlockFlag.Solid).toBeTruthy();
    expect(r.flags[Block.Water] & BlockFlag.Solid).toBe(0);
    expect(r.flags[Block.Bedrock] & BlockFlag.Breakable).toBe(0);
    expect(r.flags[30000] & BlockFlag.Solid).toBeTruthy();
    expect(() => createBlockRegistry([AIR, { id: 1, name: 'x', color: 0 }, { id: 1, name: 'y', color: 0 }])).toThrow(/given twice/);
  });
});

describe('voxel world', () => {
  it('indexes sections y<<8 | z<<4 | x and stores them as views into SAB slabs', () => {
    const w = createVoxelWorld({ columnSections: 4 });
    ensureColumn(w, 0, 0);
    setBlock(w, 3, 17, 5, Block.Stone);
    const col = w.columns.get(chunkKey(0, 0))!;
    expect(col.sections[0]).toBe(NO_SECTION);
    const voxels = sectionVoxels(w.store, col.sections[1]);
    expect(voxels).toBeInstanceOf(Uint16Array);
    expect(voxels.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(voxels[(1 << 8) | (5 << 4) | 3]).toBe(Block.Stone);
    expect(voxelIndex(3, 1, 5)).toBe((1 << 8) | (5 << 4) | 3);
  });

  it('gets back every block it sets, anywhere, including negative coordinates', () => {
    const w = createVoxelWorld({ columnSections: 2 });
    for (let cx = -2; cx <= 1; cx++) for (let cz = -2; cz <= 1; cz++) ensureColumn(w, cx, cz);
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: -32, max: 31 }), fc.integer({ min: 0, max: 31 }), fc.integer({ min: -32, max: 31 }), fc.integer({ min: 0, max: 65535 })), { maxLength: 50 }), (edits) => {
      const last = new Map<string, number>();
      for (const [x, y, z, b] of edits) { setBlock(w, x, y, z, b); last.set(`${x},${y},${z}`, b); }
      for (const [k, b] of last) { const [x, y, z] = k.split(',').map(Number); if (getBlock(w, x, y, z) !== b) return false; }
      return true;
    }));
  });

  it('marks DIRTY_MESH and DIRTY_NET on edit, and DIRTY_MESH on the neighbour across a border', () => {
    const w = createVoxelWorld({ columnSections: 2 });
    ensureColumn(w, 0, 0); ensureColumn(w, -1, 0);
    setBlock(w, -1, 3, 3, Block.Dirt); // allocates the neighbour's section
    const left = w.columns.get(chunkKey(-1, 0))!.sections[0];
    markSection(w.store, left, DIRTY_MESH | DIRTY_NET, false);
    setBlock(w, 0, 3, 3, Block.Stone);
    const here = w.columns.get(chunkKey(0, 0))!.sections[0];
    expect(getSectionFlags(w.store, here)).toBe(DIRTY_MESH | DIRTY_NET);
    expect(getSectionFlags(w.store, left)).toBe(DIRTY_MESH);
  });

  it('reads air above and in unloaded columns, bedrock below, and refuses edits outside', () => {
    const w = createVoxelWorld({ columnSections: 1 });
    ensureColumn(w, 0, 0);
    expect(getBlock(w, 0, -1, 0)).toBe(Block.Bedrock);
    expect(getBlock(w, 0, 16, 0)).toBe(Block.Air);
    expect(getBlock(w, 100, 3, 0)).toBe(Block.Air);
    expect(() => setBlock(w, 100, 3, 0, Block.Stone)).toThrow(/outside the loaded world/);
    expect(() => setBlock(w, 0, 16, 0, Block.Stone)).toThrow(/outside/);
  });

  it('orders column keys by chunk coordinates and reuses freed sections', () => {
    const w = createVoxelWorld({ columnSections: 1 });
    for (const [x, z] of [[3, -1], [-2, 5], [0, 0], [-2, -7]]) setBlock(ensureColumn(w, x, z) && w, x * 16, 0, z * 16, Block.Stone);
    expect(sortedColumnKeys(w).map(chunkFromKey)).toEqual([[-2, -7], [-2, 5], [0, 0], [3, -1]]);
    const before = w.store.allocated;
    removeColumn(w, 3, -1);
    expect(w.store.allocated).toBe(before - 1);
    setBlock(ensureColumn(w, 9, 9) && w, 144, 0, 144, Block.Dirt);
    expect(w.store.handles.slabs).toHaveLength(1);
    expect(getBlock(w, 145, 0, 144)).toBe(Block.Air); // reused memory came back zeroed
  });
});

describe('voxel raycast', () => {
  it('hits the first solid block and names the face it entered', () => {
    const w = terrainWorld(1);
    const down = raycast(w, 0.5, 10, 0.5, 0, -1, 0, 10);
    expect(down).toMatchObject({ x: 0, y: 6, z: 0, face: 3, block: Block.Grass });
    expect(down!.distance).toBeCloseTo(3);
    setBlock(w, 4, 8, 0, Block.Stone);
    expect(raycast(w, 0.5, 8.5, 0.5, 1, 0, 0, 10)).toMatchObject({ x: 4, y: 8, z: 0, face: 0 });
    expect(raycast(w, 0.5, 8.5, 0.5, 1, 0, 0, 3)).toBeNull();
    expect(raycast(w, 0.5, 8.5, 0.5, 0, 1, 0, 50)).toBeNull();
  });
});
