import { serialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import type { EntityState } from '../../engine/codec/entity-delta.ts';
import { Button } from '../../engine/input.ts';
import { applyEntityUpdate, createSnapshotHistory, remember } from '../../engine/replication/entity-baselines.ts';
import { entityStateOf } from '../../engine/replication/entity-state.ts';
import { createGameWorld, spawnPlayer } from '../../engine/sim/game-world.ts';
import { stepWorld } from '../../engine/sim/step.ts';
import { DEFAULT_SUPERFLAT } from '../../engine/voxel/terrain/generator.ts';
import { createNodePool } from '../../workers/pool.node.ts';
import { heldAfter, type EntityDiffClient } from '../../workers/entity-diff.common.ts';
import { diffEntitiesInPool, diffEntitiesInline } from '../../workers/entity-diff.main.ts';
import { generateColumnsSync, squareAround } from '../../workers/terrain.main.ts';

describe('entity diff job', () => {
  const pool = createNodePool({ threads: 2 });
  afterAll(() => pool.destroy());

  it('encodes in a worker exactly what it encodes inline; what the owner records as held is what the client holds', async () => {
    const world = createGameWorld({ columnSections: 2 });
    generateColumnsSync(world.voxels, DEFAULT_SUPERFLAT, squareAround(0, 0, 2));
    const eids = Array.from({ length: 30 }, (_, i) => spawnPlayer(world, (i % 6) * 2 + 0.5, 7, Math.floor(i / 6) * 2 + 0.5));
    const server = createSnapshotHistory(), client = createSnapshotHistory();
    let ack = 0;
    for (let tick = 2; tick <= 60; tick += 2) {
      // The first ten walk; the others stand still from tick 20 on (unchanged entities are left out of the delta).
      stepWorld(world, new Map(eids.map((e, i) => [e, { tick, buttons: i < 10 || tick < 20 ? Button.Forward : 0, yaw: (i * 97 + tick * 13) % 1024, pitch: 0 }])));
      stepWorld(world, new Map());
      const base = server.byTick.get(ack);
      const current = eids.map((e) => entityStateOf(world.ecs.stores, e));
      const job: EntityDiffClient = { client: 1, tick, ackTick: base ? ack : 0, baseline: base ? [...base.values()] : [], current, allowed: tick === 30 ? 10 : 1000, maxBytes: 1168 };
      const [viaPool] = await diffEntitiesInPool(pool, [job]);
      const [inline] = diffEntitiesInline([job]);
      expect(viaPool).toEqual(inline);
      const held = heldAfter(job, viaPool, base);
      remember(server, tick, held);
      const got = applyEntityUpdate(client, tick, viaPool.baselineTick, viaPool.data)!;
      expect(got).toEqual(held);
      if (tick === 30) {
        // The budget let the first 10 through; the others kept their baseline state, as the owner's own objects.
        expect(viaPool.included).toBe(10);
        for (const st of current.slice(10)) expect(held.get(st.id)).toBe(base!.get(st.id));
      } else {
        expect(viaPool.included).toBe(current.length);
        expect([...held.values()]).toEqual(current);
      }
      ack = tick;
    }
  });

  it('a structured clone of a round copies each shared state once, however many clients refer to it', () => {
    const states: EntityState[] = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, x: i, y: 0, z: 0, yaw: 0, pitch: 0, vx: 0, vy: 0, vz: 0, health: 20, item: 0, flags: 0 }));
    const task = (n: number) => ({ clients: Array.from({ length: n }, (_, c): EntityDiffClient => ({ client: c, tick: 4, ackTick: 2, baseline: states, current: [...states], allowed: 100, maxBytes: 1168 })) });
    const cloned = structuredClone(task(40));
    expect(cloned.clients[0].baseline[7]).toBe(cloned.clients[39].current[7]);
    // 40 clients cost the states once plus two lists of references each (a few bytes per reference).
    const one = serialize(task(1)).length, forty = serialize(task(40)).length;
    expect(forty - one).toBeLessThan(39 * 0.25 * one);
  });
});
