import { addComponent, hasComponent } from 'bitecs';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPONENTS } from '../../../engine/ecs/components.ts';
import { attachStores, createEcsWorld, ecsMemory, spawnEntity, storeIn, storeOf, storesByteLength } from '../../../engine/ecs/world.ts';
import { componentLayout, defineProtocol } from '../../../engine/protocol/define.ts';
import { EXAMPLE_SPEC, Mana } from '../../support/protocol-examples.ts';
import { createNodePool } from '../../../workers/pool.node.ts';

describe('ECS world on shared memory', () => {
  const pool = createNodePool({ threads: 1 });
  afterAll(() => pool.destroy());

  it('puts every field of every component store on one SharedArrayBuffer', () => {
    const world = createEcsWorld({ capacity: 128 });
    let fields = 0;
    for (const schema of COMPONENTS) {
      const store = world.stores[schema.name] as Record<string, ArrayBufferView>;
      for (const name of Object.keys(schema.fields)) {
        expect(store[name].buffer, `${schema.name}.${name}`).toBeInstanceOf(SharedArrayBuffer);
        expect(store[name].buffer).toBe(world.memory);
        fields++;
      }
    }
    expect(fields).toBeGreaterThanOrEqual(16);
    expect(world.memory.byteLength).toBe(storesByteLength(COMPONENTS, 128));
  });

  it('lays fields out without overlap and sizes array fields by their length', () => {
    const world = createEcsWorld({ capacity: 64 });
    const inv = world.stores.Inventory;
    expect(inv.item.length).toBe(64 * 9);
    // Writing the last element of one field must not show up in any other field.
    const views = COMPONENTS.flatMap((s) => Object.values(world.stores[s.name] as Record<string, ArrayBufferView & { length: number; [i: number]: number }>));
    for (const v of views) v[v.length - 1] = 7;
    for (const v of views) expect(v[0]).toBe(0);
  });

  it('registers the stores as bitECS components and refuses entities past capacity', () => {
    const world = createEcsWorld({ capacity: 16 });
    const e = spawnEntity(world);
    addComponent(world, e, world.stores.Transform);
    expect(hasComponent(world, e, world.stores.Transform)).toBe(true);
    expect(hasComponent(world, e, world.stores.Health)).toBe(false);
    for (let i = 0; i < 14; i++) spawnEntity(world);
    expect(() => spawnEntity(world)).toThrow(/capacity 16/);
  });

  it('a worker thread writes store memory that the main thread then reads, without a copy', async () => {
    const world = createEcsWorld({ capacity: 32 });
    const e = spawnEntity(world);
    world.stores.Transform.y[e] = 12.5;
    const job = { module: new URL('../../fixtures/ecs-writer.worker.ts', import.meta.url).href, name: 'writeX' };
    const r = await pool.run<object, { sawY: number; shared: boolean }>(job, { ...ecsMemory(world), eid: e, x: 42.25 });
    expect(r.sawY).toBe(12.5);
    expect(r.shared).toBe(true);
    expect(world.stores.Transform.x[e]).toBe(42.25);
  });

  it('lays user components out after the built-ins, in the same SharedArrayBuffer, typed by their schema', () => {
    const layout = componentLayout(defineProtocol(EXAMPLE_SPEC));
    expect(layout.map((c) => c.name)).toEqual([...COMPONENTS.map((c) => c.name), 'Mana']);
    const world = createEcsWorld({ capacity: 32, components: layout });
    const mana = storeOf(world, Mana);
    expect(mana.current).toBeInstanceOf(Float32Array);
    expect(mana.current.buffer).toBe(world.memory);
    expect(world.memory.byteLength).toBe(storesByteLength(layout, 32));
    expect(world.memory.byteLength).toBeGreaterThan(storesByteLength(COMPONENTS, 32));
    const e = spawnEntity(world);
    addComponent(world, e, mana);
    expect(hasComponent(world, e, mana)).toBe(true);
    // A view made from the handles alone (what a worker gets) sees the same bytes.
    mana.max[e] = 100;
    expect(storeIn(attachStores(ecsMemory(world)), Mana).max[e]).toBe(100);
    // A world without it says so.
    expect(() => storeOf(createEcsWorld({ capacity: 16 }), Mana)).toThrow(/component Mana is not in this world's layout/);
  });

  it('a worker attaching with the handles writes a user component the main thread then reads', async () => {
    const world = createEcsWorld({ capacity: 32, components: [...COMPONENTS, Mana] });
    const e = spawnEntity(world);
    storeOf(world, Mana).max[e] = 50;
    const job = { module: new URL('../../fixtures/ecs-writer.worker.ts', import.meta.url).href, name: 'writeMana' };
    const r = await pool.run<object, { sawMax: number }>(job, { ...ecsMemory(world), eid: e, current: 12.5 });
    expect(r.sawMax).toBe(50);
    expect(storeOf(world, Mana).current[e]).toBe(12.5);
  });

  it('refuses a layout that does not start with the built-ins or names a component twice', () => {
    expect(() => createEcsWorld({ components: [Mana, ...COMPONENTS] })).toThrow(/components\[0\] must be the engine's Transform/);
    expect(() => createEcsWorld({ components: [...COMPONENTS, Mana, Mana] })).toThrow(/component Mana appears twice/);
  });

  it('rejects a bad capacity with its range', () => {
    expect(() => createEcsWorld({ capacity: 3 })).toThrow(/capacity must be an integer in 16\.\.1048576, got 3/);
  });
});
