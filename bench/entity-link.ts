/**
 * Entity replication to one client over a simulated link, the path of engine/server/replicator.ts without sockets:
 * every `every` ticks the server encodes all entities with `encodeEntityUpdate` against the newest tick the client
 * acknowledged; the update reaches the client `latencyTicks` later unless lost; the client applies it with
 * `applyEntityUpdate` and acknowledges the newest tick it holds on each following tick (the ack rides on its input
 * datagrams: also delayed and lossy). Seeded, so a run is repeatable. The client's states are compared with what the
 * server sent after every update it applies.
 */
import { fullSnapshotBytes, type EntityState } from '../engine/codec/entity-delta.ts';
import { encodeFrame } from '../engine/protocol/framing.ts';
import { MsgType } from '../engine/protocol/messages.ts';
import { applyEntityUpdate, createSnapshotHistory, encodeEntityUpdate, type EntityUpdate } from '../engine/replication/entity-baselines.ts';
import { createRng } from '../engine/rng.ts';
import type { Tick } from '../engine/tick.ts';
import type { Walkers } from './entity-walkers.ts';

/** The simulated link. */
export interface LinkOptions {
  /** Chance that a server -> client update datagram is lost, 0..1. */
  loss: number;
  /** Chance that a client -> server ack (input datagram) is lost, 0..1. */
  ackLoss: number;
  /** One-way delay in ticks (each direction). */
  latencyTicks: number;
  /** Seed of the loss draws. */
  seed: number;
}

/** Options of {@link replicateEntities}. */
export interface ReplicateOptions {
  /** The workload (stepped by this function). */
  walkers: Walkers;
  /** Ticks between entity updates (2: 10 Hz). */
  every: number;
  /** Ticks run before measuring: the join happens in them (0: measure from the first update). */
  warmupTicks: number;
  /** Ticks measured after the warm-up. */
  ticks: number;
  /** The link. */
  link: LinkOptions;
  /** Called with the states of every replication tick (warm-up included), e.g. to feed a peer. */
  onReplicate?(tick: Tick, states: readonly EntityState[], measured: boolean): void;
  /** Called after the client applied an update, with what it holds and what the server sent at that tick. */
  onApplied?(tick: Tick, held: readonly EntityState[], sent: readonly EntityState[]): void;
}

/** Figures of a run; sums cover the measured ticks only. */
export interface ReplicateResult {
  /** Updates encoded (lost ones included: their bytes were spent). */
  updates: number;
  /** Updates the client applied. */
  applied: number;
  /** Updates lost on the way. */
  lost: number;
  /** Updates the client could not apply (unknown baseline). */
  unappliable: number;
  /** Updates encoded against zero (no usable baseline). */
  againstZero: number;
  /** Entity records sent (entities that changed since the baseline, summed over updates). */
  entityRecords: number;
  /** Bytes of the updates' `data` (the entity-delta payload). */
  payloadBytes: number;
  /** Bytes of the same updates as framed EntityDelta messages (u32 length, type, msgpack [tick, baselineTick, bin]). */
  framedBytes: number;
  /** Bytes of the same states as full snapshots (`fullSnapshotBytes`, one per update). */
  fullSnapshotBytes: number;
  /** Largest update payload. */
  maxPayloadBytes: number;
  /** Bytes of the first update the client got (its join: against zero), whether or not in the measured ticks. */
  joinBytes: number;
  /** Applied updates whose result differed from what the server sent. */
  mismatches: number;
  /** Wall milliseconds spent in `encodeEntityUpdate` (reported, never asserted). */
  encodeMs: number;
}

function sameStates(a: readonly EntityState[], b: readonly EntityState[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    // Object.is, like the test's deep equality: -0 and 0 differ (the quantizers never produce -0).
    if (!Object.is(a[i].id, b[i].id) || a[i].v.length !== b[i].v.length) return false;
    for (let f = 0; f < a[i].v.length; f++) if (!Object.is(a[i].v[f], b[i].v[f])) return false;
  }
  return true;
}

/** Runs the workload and its replication for `warmupTicks + ticks` ticks. */
export function replicateEntities(o: ReplicateOptions): ReplicateResult {
  const { walkers, link } = o;
  const { layout } = walkers;
  const rng = createRng(link.seed >>> 0);
  const server = createSnapshotHistory();
  const client = createSnapshotHistory();
  const downlink: { arrive: Tick; update: EntityUpdate; sent: EntityState[] }[] = [];
  const uplink: { arrive: Tick; ack: Tick }[] = [];
  let serverAck: Tick = 0, clientNewest: Tick = 0;
  const r: ReplicateResult = {
    updates: 0, applied: 0, lost: 0, unappliable: 0, againstZero: 0, entityRecords: 0, payloadBytes: 0, framedBytes: 0,
    fullSnapshotBytes: 0, maxPayloadBytes: 0, joinBytes: 0, mismatches: 0, encodeMs: 0,
  };
  const end = walkers.world.tick + o.warmupTicks + o.ticks;
  const measureFrom = walkers.world.tick + o.warmupTicks;
  while (walkers.world.tick < end) {
    walkers.step();
    const tick = walkers.world.tick;
    const measured = tick > measureFrom;
    while (uplink.length > 0 && uplink[0].arrive <= tick) serverAck = Math.max(serverAck, uplink.shift()!.ack);
    if (tick % o.every === 0) {
      const sent = walkers.states();
      o.onReplicate?.(tick, sent, measured);
      const t0 = performance.now();
      const update = encodeEntityUpdate(layout, server, tick, serverAck, sent);
      const ms = performance.now() - t0;
      if (measured) {
        r.encodeMs += ms;
        r.updates++;
        r.entityRecords += update.count;
        r.payloadBytes += update.data.length;
        r.framedBytes += encodeFrame([{ type: MsgType.EntityDelta, tick, baselineTick: update.baselineTick, data: update.data }]).length;
        r.fullSnapshotBytes += fullSnapshotBytes(sent.length, layout.fullBytes);
        r.maxPayloadBytes = Math.max(r.maxPayloadBytes, update.data.length);
        if (update.baselineTick === 0) r.againstZero++;
      }
      if (rng.next() < link.loss) {
        if (measured) r.lost++;
      } else {
        downlink.push({ arrive: tick + link.latencyTicks, update, sent });
      }
    }
    while (downlink.length > 0 && downlink[0].arrive <= tick) {
      const { update, sent } = downlink.shift()!;
      const heldMap = applyEntityUpdate(layout, client, update.tick, update.baselineTick, update.data);
      const counted = update.tick > measureFrom;
      if (!heldMap) {
        if (counted) r.unappliable++;
        continue;
      }
      if (clientNewest === 0) r.joinBytes = update.data.length;
      clientNewest = update.tick;
      const held = [...heldMap.values()].sort((a, b) => a.id - b.id);
      if (counted) r.applied++;
      if (!sameStates(held, [...sent].sort((a, b) => a.id - b.id))) r.mismatches++;
      o.onApplied?.(update.tick, held, sent);
    }
    // The client's input datagram of this tick carries its newest tick.
    if (clientNewest > 0 && rng.next() >= link.ackLoss) uplink.push({ arrive: tick + link.latencyTicks, ack: clientNewest });
  }
  return r;
}
