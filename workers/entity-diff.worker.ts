/** Entity diffing job, the body: reads the shared component stores and delta-encodes per client. See entity-diff.common.ts. */
import type { EntityState } from '../engine/codec/entity-delta.ts';
import { attachStores, type EngineStores } from '../engine/ecs/world.ts';
import { encodeEntityUpdate, type SnapshotHistory } from '../engine/replication/entity-baselines.ts';
import { entityStateOf } from '../engine/replication/entity-state.ts';
import type { EntityDiffClient, EntityDiffOutput, EntityDiffTask } from './entity-diff.common.ts';

/**
 * Encodes one client's update: the first `allowed` entities of `ordered` as they are now, the others at their
 * baseline state (unchanged) or left out (no baseline yet); halves the number included until it fits `maxBytes`.
 */
export function diffForClient(stores: EngineStores, c: EntityDiffClient): EntityDiffOutput {
  const base = new Map(c.baseline.map((s) => [s.id, s]));
  const current = c.ordered.map((eid) => entityStateOf(stores, eid));
  let n = Math.min(c.allowed, current.length);
  for (;;) {
    const states: EntityState[] = [];
    current.forEach((st, i) => {
      if (i < n) states.push(st);
      else { const b = base.get(st.id); if (b) states.push(b); }
    });
    // A throwaway history holding just the baseline: encodeEntityUpdate records into it, the owner keeps `states`.
    const h: SnapshotHistory = { byTick: new Map(c.ackTick > 0 ? [[c.ackTick, base]] : []) };
    const u = encodeEntityUpdate(h, c.tick, c.ackTick, states);
    if (u.data.length <= c.maxBytes || n <= 1) {
      return { client: c.client, tick: c.tick, baselineTick: u.baselineTick, data: u.data, states, sent: current.slice(0, n).map((s) => s.id) };
    }
    n = Math.floor(n / 2);
  }
}

/** Encodes every client of the task. */
export function diffEntities(task: EntityDiffTask): EntityDiffOutput[] {
  const stores = attachStores(task.memory);
  return task.clients.map((c) => diffForClient(stores, c));
}
