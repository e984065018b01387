import { addComponent } from 'bitecs';
import { describe, expect, it } from 'vitest';
import { decodeEntityBatch, encodeEntityBatch } from '../../../engine/codec/entity-delta.ts';
import { defineComponent } from '../../../engine/ecs/schema.ts';
import { storeOf } from '../../../engine/ecs/world.ts';
import { BUILTIN_COMPONENTS, replicated } from '../../../engine/protocol/component-spec.ts';
import { BUILTIN_ENTITY_KINDS, componentLayout, defineProtocol } from '../../../engine/protocol/define.ts';
import { changeWeight, componentValues, createEntityLayout, readEntityState } from '../../../engine/replication/entity-layout.ts';
import { createGameWorld, spawnKind, spawnPlayer } from '../../../engine/sim/game-world.ts';
import { applyInventoryOp } from '../../../engine/rules/inventory.ts';
import { InventoryOpKind } from '../../../engine/input.ts';
import { GAME_PROTOCOL } from '../../../game/protocol.ts';
import { Block } from '../../../engine/voxel/blocks.ts';

const Mana = defineComponent({
  name: 'Mana',
  doc: 'Magic points.',
  fields: {
    current: { kind: 'f32', doc: 'Mana now, 0..max.' },
    max: { kind: 'u16', doc: 'Most mana.' },
    runes: { kind: 'u8', doc: 'Runes carried, per rune kind.', length: 3 },
    seed: { kind: 'u32', doc: 'Server-side only.' },
  },
});

describe('entity layout', () => {
  it('the game layout: Transform and Velocity x, y, z in mask bits 0..5, then the other fields replicated to all', () => {
    const layout = createEntityLayout(GAME_PROTOCOL);
    expect(layout.fields.map((f) => `${f.component}.${f.field}`)).toEqual([
      'Transform.x', 'Transform.y', 'Transform.z', 'Velocity.x', 'Velocity.y', 'Velocity.z',
      'Transform.pitch', 'Transform.yaw', 'Player.onGround', 'Health.current', 'HeldItem.item',
    ]);
    expect(layout.motion).toMatchObject({ x: 0, y: 1, z: 2, vx: 3, vy: 4, vz: 5, onGround: 8, yaw: 7 });
    // Inventory goes to its owner only, NetworkId and EntityKind to nobody.
    expect(layout.components.map((c) => c.name)).toEqual(['Transform', 'Velocity', 'Player', 'Health', 'HeldItem']);
  });

  it('replicates the fields of a user component to all: not the skipped ones, array fields per element, quantized', () => {
    const def = defineProtocol({
      components: [...BUILTIN_COMPONENTS, replicated(40, Mana, { to: 'all', fields: { current: { scale: 4 }, seed: 'skip' } })],
      entities: [...BUILTIN_ENTITY_KINDS, { id: 3, name: 'Zombie' }],
    });
    const layout = createEntityLayout(def);
    expect(layout.fields.slice(11).map((f) => `${f.component}.${f.field}[${f.element}]`)).toEqual([
      'Mana.current[0]', 'Mana.max[0]', 'Mana.runes[0]', 'Mana.runes[1]', 'Mana.runes[2]',
    ]);
    // The world lays the user component out beside the engine's.
    const world = createGameWorld({ capacity: 64, components: componentLayout(def) });
    const stores = { Mana: storeOf(world.ecs, Mana) };
    const zombie = spawnKind(world, 3, 5.5, 70, -2.25);
    const other = spawnKind(world, 3, 0, 0, 0); // no Mana: its Mana fields read 0
    addComponent(world.ecs, zombie, stores.Mana);
    stores.Mana.current[zombie] = 7.3; stores.Mana.max[zombie] = 20; stores.Mana.runes.set([1, 0, 4], zombie * 3); stores.Mana.seed[zombie] = 99;
    stores.Mana.current[other] = 5; // stale: the entity does not have the component
    const st = readEntityState(layout, world.ecs, zombie);
    expect(st.v.slice(11)).toEqual([29, 20, 1, 0, 4]); // 7.3 * 4 rounds to 29
    const back = decodeEntityBatch(encodeEntityBatch([st], () => layout.zero), () => layout.zero)[0];
    expect(componentValues(layout, back, 'Mana')).toEqual({ current: 7.25, max: 20, runes: [1, 0, 4] });
    expect(componentValues(layout, back, 'Transform')).toEqual({ x: 5.5, y: 70, z: -2.25, yaw: 0, pitch: 0 });
    expect(componentValues(layout, back, 'Inventory')).toBeUndefined();
    expect(readEntityState(layout, world.ecs, other).v.slice(11)).toEqual([0, 0, 0, 0, 0]);
    expect(componentValues(layout, readEntityState(layout, world.ecs, other), 'Health')).toEqual({ current: 0 });
  });

  it('a hot user field takes a low mask bit, and that goes into the canonical text', () => {
    const def = defineProtocol({ components: [...BUILTIN_COMPONENTS, replicated(40, Mana, { to: 'all', hot: ['current'] })] });
    const layout = createEntityLayout(def);
    expect(layout.fields.findIndex((f) => f.component === 'Mana' && f.field === 'current')).toBe(6);
    expect(def.canonical.components).toContain('current:f32=exact+hot');
    expect(() => defineProtocol({ components: [...BUILTIN_COMPONENTS, replicated(40, Mana, { to: 'all', hot: ['mana' as never] })] })).toThrow(/hot names mana/);
  });

  it('weighs a change by the highest priority among the components that changed', () => {
    const def = defineProtocol({ components: [...BUILTIN_COMPONENTS, replicated(40, Mana, { to: 'all', priority: 3, fields: { seed: 'skip' } })] });
    const layout = createEntityLayout(def);
    const manaBit = layout.fields.findIndex((f) => f.component === 'Mana');
    expect(changeWeight(layout, 0)).toBe(1);
    expect(changeWeight(layout, 0b111)).toBe(1); // Transform x, y, z: priority 1
    expect(changeWeight(layout, 1 | (1 << manaBit))).toBe(3);
  });

  it('refuses a layout the codec cannot carry', () => {
    const Wide = defineComponent({ name: 'Wide', doc: 'Too many fields.', fields: { a: { kind: 'u8', doc: 'a', length: 30 } } });
    expect(() => createEntityLayout(defineProtocol({ components: [...BUILTIN_COMPONENTS, replicated(40, Wide, { to: 'all' })] }))).toThrow(/41 wire fields; at most 31/);
    const Exact = defineComponent({ name: 'Exact', doc: 'f64.', fields: { a: { kind: 'f64', doc: 'a' } } });
    expect(() => createEntityLayout(defineProtocol({ components: [...BUILTIN_COMPONENTS, replicated(40, Exact, { to: 'all' })] }))).toThrow(/Exact.a: an f64 field needs/);
  });

  it('the held item follows the selected slot', () => {
    const world = createGameWorld({ capacity: 16 });
    const eid = spawnPlayer(world, 0, 0, 0, [[0, Block.Planks, 64], [2, Block.Glass, 3]]);
    const layout = createEntityLayout(GAME_PROTOCOL);
    expect(componentValues(layout, readEntityState(layout, world.ecs, eid), 'HeldItem')).toEqual({ item: Block.Planks });
    applyInventoryOp(world.ecs.stores, eid, { kind: InventoryOpKind.Select, a: 2, b: 0 });
    expect(componentValues(layout, readEntityState(layout, world.ecs, eid), 'HeldItem')).toEqual({ item: Block.Glass });
  });
});
