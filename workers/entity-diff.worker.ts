/** Entity diffing job, the body: delta-encodes per client the states passed in. See entity-diff.common.ts. */
import type { EntityState } from '../engine/codec/entity-delta.ts';
import { encodeEntityUpdate, type SnapshotHistory } from '../engine/replication/entity-baselines.ts';
import type { EntityDiffClient, EntityDiffOutput, EntityDiffTask } from './entity-diff.common.ts';

/**
 * Encodes one client's update: the first `allowed` states of `current`, the others at their baseline state
 * (unchanged) or left out (no baseline yet); halves the number included until it fits `maxBytes`.
 */
export function diffForClient(c: EntityDiffClient): EntityDiffOutput {
  const base = new Map<number, EntityState>();
  for (const s of c.baseline) base.set(s.id, s);
  let n = Math.min(c.allowed, c.current.length);
  for (;;) {
    const states: EntityState[] = [];
    for (let i = 0; i < c.current.length; i++) {
      const st = i < n ? c.current[i] : base.get(c.current[i].id);
      if (st) states.push(st);
    }
    // A throwaway history holding just the baseline: encodeEntityUpdate records into it; the owner keeps its own.
    const h: SnapshotHistory = { byTick: new Map(c.ackTick > 0 ? [[c.ackTick, base]] : []) };
    const u = encodeEntityUpdate(h, c.tick, c.ackTick, states);
    if (u.data.length <= c.maxBytes || n <= 1) return { client: c.client, tick: c.tick, baselineTick: u.baselineTick, data: u.data, included: n };
    n = Math.floor(n / 2);
  }
}

/** Encodes every client of the task. */
export function diffEntities(task: EntityDiffTask): EntityDiffOutput[] {
  return task.clients.map(diffForClient);
}
