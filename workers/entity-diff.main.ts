/**
 * Entity diffing job, the owner side: runs the per-client encoding in the pool (or inline without one). The caller
 * records each output's `states` as the client's baseline for `tick` and sends its data.
 */
import type { EcsWorld } from '../engine/ecs/world.ts';
import { ecsMemory } from '../engine/ecs/world.ts';
import type { WorkerPool } from './pool.ts';
import { ENTITY_DIFF_JOB, type EntityDiffClient, type EntityDiffOutput, type EntityDiffTask } from './entity-diff.common.ts';
import { diffForClient } from './entity-diff.worker.ts';

/** Encodes the clients' updates in the pool; resolves with one output per client, in order. */
export function diffEntitiesInPool(pool: WorkerPool, ecs: EcsWorld, clients: EntityDiffClient[]): Promise<EntityDiffOutput[]> {
  const task: EntityDiffTask = { memory: ecsMemory(ecs), clients };
  return pool.run<EntityDiffTask, EntityDiffOutput[]>(ENTITY_DIFF_JOB, task);
}

/** The same on this thread (no pool: tests, small servers). */
export function diffEntitiesInline(ecs: EcsWorld, clients: EntityDiffClient[]): EntityDiffOutput[] {
  return clients.map((c) => diffForClient(ecs.stores, c));
}
