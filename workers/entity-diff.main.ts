/**
 * Entity diffing job, the owner side: runs the per-client encoding in the pool (or inline without one). The caller
 * records what each client holds afterwards (`heldAfter` in entity-diff.common.ts) as its baseline for `tick`, and
 * sends the data.
 */
import type { EntityLayout } from '../engine/replication/entity-layout.ts';
import type { WorkerPool } from './pool.ts';
import { ENTITY_DIFF_JOB, type EntityDiffClient, type EntityDiffOutput, type EntityDiffTask } from './entity-diff.common.ts';
import { diffForClient } from './entity-diff.worker.ts';

/** Encodes the clients' updates in the pool; resolves with one output per client, in order. */
export function diffEntitiesInPool(pool: WorkerPool, layout: EntityLayout, clients: EntityDiffClient[]): Promise<EntityDiffOutput[]> {
  return pool.run<EntityDiffTask, EntityDiffOutput[]>(ENTITY_DIFF_JOB, { layout, clients });
}

/** The same on this thread (no pool: tests, small servers). */
export function diffEntitiesInline(layout: EntityLayout, clients: EntityDiffClient[]): EntityDiffOutput[] {
  return clients.map((c) => diffForClient(layout, c));
}
