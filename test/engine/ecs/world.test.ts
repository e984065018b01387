import { addComponent, hasComponent } from 'bitecs';
import { afterAll, describe, expect, it } from 'vitest';
import { COMPONENTS } from '../../../engine/ecs/components.ts';
import { createEcsWorld, ecsMemory, spawnEntity, storesByteLength } from '../../../engine/ecs/world.ts';
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

  it('rejects a bad capacity with its range', () => {
    expect(() => createEcsWorld({ capacity: 3 })).toThrow(/capacity must be an integer in 16\.\.1048576, got 3/);
  });
});
