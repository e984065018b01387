/**
 * What each client is told: its chunks on join, block changes as section updates (batched every 5 ticks), its own
 * authoritative body every tick, other players as entity deltas every 2nd tick (10 Hz), spawns and despawns, and
 * input-timing advice.
 */
import type { ChunkCodecDeps } from '../../engine/codec/chunk-codec.ts';
import { encodeSectionUpdate } from '../../engine/codec/chunk-diff.ts';
import { ZERO_STATE, encodeEntityBatch } from '../../engine/codec/entity-delta.ts';
import { Channel } from '../../engine/net/channels.ts';
import type { NetLog } from '../../engine/net/server.ts';
import { MsgType } from '../../engine/protocol/messages.ts';
import { encodeWorldColumn, type EncodedColumn } from '../../engine/replication/column-transfer.ts';
import { encodeEntityUpdate } from '../../engine/replication/entity-baselines.ts';
import { entityStateOf } from '../../engine/replication/entity-state.ts';
import type { GameWorld, SimEvents } from '../../engine/sim/game-world.ts';
import type { Tick } from '../../engine/tick.ts';
import { voxelIndex } from '../../engine/voxel/section.ts';
import { NO_SECTION, sectionVoxels } from '../../engine/voxel/section-store.ts';
import { chunkKey, getColumn, sortedColumnKeys, chunkFromKey } from '../../engine/voxel/voxel-world.ts';
import { EntityKind, TARGET_INPUT_LEAD } from '../rules.ts';
import { timingAdvice } from './input-queue.ts';
import type { ServerPlayer } from './server-player.ts';

/** Ticks between entity updates (10 Hz). */
export const ENTITY_EVERY = 2;
/** Ticks between block-change flushes (250 ms). */
export const BLOCKS_EVERY = 5;
/** Ticks between timing advice messages. */
export const ADVICE_EVERY = 10;

/** Options of {@link createReplicator}. */
export interface ReplicatorOptions {
  /** The world. */
  world: GameWorld;
  /** Codec dependencies. */
  codec: ChunkCodecDeps;
  /** Chunks around a player that its client gets. */
  viewDistance: number;
  /** Log sink. */
  log: NetLog;
}

/** The replication side of the server. */
export interface Replicator {
  /** A player joined: spawns and chunks. */
  join(p: ServerPlayer): void;
  /** A player left: despawns. */
  leave(p: ServerPlayer): void;
  /** Block edits applied this tick (to batch). */
  edited(edits: readonly SimEvents['BlockChanged'][]): void;
  /** End-of-tick sends to every player (`players` in entity order). */
  afterTick(tick: Tick, players: readonly ServerPlayer[]): void;
}

/** Creates the replicator. */
export function createReplicator(o: ReplicatorOptions): Replicator {
  const { world, codec } = o;
  const s = world.ecs.stores;
  const columnCache = new Map<number, EncodedColumn>();
  let pending: SimEvents['BlockChanged'][] = [];
  const others = new Map<number, ServerPlayer>(); // by netId, for spawn messages

  const spawnData = (eid: number) => encodeEntityBatch([entityStateOf(s, eid)], () => ZERO_STATE);

  const columnsFor = (p: ServerPlayer): number[] => {
    const pcx = Math.floor(s.Transform.x[p.eid] / 16), pcz = Math.floor(s.Transform.z[p.eid] / 16);
    const d = o.viewDistance;
    return sortedColumnKeys(world.voxels)
      .map((k) => { const [cx, cz] = chunkFromKey(k); return { k, d2: (cx - pcx) ** 2 + (cz - pcz) ** 2, cx, cz }; })
      .filter((c) => Math.abs(c.cx - pcx) <= d && Math.abs(c.cz - pcz) <= d)
      .sort((a, b) => a.d2 - b.d2 || a.k - b.k)
      .map((c) => c.k);
  };

  const sendColumn = (p: ServerPlayer, key: number): void => {
    let enc = columnCache.get(key);
    const [cx, cz] = chunkFromKey(key);
    if (!enc) { enc = encodeWorldColumn(world.voxels, cx, cz, codec); columnCache.set(key, enc); }
    p.session.send(Channel.ChunkStream, { type: MsgType.ChunkData, cx, cz, checksum: enc.checksum, data: enc.data });
    p.chunks.add(key);
  };

  const flushBlocks = (players: readonly ServerPlayer[]): void => {
    if (pending.length === 0) return;
    // Group edits by section; rebuild each section's state before the batch from the edits' previous ids.
    const bySection = new Map<string, SimEvents['BlockChanged'][]>();
    for (const e of pending) {
      const k = `${e.x >> 4},${e.y >> 4},${e.z >> 4}`;
      const list = bySection.get(k) ?? [];
      list.push(e);
      bySection.set(k, list);
    }
    pending = [];
    for (const [k, edits] of [...bySection].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const [cx, cy, cz] = k.split(',').map(Number);
      const key = chunkKey(cx, cz);
      columnCache.delete(key);
      const id = getColumn(world.voxels, cx, cz)?.sections[cy];
      const after = id === undefined || id === NO_SECTION ? null : sectionVoxels(world.voxels.store, id).slice();
      const before = (after ?? new Uint16Array(4096)).slice();
      for (let i = edits.length - 1; i >= 0; i--) before[voxelIndex(edits[i].x & 15, edits[i].y & 15, edits[i].z & 15)] = edits[i].prev;
      const data = encodeSectionUpdate(before, after, codec);
      for (const p of players) if (p.chunks.has(key)) p.session.send(Channel.ChunkStream, { type: MsgType.ChunkDiff, cx, cy, cz, data });
    }
  };

  return {
    join(p) {
      p.session.send(Channel.ChunkStream, { type: MsgType.EntitySpawn, entity: p.netId, kind: EntityKind.Self, data: spawnData(p.eid) });
      for (const q of others.values()) {
        p.session.send(Channel.ChunkStream, { type: MsgType.EntitySpawn, entity: q.netId, kind: EntityKind.Player, data: spawnData(q.eid) });
        p.known.add(q.netId);
        q.session.send(Channel.ChunkStream, { type: MsgType.EntitySpawn, entity: p.netId, kind: EntityKind.Player, data: spawnData(p.eid) });
        q.known.add(p.netId);
      }
      others.set(p.netId, p);
      for (const key of columnsFor(p)) sendColumn(p, key);
    },
    leave(p) {
      others.delete(p.netId);
      for (const q of others.values()) {
        if (q.known.delete(p.netId)) q.session.send(Channel.ChunkStream, { type: MsgType.EntityDespawn, entity: p.netId });
      }
    },
    edited(edits) {
      pending.push(...edits);
    },
    afterTick(tick, players) {
      if (tick % BLOCKS_EVERY === 0) flushBlocks(players);
      for (const p of players) {
        const e = p.eid;
        p.session.send(Channel.EntityDelta, {
          type: MsgType.PlayerState, tick, x: s.Transform.x[e], y: s.Transform.y[e], z: s.Transform.z[e],
          vx: s.Velocity.x[e], vy: s.Velocity.y[e], vz: s.Velocity.z[e], onGround: s.Player.onGround[e] === 1,
        });
      }
      if (tick % ENTITY_EVERY === 0) {
        for (const p of players) {
          const states = players.filter((q) => q !== p && p.known.has(q.netId)).map((q) => entityStateOf(s, q.eid));
          const u = encodeEntityUpdate(p.entities, tick, p.ackTick, states);
          p.session.send(Channel.EntityDelta, { type: MsgType.EntityDelta, tick, baselineTick: u.baselineTick, data: u.data });
        }
      }
      if (tick % ADVICE_EVERY === 0) {
        for (const p of players) {
          p.session.send(Channel.EntityDelta, { type: MsgType.ServerState, tick, players: players.length, adjust: timingAdvice(p.queue, TARGET_INPUT_LEAD) });
        }
      }
    },
  };
}
