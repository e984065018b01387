/**
 * Entity diffing job, the contract. Reads: the component stores, straight from the owner's SharedArrayBuffer (no
 * copies through postMessage), for the entities each client should get this time. Writes: nothing shared; returns
 * each client's encoded update and the states it encoded, which the owner records as that client's baseline.
 * Reads race with the next tick's writes only if a job outlives its tick; an update is then a mix of two ticks,
 * which is harmless because the server records exactly what it sent.
 */
import type { EntityState } from '../engine/codec/entity-delta.ts';
import type { EcsMemory } from '../engine/ecs/world.ts';
import type { Tick } from '../engine/tick.ts';
import type { JobRef } from './pool.ts';

/** One client's part of the job. */
export interface EntityDiffClient {
  /** Session id (echoed back). */
  client: number;
  /** Tick the update is for. */
  tick: Tick;
  /** The client's acknowledged tick whose states the server still has (0 = no baseline: deltas against zero). */
  ackTick: Tick;
  /** States the client holds at `ackTick` (empty when `ackTick` is 0). */
  baseline: EntityState[];
  /** Entity ids (eids) to include, highest priority first. */
  ordered: number[];
  /** How many of `ordered` the budget allows. */
  allowed: number;
  /** Largest encoded update that fits one datagram, bytes. */
  maxBytes: number;
}

/** The job's input. */
export interface EntityDiffTask {
  /** The owner's component stores. */
  memory: EcsMemory;
  /** Clients to encode for. */
  clients: EntityDiffClient[];
}

/** One client's result. */
export interface EntityDiffOutput {
  /** Session id. */
  client: number;
  /** Tick. */
  tick: Tick;
  /** Baseline tick the delta is against (0 = none). */
  baselineTick: Tick;
  /** Encoded update (EntityDelta data). */
  data: Uint8Array;
  /** What the client holds after applying it: the baseline for later updates. */
  states: EntityState[];
  /** Network ids included this time (their priority starts over). */
  sent: number[];
}

/** The job: `diffEntities` in entity-diff.worker.ts. */
export const ENTITY_DIFF_JOB: JobRef = {
  module: new URL('./entity-diff.worker.ts', import.meta.url).href,
  name: 'diffEntities',
};
