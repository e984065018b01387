import { afterAll, describe, expect, it } from 'vitest';
import { Button } from '../../engine/input.ts';
import { applyEntityUpdate, createSnapshotHistory, remember } from '../../engine/replication/entity-baselines.ts';
import { entityStateOf } from '../../engine/replication/entity-state.ts';
import { createGameWorld, spawnPlayer } from '../../engine/sim/game-world.ts';
import { stepWorld } from '../../engine/sim/step.ts';
import { DEFAULT_SUPERFLAT } from '../../engine/voxel/terrain/generator.ts';
import { createNodePool } from '../../workers/pool.node.ts';
import { diffEntitiesInPool, diffEntitiesInline } from '../../workers/entity-diff.main.ts';
import { generateColumnsSync, squareAround } from '../../workers/terrain.main.ts';

describe('entity diff job', () => {
  const pool = createNodePool({ threads: 2 });
  afterAll(() => pool.destroy());

  it('encodes in a worker, from the shared component stores, exactly what it encodes inline; the client follows it', async () => {
    const world = createGameWorld({ columnSections: 2 });
    generateColumnsSync(world.voxels, DEFAULT_SUPERFLAT, squareAround(0, 0, 2));
    const eids = Array.from({ length: 30 }, (_, i) => spawnPlayer(world, (i % 6) * 2 + 0.5, 7, Math.floor(i / 6) * 2 + 0.5));
    const server = createSnapshotHistory(), client = createSnapshotHistory();
    let ack = 0;
    for (let tick = 2; tick <= 60; tick += 2) {
      stepWorld(world, new Map(eids.map((e, i) => [e, { tick, buttons: Button.Forward, yaw: (i * 97 + tick * 13) % 1024, pitch: 0 }])));
      stepWorld(world, new Map());
      const base = server.byTick.get(ack);
      const job = { client: 1, tick, ackTick: base ? ack : 0, baseline: base ? [...base.values()] : [], ordered: eids, allowed: tick === 30 ? 10 : 1000, maxBytes: 1168 };
      const [viaPool] = await diffEntitiesInPool(pool, world.ecs, [job]);
      const [inline] = diffEntitiesInline(world.ecs, [job]);
      expect(viaPool.data).toEqual(inline.data);
      expect(viaPool.states).toEqual(inline.states);
      remember(server, tick, new Map(viaPool.states.map((s) => [s.id, s])));
      const held = applyEntityUpdate(client, tick, viaPool.baselineTick, viaPool.data)!;
      expect([...held.values()].sort((a, b) => a.id - b.id)).toEqual([...viaPool.states].sort((a, b) => a.id - b.id));
      if (tick === 30) expect(viaPool.sent).toHaveLength(10); // the budget let 10 through; the rest kept their state
      else expect(viaPool.states).toEqual(eids.map((e) => entityStateOf(world.ecs.stores, e)));
      ack = tick;
    }
  });
});
