/**
 * Entity diffing job, the contract. Reads: the states the owner read this update round, passed in the task. The
 * owner keeps one object per entity state and shares it between every client's `baseline` and `current` lists (an
 * entity that did not change keeps its object), and a structured clone copies each distinct object once, so a
 * round costs about one copy per entity state in play, not one per pair of clients and entities. Writes: nothing
 * shared; returns each client's encoded update and how many of its `current` states it included, from which the
 * owner rebuilds what the client holds after applying it (the owner's own objects, never copies).
 */
import type { EntityState } from '../engine/codec/entity-delta.ts';
import type { EntityLayout } from '../engine/replication/entity-layout.ts';
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
  /** States now of the entities to include (ids unique, any order). */
  current: EntityState[];
  /** Priority of each entry of `current`: when not all of them fit, the highest go (ties: lower id first). */
  priority: number[];
  /** How many of `current` the budget allows. */
  allowed: number;
  /** Largest encoded update that fits one datagram, bytes. */
  maxBytes: number;
}

/** The job's input. */
export interface EntityDiffTask {
  /** The entity layout the states are in (plain data, a few hundred bytes per round). */
  layout: EntityLayout;
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
  /**
   * Indices into `current` of the states that went as they are now, or null when all of them did. The client then
   * holds those, plus the baseline state of each other entity of `current` that has one (see {@link heldAfter}).
   */
  picked: number[] | null;
}

/** The job: `diffEntities` in entity-diff.worker.ts. */
export const ENTITY_DIFF_JOB: JobRef = {
  module: new URL('./entity-diff.worker.ts', import.meta.url).href,
  name: 'diffEntities',
};

/**
 * What the client holds after applying `out` (the baseline for later updates), by entity id: the picked states of
 * `c.current`, and the baseline state of each other entity of `c.current` that has one. `baseline` is `c.baseline`
 * by id (the owner's map, with the owner's objects).
 */
export function heldAfter(c: EntityDiffClient, out: EntityDiffOutput, baseline: ReadonlyMap<number, EntityState> | undefined): Map<number, EntityState> {
  const held = new Map<number, EntityState>();
  if (!out.picked) {
    for (const st of c.current) held.set(st.id, st);
    return held;
  }
  for (const st of c.current) {
    const b = baseline?.get(st.id);
    if (b) held.set(st.id, b);
  }
  for (const i of out.picked) held.set(c.current[i].id, c.current[i]);
  return held;
}
