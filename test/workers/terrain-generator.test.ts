import { afterAll, describe, expect, it } from 'vitest';
import type { PlayerInput } from '../../engine/input.ts';
import { Block } from '../../engine/voxel/blocks.ts';
import { createVoxelWorld, getBlock, type VoxelWorld } from '../../engine/voxel/voxel-world.ts';
import { createNodePool } from '../../workers/pool.node.ts';
import type { ModuleGenerator, WorldGenerator } from '../../workers/terrain.common.ts';
import { generateWorld, squareAround } from '../../workers/terrain.main.ts';
import { pillars, type PillarOptions } from '../fixtures/pillar-generator.ts';
import { createStepper } from '../support/stepper.ts';

const OPTIONS: PillarOptions = { seed: 5, floor: 4, block: Block.Planks };
const MODULE: ModuleGenerator = { kind: 'module', module: new URL('../fixtures/pillar-generator.ts', import.meta.url).href, name: 'pillars', options: OPTIONS, top: 32 };
const FUNCTION: WorldGenerator = { kind: 'function', fill: (cx, cz, sections) => pillars(cx, cz, sections, OPTIONS), top: 32 };

/** Every block of the generated area, as one list. */
function blocksOf(w: VoxelWorld, radius: number): number[] {
  const out: number[] = [];
  for (let x = -radius * 16; x < (radius + 1) * 16; x++) for (let z = -radius * 16; z < (radius + 1) * 16; z++) for (let y = 0; y < 12; y++) out.push(getBlock(w, x, y, z));
  return out;
}

describe('user world generators', () => {
  const pool = createNodePool({ threads: 2 });
  afterAll(() => pool.destroy());

  it('a function, a module in the worker pool and the same module on this thread fill the same blocks', async () => {
    const worlds = [createVoxelWorld({ columnSections: 4 }), createVoxelWorld({ columnSections: 4 }), createVoxelWorld({ columnSections: 4 })];
    await generateWorld(worlds[0], FUNCTION, squareAround(0, 0, 1));
    await generateWorld(worlds[1], MODULE, squareAround(0, 0, 1), pool);
    await generateWorld(worlds[2], MODULE, squareAround(0, 0, 1));
    const a = blocksOf(worlds[0], 1);
    expect(a.filter((b) => b === Block.Planks).length).toBe(9 * 256 * 4);
    expect(a.filter((b) => b === 1).length).toBeGreaterThan(0);
    expect(blocksOf(worlds[1], 1)).toEqual(a);
    expect(blocksOf(worlds[2], 1)).toEqual(a);
    // Sections above `top` stay unallocated.
    expect([...worlds[0].columns.values()][0].sections.slice(2).every((id) => id < 0)).toBe(true);
  });

  it('names a module without the export, and a top outside the world', async () => {
    await expect(generateWorld(createVoxelWorld({ columnSections: 1 }), { ...MODULE, name: 'nope', top: 16 }, [[0, 0]])).rejects.toThrow(/has no exported function nope/);
    await expect(generateWorld(createVoxelWorld({ columnSections: 1 }), { ...MODULE, top: 17 }, [[0, 0]])).rejects.toThrow(/generator top must be an integer in 0\.\.16 \(the world's height\), got 17/);
  });

  it('a server generates its world with a user generator and spawns players on it', async () => {
    const st = await createStepper({ game: { generator: FUNCTION }, worldRadius: 1 });
    const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });
    const c = st.addClient(idle);
    st.step(20);
    expect(getBlock(st.server.world.voxels, 3, 2, 3)).toBe(Block.Planks);
    const p = [...st.server.players.values()][0];
    // Standing on the floor (y = 4) or on a pillar at the spawn cell (y = 9).
    expect([OPTIONS.floor, OPTIONS.floor + 5]).toContain(st.server.world.ecs.stores.Transform.y[p.eid]);
    expect(c.client.world.voxels.columns.size).toBeGreaterThan(0);
  });
});
