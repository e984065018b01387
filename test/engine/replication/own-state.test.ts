import { describe, expect, it } from 'vitest';
import { CodecError } from '../../../engine/codec/codec-error.ts';
import { componentValues, readEntityState } from '../../../engine/replication/entity-layout.ts';
import { applyOwnState, createOwnLayout, encodeOwnState } from '../../../engine/replication/own-state.ts';
import { createGameWorld, spawnPlayer } from '../../../engine/sim/game-world.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { componentLayout } from '../../../engine/protocol/define.ts';
import { GAME_PROTOCOL } from '../../../game/protocol.ts';

describe('own state', () => {
  it('carries the owner and all components but the body, only those that changed, exactly', () => {
    const layout = createOwnLayout(GAME_PROTOCOL);
    // The game's Backpack (27 slots, 54 fields) takes the own layout past the 31 fields an entity delta's mask holds.
    expect(layout.components.map((c) => c.name)).toEqual(['Health', 'Inventory', 'HeldItem', 'Backpack']);
    expect(layout.fields.length).toBeGreaterThan(31);
    const world = createGameWorld({ capacity: 16, components: componentLayout(GAME_PROTOCOL) });
    const eid = spawnPlayer(world, 3, 70, 3, [[0, Block.Dirt, 12]]);
    const first = readEntityState(layout, world.ecs, eid);
    const held = layout.zero.v.slice();
    expect(applyOwnState(layout, held, encodeOwnState(layout, first, undefined)!)).toEqual(['Health', 'Inventory', 'HeldItem', 'Backpack']);
    expect(componentValues(layout, { id: 1, v: held }, 'Health')).toEqual({ current: 20 });
    expect(componentValues(layout, { id: 1, v: held }, 'Inventory')).toMatchObject({ selected: 0, item: [Block.Dirt, 0, 0, 0, 0, 0, 0, 0, 0] });

    world.ecs.stores.Health.current[eid] = 13;
    world.ecs.stores.Transform.x[eid] = 40; // the body is not in it
    const second = readEntityState(layout, world.ecs, eid);
    const data = encodeOwnState(layout, second, first)!;
    expect(data.length).toBe(3); // count, component id, the one value
    expect(applyOwnState(layout, held, data)).toEqual(['Health']);
    expect(held).toEqual(second.v);
    expect(encodeOwnState(layout, second, second)).toBeNull();
  });

  it('refuses garbage with a CodecError, leaving what it holds', () => {
    const layout = createOwnLayout(GAME_PROTOCOL);
    const held = layout.zero.v.slice();
    for (const bad of [Uint8Array.of(1, 99, 0), Uint8Array.of(1, 4), Uint8Array.of(1, 4, 2, 9), Uint8Array.of(9)]) {
      expect(() => applyOwnState(layout, held, bad)).toThrow(CodecError);
    }
    expect(held).toEqual(layout.zero.v);
  });
});
