/** Entity diffing job, the body: delta-encodes per client the states passed in. See entity-diff.common.ts. */
import type { EntityState } from '../engine/codec/entity-delta.ts';
import { encodeEntityUpdate } from '../engine/replication/entity-baselines.ts';
import type { EntityLayout } from '../engine/replication/entity-layout.ts';
import type { EntityDiffClient, EntityDiffOutput, EntityDiffTask } from './entity-diff.common.ts';

/**
 * Encodes one client's update: every state of `current` when the budget allows them all and they fit `maxBytes`;
 * else the `allowed` of highest priority, the others at their baseline state (unchanged) or left out (no baseline
 * yet), halving the number included until the update fits.
 */
export function diffForClient(layout: EntityLayout, c: EntityDiffClient): EntityDiffOutput {
  const base = new Map<number, EntityState>();
  for (const s of c.baseline) base.set(s.id, s);
  // A throwaway history holding just the baseline: encodeEntityUpdate records into it; the owner keeps its own.
  const encode = (states: EntityState[]) => encodeEntityUpdate(layout, { byTick: new Map(c.ackTick > 0 ? [[c.ackTick, base]] : []) }, c.tick, c.ackTick, states);
  const out = (u: { baselineTick: number; data: Uint8Array }, picked: number[] | null): EntityDiffOutput =>
    ({ client: c.client, tick: c.tick, baselineTick: u.baselineTick, data: u.data, picked });
  if (c.allowed >= c.current.length) {
    const u = encode(c.current);
    if (u.data.length <= c.maxBytes || c.current.length <= 1) return out(u, null);
  }
  // Not all of them: the highest priority first (sorted only now, which a short budget or a crowd makes rare).
  const order = c.current.map((_, i) => i).sort((a, b) => c.priority[b] - c.priority[a] || c.current[a].id - c.current[b].id);
  let n = c.allowed >= c.current.length ? Math.floor(c.current.length / 2) : c.allowed; // all of them did not fit
  for (;;) {
    const picked = order.slice(0, n);
    const states: EntityState[] = [];
    const chosen = new Set(picked);
    for (let i = 0; i < c.current.length; i++) {
      const st = chosen.has(i) ? c.current[i] : base.get(c.current[i].id);
      if (st) states.push(st);
    }
    const u = encode(states);
    if (u.data.length <= c.maxBytes || n <= 1) return out(u, picked);
    n = Math.floor(n / 2);
  }
}

/** Encodes every client of the task. */
export function diffEntities(task: EntityDiffTask): EntityDiffOutput[] {
  return task.clients.map((c) => diffForClient(task.layout, c));
}
