import { serialize } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import type { EntityState } from '../../engine/codec/entity-delta.ts';
import { Button } from '../../engine/input.ts';
import { applyEntityUpdate, createSnapshotHistory, remember } from '../../engine/replication/entity-baselines.ts';
import { readEntityState } from '../../engine/replication/entity-layout.ts';
import { GAME_LAYOUT, stateOf } from '../support/entity-states.ts';
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
      const current = eids.map((e) => readEntityState(GAME_LAYOUT, world.ecs, e));
      const priority = current.map((_, i) => (i * 7) % 30); // the ten of priority 29..20 go first when it is short
      const job: EntityDiffClient = { client: 1, tick, ackTick: base ? ack : 0, baseline: base ? [...base.values()] : [], current, priority, allowed: tick === 30 ? 10 : 1000, maxBytes: 1168 };
      const [viaPool] = await diffEntitiesInPool(pool, GAME_LAYOUT, [job]);
      const [inline] = diffEntitiesInline(GAME_LAYOUT, [job]);
      expect(viaPool).toEqual(inline);
      const held = heldAfter(job, viaPool, base);
      remember(server, tick, held);
      const got = applyEntityUpdate(GAME_LAYOUT, client, tick, viaPool.baselineTick, viaPool.data)!;
      expect(got).toEqual(held);
      if (tick === 30) {
        // The budget let the 10 of highest priority through; the others kept their baseline state, as the owner's
        // own objects.
        expect([...viaPool.picked!].sort((x, y) => x - y)).toEqual(current.map((_, i) => i).filter((i) => priority[i] >= 20));
        for (const [i, st] of current.entries()) expect(held.get(st.id)).toBe(priority[i] >= 20 ? st : base!.get(st.id));
      } else {
        expect(viaPool.picked).toBeNull();
        expect([...held.values()]).toEqual(current);
      }
      ack = tick;
    }
  });

  it('an update too large for one datagram carries the entities of highest priority, halving until it fits', () => {
    const current: EntityState[] = Array.from({ length: 300 }, (_, i) => stateOf({ id: i + 1, x: 1000 + i * 37, y: 112, z: -500 - i * 11, yaw: i % 256, pitch: 0, vx: 40, vy: 0, vz: -12, health: 20, item: 3, flags: 1 }));
    const priority = current.map((_, i) => (i * 101) % 300);
    const [out] = diffEntitiesInline(GAME_LAYOUT, [{ client: 1, tick: 2, ackTick: 0, baseline: [], current, priority, allowed: 1000, maxBytes: 1168 }]);
    expect(out.data.length).toBeLessThanOrEqual(1168);
    expect(out.picked).not.toBeNull();
    const n = out.picked!.length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(300);
    expect(out.picked!.map((i) => priority[i]).sort((a, b) => b - a)).toEqual([...priority].sort((a, b) => b - a).slice(0, n));
  });

  it('a structured clone of a round copies each shared state once, however many clients refer to it', () => {
    const states: EntityState[] = Array.from({ length: 50 }, (_, i) => stateOf({ id: i + 1, x: i, health: 20 }));
    const task = (n: number) => ({ layout: GAME_LAYOUT, clients: Array.from({ length: n }, (_, c): EntityDiffClient => ({ client: c, tick: 4, ackTick: 2, baseline: states, current: [...states], priority: states.map(() => 1), allowed: 100, maxBytes: 1168 })) });
    const cloned = structuredClone(task(40));
    expect(cloned.clients[0].baseline[7]).toBe(cloned.clients[39].current[7]);
    // 40 clients cost the states once plus two lists of references each (a few bytes per reference).
    const one = serialize(task(1)).length, forty = serialize(task(40)).length;
    expect(forty - one).toBeLessThan(39 * 0.25 * one);
  });
});
