/**
 * The replicator's entity updates: every ENTITY_EVERY ticks (replicator.ts) each client gets the entities it knows
 * (spawned on it: players and any other entity of a registered kind in its view) as a delta against the states it
 * acknowledged (entity-baselines.ts), in the entity layout of the protocol definition, nearest and most changed first
 * when its budget is short. The delta encoding runs in the worker pool (entity-diff job); the tick does not wait for it.
 *
 * Allocation follows change, not pairs of players: each round reads every entity's state once, into an object that
 * stays the same object while the state does not change, and every client's job and history refer to those objects
 * (a history entry is a map of references; a job's structured clone copies each distinct object once).
 *
 * A quiet client is skipped, with no job and no datagram: one whose view is exactly what it holds at its acknowledged
 * tick, when the update of that tick itself changed nothing. The client then holds two equal snapshots of everyone
 * it sees, so it draws them standing still (its interpolation has no last step to extrapolate), and it needs nothing
 * more until something in its view changes.
 */
import { changedMask, type EntityState } from '../codec/entity-delta.ts';
import type { NetLog } from '../net/server.ts';
import { MsgType, type Message } from '../protocol/messages.ts';
import { remember } from '../replication/entity-baselines.ts';
import { chunkOf } from '../replication/interest.ts';
import { canSend } from '../replication/rate-limiter.ts';
import type { Tick } from '../tick.ts';
import { changeWeight, readEntityState, type EntityLayout } from '../replication/entity-layout.ts';
import type { EcsWorld } from '../ecs/world.ts';
import { heldAfter, type EntityDiffClient, type EntityDiffOutput } from '../../workers/entity-diff.common.ts';
import { diffEntitiesInPool, diffEntitiesInline } from '../../workers/entity-diff.main.ts';
import type { WorkerPool } from '../../workers/pool.ts';
import type { ServerPlayer } from './server-player.ts';

/** Estimated bytes per entity in an update, for fitting updates to a short budget. */
const ENTITY_BYTES_ESTIMATE = 8;
/** Bytes an EntityDelta frame adds around its data (length, type, msgpack fields), with margin. */
const DATAGRAM_OVERHEAD = 32;

/** Options of {@link createEntityUpdates}. */
export interface EntityUpdatesOptions {
  /** The world's entities and stores. */
  ecs: EcsWorld;
  /** The entity layout (from the protocol definition). */
  layout: EntityLayout;
  /** Worker pool for the encoding (default: encode on this thread). */
  pool?: WorkerPool;
  /** Clock, ms. */
  now: () => number;
  /** Log sink. */
  log: NetLog;
  /** Sends an entity message to a player, accounting its bytes. */
  send(p: ServerPlayer, msg: Message): void;
}

/** A replicated entity: its entity id and network id. */
export interface ReplicatedEntity {
  /** Entity id (-1 for a ghost). */
  eid: number;
  /** Network id. */
  netId: number;
  /** For a ghost (another server's entity, not in this world): its state and the chunk it stands in. */
  ghost?: { state: EntityState; cx: number; cz: number };
}

/** Entity updates for every player. */
export interface EntityUpdates {
  /**
   * One round: updates for every player that needs one (`players` in entity order), of the entities each one knows
   * among `entities` (every replicated entity, players included, in entity order).
   */
  update(tick: Tick, players: readonly ServerPlayer[], entities: readonly ReplicatedEntity[]): void;
  /** An entity is no longer replicated: its state is forgotten. */
  removed(netId: number): void;
  /** A player joined: its updates are delivered from now on. */
  joined(p: ServerPlayer): void;
  /** A player left: results still on their way are dropped, its state is forgotten. */
  left(p: ServerPlayer): void;
}

/** An entity's state this round and the chunk it stands in. */
interface Current {
  /** Replicated state; the same object as last round when nothing changed. */
  state: EntityState;
  /** Chunk x. */
  cx: number;
  /** Chunk z. */
  cz: number;
}

/** Creates the entity updates of a replicator. */
export function createEntityUpdates(o: EntityUpdatesOptions): EntityUpdates {
  const { ecs, layout } = o;
  const t = ecs.stores.Transform;
  const m = layout.motion;
  /** Each entity's state this round, by network id. */
  const current = new Map<number, Current>();
  /** Players still connected, by session id (pool results can come back after a player left). */
  const live = new Map<number, ServerPlayer>();

  const readStates = (entities: readonly ReplicatedEntity[]): void => {
    for (const q of entities) {
      const fresh = q.ghost ? q.ghost.state : readEntityState(layout, ecs, q.eid);
      const cx = q.ghost ? q.ghost.cx : chunkOf(t.x[q.eid]), cz = q.ghost ? q.ghost.cz : chunkOf(t.z[q.eid]);
      const c = current.get(q.netId);
      if (!c) { current.set(q.netId, { state: fresh, cx, cz }); continue; }
      if (changedMask(c.state, fresh) !== 0) c.state = fresh;
      c.cx = cx;
      c.cz = cz;
    }
  };

  /**
   * Drops the states recorded for ticks before the client's acknowledged one: acknowledgements only move forward, so
   * those can never be a baseline again (while playing, 2 or 3 ticks stay instead of 16).
   */
  const forgetBeforeAck = (p: ServerPlayer): void => {
    for (const tk of p.entities.byTick.keys()) if (tk < p.ackTick) p.entities.byTick.delete(tk);
    for (const tk of p.emptyUpdates) if (!p.entities.byTick.has(tk)) p.emptyUpdates.delete(tk);
  };

  /** Records and sends finished updates (`jobs[i]` made `outs[i]` against `bases[i]`). */
  const deliver = (jobs: EntityDiffClient[], bases: (Map<number, EntityState> | undefined)[], outs: readonly EntityDiffOutput[]): void => {
    outs.forEach((out, i) => {
      const p = live.get(out.client);
      if (!p) return;
      const job = jobs[i], base = bases[i];
      const held = heldAfter(job, out, base);
      // An update that changed nothing leaves the client holding its baseline again: keep the baseline's map.
      let empty = base !== undefined && held.size === base.size;
      if (empty) for (const [id, st] of held) if (base!.get(id) !== st) { empty = false; break; }
      remember(p.entities, out.tick, empty ? base! : held);
      if (empty) p.emptyUpdates.add(out.tick);
      forgetBeforeAck(p);
      if (out.picked) for (const k of out.picked) p.priority.set(job.current[k].id, 0);
      else for (const st of job.current) p.priority.set(st.id, 0);
      o.send(p, { type: MsgType.EntityDelta, tick: out.tick, baselineTick: out.baselineTick, data: out.data });
      p.metrics.entityUpdates++;
    });
  };

  return {
    update(tick, players, entities) {
      readStates(entities);
      const jobs: EntityDiffClient[] = [];
      const bases: (Map<number, EntityState> | undefined)[] = [];
      // This round's states in entity order, and each client's view in it (a scratch list: arrays that go into a
      // job are made at their final size, as this runs for every pair of players).
      const here: Current[] = entities.map((q) => current.get(q.netId)!);
      const inView: number[] = [];
      for (const p of players) {
        forgetBeforeAck(p);
        const base = p.entities.byTick.get(p.ackTick);
        let quiet = base !== undefined && p.emptyUpdates.has(p.ackTick);
        inView.length = 0;
        for (let qi = 0; qi < entities.length; qi++) {
          if (entities[qi].netId === p.netId || !p.known.has(entities[qi].netId)) continue;
          inView.push(qi);
          if (quiet && base!.get(entities[qi].netId) !== here[qi].state) quiet = false;
        }
        if (quiet && base!.size === inView.length) { p.metrics.entityUpdatesQuiet++; continue; }
        if (!canSend(p.limiter, o.now())) { p.metrics.entityUpdatesDeferred++; continue; }
        // Priority by distance and change since the acknowledged state, weighted by the priority of the components
        // that changed (the protocol definition's): who goes first when the budget is short (the job orders by it
        // only then).
        const self = current.get(p.netId) ?? { cx: chunkOf(t.x[p.eid]), cz: chunkOf(t.z[p.eid]) };
        const states = new Array<EntityState>(inView.length), priority = new Array<number>(inView.length);
        for (let k = 0; k < inView.length; k++) {
          const { state: st, cx, cz } = here[inView[k]];
          const b = base?.get(st.id);
          const moved = !b ? 64 : m.x < 0 || m.y < 0 || m.z < 0 ? 16
            : Math.abs(st.v[m.x] - b.v[m.x]) + Math.abs(st.v[m.y] - b.v[m.y]) + Math.abs(st.v[m.z] - b.v[m.z]);
          const dist = Math.max(Math.abs(cx - self.cx), Math.abs(cz - self.cz));
          const weight = changeWeight(layout, changedMask(b ?? layout.zero, st));
          const pr = (p.priority.get(st.id) ?? 0) + (weight * (1 + moved / 16)) / (1 + dist);
          p.priority.set(st.id, pr);
          states[k] = st;
          priority[k] = pr;
        }
        const baseline = new Array<EntityState>(base?.size ?? 0);
        if (base) { let k = 0; for (const st of base.values()) baseline[k++] = st; }
        jobs.push({
          client: p.session.id, tick, ackTick: base ? p.ackTick : 0, baseline, current: states, priority,
          // As many as the budget allows (by estimate); the job also halves until the update fits one datagram.
          allowed: Math.max(1, Math.floor((p.limiter.bytesPerSecond - p.limiter.inWindow) / ENTITY_BYTES_ESTIMATE)),
          maxBytes: p.session.connection.maxDatagramSize - DATAGRAM_OVERHEAD,
        });
        bases.push(base);
      }
      if (jobs.length === 0) return;
      if (!o.pool) { deliver(jobs, bases, diffEntitiesInline(layout, jobs)); return; }
      diffEntitiesInPool(o.pool, layout, jobs).then((outs) => deliver(jobs, bases, outs), (e: Error) => o.log('error', `entity diffing in the pool failed: ${e.message}`));
    },
    joined(p) {
      live.set(p.session.id, p);
    },
    left(p) {
      live.delete(p.session.id);
    },
    removed(netId) {
      current.delete(netId);
    },
  };
}
