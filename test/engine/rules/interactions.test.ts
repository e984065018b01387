import { describe, expect, it } from 'vitest';
import { HOTBAR_SLOTS } from '../../../engine/ecs/components.ts';
import { BlockActionKind, InventoryOpKind } from '../../../engine/input.ts';
import { applyInventoryOp, selectedItem } from '../../../engine/rules/inventory.ts';
import { REACH, applyBlockAction } from '../../../engine/rules/interactions.ts';
import { createGameWorld, spawnPlayer } from '../../../engine/sim/game-world.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { getBlock, setBlock } from '../../../engine/voxel/voxel-world.ts';
import { DEFAULT_SUPERFLAT } from '../../../engine/voxel/terrain/generator.ts';
import { generateColumnsSync, squareAround } from '../../../workers/terrain.main.ts';

const GROUND = 7;
const { Break, Place } = BlockActionKind;
const TOP = 3; // face +y

function setup() {
  const world = createGameWorld({ columnSections: 2 });
  generateColumnsSync(world.voxels, DEFAULT_SUPERFLAT, squareAround(0, 0, 1));
  const a = spawnPlayer(world, 0.5, GROUND, 0.5, [[0, Block.Planks, 2], [1, Block.Glass, 1]]);
  const b = spawnPlayer(world, 3.5, GROUND, 0.5);
  return { world, a, b, snapshot: () => Array.from(world.ecs.stores.Inventory.count) };
}

describe('block interactions', () => {
  it('places a block from the selected slot against a face, and breaks it back into the hotbar', () => {
    const { world, a } = setup();
    const r = applyBlockAction(world.ecs, world.voxels, a, { kind: Place, x: 2, y: GROUND - 1, z: 0, face: TOP });
    expect(r).toMatchObject({ ok: true, edit: { x: 2, y: GROUND, z: 0, block: Block.Planks, prev: Block.Air } });
    expect(getBlock(world.voxels, 2, GROUND, 0)).toBe(Block.Planks);
    expect(selectedItem(world.ecs.stores, a)).toEqual({ slot: 0, item: Block.Planks, count: 1 });
    const br = applyBlockAction(world.ecs, world.voxels, a, { kind: Break, x: 2, y: GROUND, z: 0, face: TOP });
    expect(br.ok).toBe(true);
    expect(getBlock(world.voxels, 2, GROUND, 0)).toBe(Block.Air);
    expect(selectedItem(world.ecs.stores, a).count).toBe(2);
  });

  it('refuses out of reach, into a player and outside the world with a reason, changing nothing', () => {
    const { world, a, snapshot } = setup();
    const inv = snapshot();
    const far = applyBlockAction(world.ecs, world.voxels, a, { kind: Place, x: 0, y: GROUND - 1, z: REACH + 3, face: TOP });
    expect(far).toMatchObject({ ok: false, reason: 'out-of-reach' });
    expect(!far.ok && far.message).toMatch(/reach is 5/);
    expect(getBlock(world.voxels, 0, GROUND, REACH + 3)).toBe(Block.Air);

    const self = applyBlockAction(world.ecs, world.voxels, a, { kind: Place, x: 0, y: GROUND - 1, z: 0, face: TOP });
    expect(self).toMatchObject({ ok: false, reason: 'into-player' });
    const other = applyBlockAction(world.ecs, world.voxels, a, { kind: Place, x: 3, y: GROUND - 1, z: 0, face: TOP });
    expect(other).toMatchObject({ ok: false, reason: 'into-player' });
    expect(getBlock(world.voxels, 3, GROUND, 0)).toBe(Block.Air);

    // Outside the loaded area, and above the world's top.
    expect(applyBlockAction(world.ecs, world.voxels, a, { kind: Break, x: 0, y: GROUND - 1, z: 40, face: TOP })).toMatchObject({ ok: false, reason: 'outside-world' });
    world.ecs.stores.Transform.y[a] = world.voxels.height - 2;
    setBlock(world.voxels, 0, world.voxels.height - 1, 1, Block.Stone);
    expect(applyBlockAction(world.ecs, world.voxels, a, { kind: Place, x: 0, y: world.voxels.height - 1, z: 1, face: TOP })).toMatchObject({ ok: false, reason: 'outside-world' });
    expect(snapshot()).toEqual(inv);
  });

  it('refuses breaking bedrock or air, an empty slot, an occupied cell and a blocked line of sight', () => {
    const { world, a } = setup();
    const act = (kind: BlockActionKind, x: number, y: number, z: number, face = TOP) => applyBlockAction(world.ecs, world.voxels, a, { kind, x, y, z, face });
    expect(act(Break, 1, 0, 0)).toMatchObject({ ok: false }); // bedrock under 6 blocks: obstructed or unbreakable
    expect(act(Break, 1, GROUND + 1, 0)).toMatchObject({ ok: false, reason: 'nothing-there' });
    setBlock(world.voxels, 1, GROUND, 1, Block.Stone);
    expect(act(Place, 1, GROUND - 1, 1, TOP)).toMatchObject({ ok: false, reason: 'occupied' });
    world.ecs.stores.Inventory.selected[a] = 5;
    expect(act(Place, 2, GROUND - 1, 0)).toMatchObject({ ok: false, reason: 'empty-slot' });
    // A wall between the eye and the target.
    for (let y = GROUND; y < GROUND + 4; y++) for (let z = -2; z <= 2; z++) setBlock(world.voxels, 2, y, z, Block.Stone);
    expect(act(Break, 3, GROUND - 1, 0)).toMatchObject({ ok: false, reason: 'obstructed' });
    expect(act(Break, 3, GROUND - 1, 0, 7)).toMatchObject({ ok: false, reason: 'bad-face' });
  });
});

describe('inventory', () => {
  it('selects and swaps slots, and refuses slots outside the hotbar', () => {
    const { world, a } = setup();
    const s = world.ecs.stores;
    expect(applyInventoryOp(s, a, { kind: InventoryOpKind.Select, a: 1, b: 0 }).ok).toBe(true);
    expect(selectedItem(s, a)).toEqual({ slot: 1, item: Block.Glass, count: 1 });
    expect(applyInventoryOp(s, a, { kind: InventoryOpKind.Swap, a: 0, b: 1 }).ok).toBe(true);
    expect(selectedItem(s, a)).toEqual({ slot: 1, item: Block.Planks, count: 2 });
    const bad = applyInventoryOp(s, a, { kind: InventoryOpKind.Select, a: HOTBAR_SLOTS, b: 0 });
    expect(bad).toMatchObject({ ok: false, reason: 'bad-slot' });
    expect(s.Inventory.selected[a]).toBe(1);
  });
});
