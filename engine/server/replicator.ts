/**
 * What each client is told, within its bandwidth budget: its own authoritative body every tick, and its own other
 * component values when they change (OwnState); every other entity of a registered kind in view (players and
 * whatever the game spawns) as EntitySpawn/EntityDespawn and entity deltas every 2nd tick (10 Hz), in the entity
 * layout of the protocol definition, nearest and most changed first when the budget is short; block
 * changes as section updates batched every 5 ticks; the answers to its block actions; and the columns in view,
 * nearest first, skipping those its cache already holds. Order of precedence: entities, then section updates and
 * block results (one ordered queue), then whole columns.
 *
 * What keeps a client's copy exact: a BlockResult goes out before every section update that carries its edit (it
 * joins the queue behind the updates already waiting), a whole column goes out only when the queue is empty and the
 * column has no edits that a section update has not carried yet (nor edits held until durable), and a column the
 * client asks for again (ChunkResync) is re-sent whole, within a per-session budget of resyncs.
 */
import type { ChunkCodecDeps } from '../codec/chunk-codec.ts';
import { encodeSectionUpdate } from '../codec/chunk-diff.ts';
import { Channel } from '../net/channels.ts';
import type { NetLog } from '../net/server.ts';
import { MsgType, type ChunkHave, type Message } from '../protocol/messages.ts';
import { encodeWorldColumn, type EncodedColumn } from '../replication/column-transfer.ts';
import { chunkOf, columnKeyAt, columnsInView, inView } from '../replication/interest.ts';
import { canSend, createRateLimiter, recordSent } from '../replication/rate-limiter.ts';
import type { GameWorld, SimEvents } from '../sim/game-world.ts';
import { createSnapshotHistory } from '../replication/entity-baselines.ts';
import { TICK_HZ, type Tick } from '../tick.ts';
import { voxelIndex } from '../voxel/section.ts';
import { NO_SECTION, sectionVoxels } from '../voxel/section-store.ts';
import { chunkFromKey, chunkKey, getColumn } from '../voxel/voxel-world.ts';
import { readColumnHeader } from '../codec/chunk-codec.ts';
import { hex64 } from '../hash.ts';
import { query } from 'bitecs';
import { encodeEntityBatch } from '../codec/entity-delta.ts';
import type { ProtocolDefinition } from '../protocol/define.ts';
import { createEntityLayout, readEntityState, type EntityLayout } from '../replication/entity-layout.ts';
import { createGhostTable, type Ghost, type TrackedEntity } from './ghosts.ts';
import { createOwnLayout, encodeOwnState } from '../replication/own-state.ts';
import type { WorkerPool } from '../../workers/pool.ts';
import { encodeColumnsInPool } from '../../workers/chunk-encode.main.ts';
import { PlayerKind } from '../protocol/define.ts';
import { TARGET_INPUT_LEAD } from '../input.ts';
import { createInputQueue, timingAdvice } from './input-queue.ts';
import { createTickBucket, takeToken, tokensAt } from './tick-bucket.ts';
import { ANSWER_BURST, ANSWERS_PER_TICK } from './refusal-answers.ts';
import type { ServerSession } from '../net/server.ts';
import type { ServerPlayer } from './server-player.ts';
import { createEntityUpdates, type ReplicatedEntity } from './entity-updates.ts';
import { createHeldEdits, holdEdits, releaseHeld, withoutHeld } from './held-edits.ts';

/** Ticks between entity updates (10 Hz). */
export const ENTITY_EVERY = 2;
/** Ticks between block-change flushes (250 ms). */
export const BLOCKS_EVERY = 5;
/** Ticks between timing advice computations. */
export const ADVICE_EVERY = 10;
/**
 * Ticks on which an advice to change the timing is sent (the first of every {@link ADVICE_EVERY}): ServerState
 * travels in datagrams, and a lost advice would leave a client whose inputs arrive too late standing still until the
 * next one. The client applies each advice number once, so the copies are harmless. An advice of 0 (the timing is
 * fine) is sent once.
 */
export const ADVICE_COPIES = 4;
/** How long the server waits for a client's ChunkHave before streaming chunks anyway, ms. */
export const CACHE_HINT_WAIT_MS = 1000;
/** Ticks a column waits for a valid encoding from the pool before it is encoded on the main thread. */
export const ENCODE_WAIT_TICKS = 10;
/** Columns a client may have re-sent at once on request (ChunkResync)... */
export const RESYNC_BURST = 8;
/** ... and then per second (one every 10 ticks). */
export const RESYNCS_PER_SECOND = 2;
/** Resync requests beyond the budget wait, at most this many columns; a client asking for more is closed. */
export const MAX_WAITING_RESYNCS = 64;

/** What {@link Replicator.resync} did with a request. */
export type ResyncOutcome = 'queued' | 'waiting' | 'ignored' | 'flood';

/** Options of {@link createReplicator}. */
export interface ReplicatorOptions {
  /** The world. */
  world: GameWorld;
  /** The protocol definition: its entity kinds and component replication specs. */
  protocol: ProtocolDefinition;
  /** Codec dependencies. */
  codec: ChunkCodecDeps;
  /** Chunks around a player that its client gets. */
  viewDistance: number;
  /** Bandwidth budget per client, bytes per second. */
  budgetBytesPerSecond: number;
  /** Clock, ms. */
  now: () => number;
  /** Log sink. */
  log: NetLog;
  /** Worker pool for column encoding (default: encode on this thread, when a column is first needed). */
  pool?: WorkerPool;
}

/** The replication side of the server. */
export interface Replicator {
  /** The entity layout of entity states (every client that sees an entity gets these fields). */
  readonly layout: EntityLayout;
  /** The layout of a player's own state (OwnState). */
  readonly ownLayout: EntityLayout;
  /** Makes the record of a newly joined player (entity `eid`). */
  join(session: ServerSession, eid: number): ServerPlayer;
  /** A player left: despawns it for the others. */
  leave(p: ServerPlayer, players: Iterable<ServerPlayer>): void;
  /** A player was handed to another server: its updates stop; the others keep seeing it (as a ghost, set next). */
  handedOff(p: ServerPlayer): void;
  /**
   * A player handed over by another server, its record restored (hand-off-state.ts) and its entity made: nothing is
   * spawned on its client (it holds everything already); a ghost with its network id is dropped without a despawn.
   */
  adopted(p: ServerPlayer): void;
  /**
   * The record of a player with network id `netId` whose entity is not made yet (`eid` -1), with a fresh replication
   * state, as a joining player gets.
   */
  fresh(session: ServerSession, netId: number): ServerPlayer;
  /**
   * A player re-attached from a fail-over checkpoint, its record from `fresh` and its entity made: it is replicated
   * afresh, as a joining player (its own spawn, every entity and column in view again: the client replaces what it
   * holds), at once (no wait for a ChunkHave that will not come); the entities of `known` (what its client holds)
   * not spawned again at its first interest update are despawned then. A ghost with its network id is dropped.
   */
  reattached(p: ServerPlayer, known: readonly number[]): void;
  /** Sets (adds or updates) ghost `netId`; a network id that is a live entity here stays that entity's. */
  setGhost(netId: number, ghost: Ghost): void;
  /** Removes ghost `netId`: despawned on the clients that see it, unless an entity here has that id by then. */
  removeGhost(netId: number): void;

  /** The client listed the columns it holds. */
  cacheHints(p: ServerPlayer, msg: ChunkHave): void;
  /** The client applied a column. */
  chunkAcked(p: ServerPlayer, cx: number, cz: number): void;
  /**
   * The client asks for column (cx, cz) again, whole: 'queued' (it goes out through the chunk path, before other
   * columns), 'waiting' (over the resync budget: it goes out as the budget refills), 'ignored' (not a column the
   * client holds, or already on its way), or 'flood' (too many waiting: the caller closes the session).
   */
  resync(p: ServerPlayer, cx: number, cz: number): ResyncOutcome;
  /**
   * Sends a BlockResult in order with the chunk stream: at once when nothing waits in the client's queue, else behind
   * the section updates waiting there. `optional` answers (refusals of actions that never ran) also wait for the
   * bandwidth budget; the others (one per tick at most) are essential.
   */
  blockResult(p: ServerPlayer, msg: Message & { type: typeof MsgType.BlockResult }, optional: boolean): void;
  /** Sends an ActionResult on the chunk stream at once (never queued, so it stays ahead of the OwnState after it). */
  actionResult(p: ServerPlayer, msg: Message & { type: typeof MsgType.ActionResult }): void;
  /**
   * Block edits to batch into section updates: applied this tick, or released after `held` (then exactly the oldest
   * held edits, in order; anything else throws). `remote`: another server's edits, applied to this server's read-only
   * copy of its region, were never held here and release nothing (they are in other columns than the held ones).
   */
  edited(edits: readonly SimEvents['BlockChanged'][], remote?: boolean): void;
  /**
   * Block edits applied to the world but not yet durable (GameServerOptions.durableEdits): until `edited` releases
   * them, no section update carries them and no client is sent their columns whole.
   */
  held(edits: readonly SimEvents['BlockChanged'][]): void;
  /** End-of-tick sends to every player (`players` in entity order). */
  afterTick(tick: Tick, players: readonly ServerPlayer[]): void;
}

/** Creates the replicator. */
export function createReplicator(o: ReplicatorOptions): Replicator {
  const { world, codec } = o;
  const s = world.ecs.stores;
  const columnCache = new Map<number, EncodedColumn>();
  let pending: SimEvents['BlockChanged'][] = [];
  /** Keys of the columns with edits in `pending` (not yet in a section update). */
  const unflushed = new Set<number>();
  /** Edits applied but not released yet (see `held`), oldest first, and their count per column key. */
  const holding = createHeldEdits();

  // Column encodings: with a pool, requested in batches and used when they are back (the tick never waits); a result
  // is kept only if the column did not change while it was being encoded. A column edited so often that no pool
  // result ever stays valid would never go out: after ENCODE_WAIT_TICKS of waiting it is encoded on this thread.
  const version = new Map<number, number>();
  const inFlight = new Set<number>();
  const waiting = new Map<number, { since: Tick; last: Tick }>(); // columns asked for and not encoded yet
  let wanted: number[] = [];
  const encoded = (key: number): EncodedColumn | undefined => {
    const enc = columnCache.get(key);
    if (enc) { waiting.delete(key); return enc; }
    if (o.pool) {
      let w = waiting.get(key);
      // A new wait unless asked for recently (a busy column is asked for only at flush ticks, every BLOCKS_EVERY).
      if (!w || world.tick - w.last > 2 * ENCODE_WAIT_TICKS) waiting.set(key, w = { since: world.tick, last: world.tick });
      w.last = world.tick;
      if (world.tick - w.since < ENCODE_WAIT_TICKS) {
        if (!inFlight.has(key)) wanted.push(key);
        return undefined;
      }
      waiting.delete(key);
    }
    const [cx, cz] = chunkFromKey(key);
    const fresh = encodeWorldColumn(world.voxels, cx, cz, codec);
    columnCache.set(key, fresh);
    return fresh;
  };
  const dispatchEncodes = (): void => {
    if (!o.pool || wanted.length === 0) return;
    const keys = [...new Set(wanted)].filter((k) => world.voxels.columns.has(k));
    wanted = [];
    const at = keys.map((k) => version.get(k) ?? 0);
    for (const k of keys) inFlight.add(k);
    encodeColumnsInPool(o.pool, world.voxels.store, keys.map((k) => world.voxels.columns.get(k)!.sections.slice())).then((out) => {
      keys.forEach((k, i) => {
        inFlight.delete(k);
        if ((version.get(k) ?? 0) === at[i]) columnCache.set(k, { data: out[i], checksum: hex64(readColumnHeader(out[i]).checksum) });
      });
    }, (e: Error) => {
      for (const k of keys) inFlight.delete(k);
      o.log('error', `column encoding in the pool failed: ${e.message}`);
    });
  };

  /** Bytes the connection sent that no replication send accounted for (heartbeats, acks, chat). */
  const settle = (p: ServerPlayer): void => {
    const out = p.session.connection.stats.bytesOut;
    if (out > p.bytesSeen) {
      recordSent(p.limiter, o.now(), out - p.bytesSeen, true);
      p.metrics.bytes.other += out - p.bytesSeen;
      p.bytesSeen = out;
    }
  };

  const send = (p: ServerPlayer, channel: Channel, msg: Message, kind: keyof ServerPlayer['metrics']['bytes'], essential = kind === 'state'): void => {
    settle(p);
    try {
      p.session.send(channel, msg);
    } catch (e) {
      // One message that cannot go out (too large for a datagram, say) must not stop the tick for everyone.
      p.metrics.sendErrors++;
      o.log('error', `replication: message ${msg.type} to session ${p.session.id} not sent: ${(e as Error).message}`);
      return;
    }
    const bytes = p.session.connection.stats.bytesOut - p.bytesSeen;
    p.bytesSeen += bytes;
    recordSent(p.limiter, o.now(), bytes, essential);
    p.metrics.bytes[kind] += bytes;
    if (bytes > p.metrics.largestMessage) p.metrics.largestMessage = bytes;
  };

  const layout = createEntityLayout(o.protocol);
  const ownLayout = createOwnLayout(o.protocol);
  const kinds = new Set(o.protocol.entities.map((k) => k.id));
  const spawnData = (q: ReplicatedEntity) => encodeEntityBatch([q.ghost?.state ?? readEntityState(layout, world.ecs, q.eid)], () => layout.zero);
  const chunkPos = (eid: number): [number, number] => [chunkOf(s.Transform.x[eid]), chunkOf(s.Transform.z[eid])];
  type Tracked = TrackedEntity;
  const ghosts = createGhostTable(layout, kinds);
  /** Replicated entities by network id, as of the last interest update. */
  const tracked = new Map<number, Tracked>();
  /** What the client of a re-attached player may still hold from the server that died, until its first interest update. */
  const stale = new Map<ServerPlayer, Set<number>>();

  /** `p` is told of `q` (spawn) or made to forget it (despawn) when that changed. */
  const see = (p: ServerPlayer, q: Tracked, visible: boolean): void => {
    if (visible && !p.known.has(q.netId)) {
      send(p, Channel.ChunkStream, { type: MsgType.EntitySpawn, entity: q.netId, kind: q.kind, data: spawnData(q), name: q.name }, 'entity');
      p.known.add(q.netId);
    } else if (!visible && p.known.has(q.netId)) {
      send(p, Channel.ChunkStream, { type: MsgType.EntityDespawn, entity: q.netId }, 'entity');
      p.known.delete(q.netId);
      p.priority.delete(q.netId);
    }
  };

  /** Despawns on a re-attached player's client what it held from before and was not spawned again. */
  const forgetStale = (p: ServerPlayer): void => {
    const ids = stale.get(p);
    if (!ids) return;
    stale.delete(p);
    for (const id of ids) if (!p.known.has(id)) send(p, Channel.ChunkStream, { type: MsgType.EntityDespawn, entity: id }, 'entity');
  };

  /** Tells a player's client its own network id (a spawn of kind Self). */
  const spawnSelf = (p: ServerPlayer): void => {
    send(p, Channel.ChunkStream, { type: MsgType.EntitySpawn, entity: p.netId, kind: PlayerKind.Self, data: spawnData({ eid: p.eid, netId: p.netId }), name: p.session.name }, 'entity');
  };

  /** Forgets a replicated entity: despawned on every client that knows it. */
  const untrack = (netId: number, players: Iterable<ServerPlayer>): void => {
    tracked.delete(netId);
    entityUpdates.removed(netId);
    for (const q of players) {
      if (q.known.delete(netId)) {
        q.priority.delete(netId);
        send(q, Channel.ChunkStream, { type: MsgType.EntityDespawn, entity: netId }, 'entity');
      }
    }
  };

  /**
   * Entity interest: spawns and despawns. The replicated entities are those with a NetworkId, a Transform and an
   * EntityKind registered in the protocol definition, in entity order. Who sees what changes only when a player or
   * an entity enters another column (or appears), so a player that stayed in its column looks only at the entities
   * that moved, and only a player that moved looks at every entity. An entity gone (removed, or its kind cleared) is
   * despawned everywhere. Runs before the column interest of the tick, which moves `centre` on.
   */
  const updateEntityInterest = (players: readonly ServerPlayer[]): ReplicatedEntity[] => {
    const eids = Array.from(query(world.ecs, [s.NetworkId, s.EntityKind, s.Transform])).sort((a, b) => a - b);
    const entities: Tracked[] = [];
    const moved: Tracked[] = [];
    for (const eid of eids) {
      const kind = s.EntityKind.kind[eid];
      if (!kinds.has(kind)) continue;
      const netId = s.NetworkId.id[eid];
      const [cx, cz] = chunkPos(eid);
      let t = tracked.get(netId);
      if (!t || t.eid !== eid) {
        t = { eid, netId, cx, cz, kind, name: players.find((p) => p.netId === netId)?.session.name ?? '' };
        tracked.set(netId, t);
        moved.push(t);
      } else if (t.cx !== cx || t.cz !== cz || t.kind !== kind) {
        t.cx = cx; t.cz = cz; t.kind = kind;
        moved.push(t);
      }
      entities.push(t);
    }
    ghosts.addTo(entities, moved, tracked);
    const alive = new Set(entities.map((e) => e.netId));
    if (tracked.size > entities.length) {
      for (const netId of [...tracked.keys()]) if (!alive.has(netId)) untrack(netId, players);
    }
    for (const p of players) {
      const [pcx, pcz] = chunkPos(p.eid);
      const look = chunkKey(pcx, pcz) === p.centre ? moved : entities;
      for (const e of look) if (e.netId !== p.netId) see(p, e, inView(pcx, pcz, e.cx, e.cz, o.viewDistance));
      // A player handed over from another server may know entities this server has not got: they are gone for it.
      if (look === entities) for (const id of p.known) if (!alive.has(id)) see(p, { eid: -1, netId: id, cx: 0, cz: 0, kind: 0, name: '' }, false);
      forgetStale(p);
    }
    return entities;
  };

  /** Sends each player the own component values that changed since its last OwnState. */
  const sendOwnStates = (tick: Tick, players: readonly ServerPlayer[]): void => {
    for (const p of players) {
      const state = readEntityState(ownLayout, world.ecs, p.eid);
      const data = encodeOwnState(ownLayout, state, p.ownSent);
      if (!data) continue;
      p.ownSent = state;
      send(p, Channel.ChunkStream, { type: MsgType.OwnState, tick, data }, 'entity');
    }
  };

  /** Column interest for `p`: unloads, and the queue of columns to send. */
  const updateInterest = (p: ServerPlayer): void => {
    const [pcx, pcz] = chunkPos(p.eid);
    const centre = columnKeyAt(s.Transform.x[p.eid], s.Transform.z[p.eid]);
    if (centre === p.centre) return;
    p.centre = centre;
    const wanted = columnsInView(world.voxels.columns.keys(), pcx, pcz, o.viewDistance);
    const wantedSet = new Set(wanted);
    for (const key of [...p.chunks]) {
      if (wantedSet.has(key)) continue;
      const [cx, cz] = chunkFromKey(key);
      send(p, Channel.ChunkStream, { type: MsgType.ChunkUnload, cx, cz }, 'chunk');
      p.chunks.delete(key);
      // Updates queued for it would meet a newer column if it comes back: the column will be sent whole then.
      p.pendingDiffs = p.pendingDiffs.filter((m) => !(m.type === MsgType.ChunkDiff && m.cx === cx && m.cz === cz));
    }
    const now = o.now();
    p.chunkQueue = wanted.filter((k) => !p.chunks.has(k));
    for (const k of p.chunkQueue) if (!p.queuedAt.has(k)) p.queuedAt.set(k, now);
    for (const k of [...p.queuedAt.keys()]) if (!wantedSet.has(k)) p.queuedAt.delete(k);
  };

  const entityUpdates = createEntityUpdates({
    ecs: world.ecs, layout, pool: o.pool, now: o.now, log: o.log, send: (p, msg) => send(p, Channel.EntityDelta, msg, 'entity'),
  });

  /** Columns re-sent on request now (`p.resyncWaiting` holds the requests over budget). */
  const startResync = (p: ServerPlayer, key: number): void => {
    const [cx, cz] = chunkFromKey(key);
    p.chunks.delete(key);
    p.pendingDiffs = p.pendingDiffs.filter((m) => !(m.type === MsgType.ChunkDiff && m.cx === cx && m.cz === cz));
    p.cacheHints?.delete(key); // its cached copy is what failed
    p.chunkQueue = [key, ...p.chunkQueue.filter((k) => k !== key)];
    p.metrics.resyncs++;
  };

  const queueDiffs = (players: readonly ServerPlayer[]): void => {
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
    unflushed.clear();
    for (const [k, edits] of [...bySection].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const [cx, cy, cz] = k.split(',').map(Number);
      const key = chunkKey(cx, cz);
      columnCache.delete(key);
      const id = getColumn(world.voxels, cx, cz)?.sections[cy];
      // The section as the released edits left it: without the held edits the world already has.
      const after = withoutHeld(holding, cx, cy, cz, id === undefined || id === NO_SECTION ? null : sectionVoxels(world.voxels.store, id).slice());
      const before = (after ?? new Uint16Array(4096)).slice();
      for (let i = edits.length - 1; i >= 0; i--) before[voxelIndex(edits[i].x & 15, edits[i].y & 15, edits[i].z & 15)] = edits[i].prev;
      const data = encodeSectionUpdate(before, after, codec);
      for (const p of players) if (p.chunks.has(key)) p.pendingDiffs.push({ type: MsgType.ChunkDiff, cx, cy, cz, data });
    }
  };

  const sendChunks = (p: ServerPlayer): void => {
    if (!p.cacheHints && o.now() - p.joinedAt < CACHE_HINT_WAIT_MS) return;
    if (p.pendingDiffs.length) return; // a column never overtakes the block results and updates before it
    const waiting: number[] = [];
    // Look at a bounded number of columns per tick, so a long queue of columns still encoding costs little.
    for (let looked = 0; p.chunkQueue.length && canSend(p.limiter, o.now()) && looked < 256; looked++) {
      const key = p.chunkQueue.shift()!;
      if (!world.voxels.columns.has(key) || p.chunks.has(key)) continue;
      // A column with edits not yet in a section update would not match the updates that follow: wait for the flush.
      if (unflushed.has(key) || holding.columns.has(key)) { waiting.push(key); continue; }
      const enc = encoded(key);
      if (!enc) { waiting.push(key); continue; } // being encoded in the pool: next tick
      p.chunks.add(key);
      if (p.cacheHints?.get(key) === enc.checksum) {
        p.metrics.chunkCacheHits++;
        p.queuedAt.delete(key);
        continue;
      }
      const [cx, cz] = chunkFromKey(key);
      send(p, Channel.ChunkStream, { type: MsgType.ChunkData, cx, cz, checksum: enc.checksum, data: enc.data }, 'chunk');
      p.metrics.chunksSent++;
      p.metrics.chunkRawBytes += world.voxels.columnSections * 8192;
    }
    if (waiting.length) p.chunkQueue.unshift(...waiting);
  };

  /** A player record with a fresh replication state (`eid` -1 until its entity is made). */
  const fresh = (session: ServerSession, netId: number): ServerPlayer => ({
    session, eid: -1, netId, queue: createInputQueue(), advice: { seq: 0, adjust: 0 }, ackTick: 0, entities: createSnapshotHistory(),
    known: new Set(), chunks: new Set(), editTicks: [], limiter: createRateLimiter(o.budgetBytesPerSecond),
    answerBudget: createTickBucket(ANSWER_BURST, ANSWERS_PER_TICK, world.tick),
    resyncBudget: createTickBucket(RESYNC_BURST, RESYNCS_PER_SECOND / TICK_HZ, world.tick), resyncWaiting: [],
    bytesSeen: session.connection.stats.bytesOut, centre: NaN, chunkQueue: [], queuedAt: new Map(), cacheHints: null,
    joinedAt: o.now(), pendingDiffs: [], priority: new Map(), emptyUpdates: new Set(), ownSent: undefined,
    metrics: { bytes: { entity: 0, chunk: 0, diff: 0, state: 0, other: 0 }, chunksSent: 0, chunkCacheHits: 0, chunkRawBytes: 0, chunkLoadMs: [], entityUpdates: 0, entityUpdatesDeferred: 0, entityUpdatesQuiet: 0, largestMessage: 0, sendErrors: 0, resyncs: 0, resultsQueued: 0, refusedOnArrival: 0 },
  });

  return {
    layout, ownLayout,
    join(session, eid) {
      const p = fresh(session, s.NetworkId.id[eid]);
      p.eid = eid;
      spawnSelf(p);
      entityUpdates.joined(p);
      return p;
    },
    fresh,
    reattached(p, known) {
      ghosts.delete(p.netId);
      // No hints: every column in view goes out whole, now (the client sends its ChunkHave only when it connects).
      p.cacheHints ??= new Map();
      spawnSelf(p);
      entityUpdates.joined(p);
      stale.set(p, new Set(known));
    },
    leave(p, players) {
      stale.delete(p);
      entityUpdates.left(p);
      untrack(p.netId, [...players].filter((q) => q !== p));
    },
    handedOff(p) {
      stale.delete(p);
      entityUpdates.left(p);
    },
    adopted(p) {
      ghosts.delete(p.netId);
      entityUpdates.joined(p);
    },
    setGhost: (netId, ghost) => ghosts.set(netId, ghost),
    removeGhost(netId) {
      ghosts.delete(netId);
    },

    cacheHints(p, msg) {
      const hints = new Map<number, string>();
      for (let i = 0; i < msg.checksums.length; i++) hints.set(chunkKey(msg.columns[2 * i], msg.columns[2 * i + 1]), msg.checksums[i]);
      p.cacheHints = hints;
    },
    chunkAcked(p, cx, cz) {
      const key = chunkKey(cx, cz);
      const at = p.queuedAt.get(key);
      if (at !== undefined) { p.metrics.chunkLoadMs.push(o.now() - at); p.queuedAt.delete(key); }
    },
    resync(p, cx, cz) {
      const key = chunkKey(cx, cz);
      if (!p.chunks.has(key) || p.resyncWaiting.includes(key)) return 'ignored';
      if (takeToken(p.resyncBudget, world.tick)) { startResync(p, key); return 'queued'; }
      if (p.resyncWaiting.length >= MAX_WAITING_RESYNCS) return 'flood';
      p.resyncWaiting.push(key);
      return 'waiting';
    },
    blockResult(p, msg, optional) {
      if (p.pendingDiffs.length || (optional && !canSend(p.limiter, o.now()))) { p.pendingDiffs.push(msg); p.metrics.resultsQueued++; }
      else send(p, Channel.ChunkStream, msg, 'other', !optional);
    },
    actionResult(p, msg) {
      send(p, Channel.ChunkStream, msg, 'other', true);
    },
    edited(edits, remote = false) {
      if (!remote) releaseHeld(holding, edits);
      pending.push(...edits);
      // The cached whole-column encodings are stale from now on (a client may subscribe before the next flush).
      for (const e of edits) {
        const key = chunkKey(e.x >> 4, e.z >> 4);
        unflushed.add(key);
        columnCache.delete(key);
        version.set(key, (version.get(key) ?? 0) + 1);
      }
    },
    held(edits) {
      holdEdits(holding, edits);
      for (const e of edits) {
        const key = chunkKey(e.x >> 4, e.z >> 4);
        columnCache.delete(key);
        version.set(key, (version.get(key) ?? 0) + 1);
      }
    },
    afterTick(tick, players) {
      const now = o.now();
      const entities = updateEntityInterest(players);
      for (const p of players) {
        const e = p.eid;
        send(p, Channel.EntityDelta, {
          type: MsgType.PlayerState, tick, x: s.Transform.x[e], y: s.Transform.y[e], z: s.Transform.z[e],
          vx: s.Velocity.x[e], vy: s.Velocity.y[e], vz: s.Velocity.z[e], onGround: s.Player.onGround[e] === 1,
        }, 'state');
        updateInterest(p);
      }
      if (tick % BLOCKS_EVERY === 0) queueDiffs(players);
      if (tick % ENTITY_EVERY === 0) {
        entityUpdates.update(tick, players, entities);
        sendOwnStates(tick, players);
      }
      for (const p of players) {
        // Requests over the resync budget, as it refills (a column unloaded meanwhile is dropped).
        while (p.resyncWaiting.length && (!p.chunks.has(p.resyncWaiting[0]) || tokensAt(p.resyncBudget, world.tick) >= 1)) {
          const key = p.resyncWaiting.shift()!;
          if (p.chunks.has(key) && takeToken(p.resyncBudget, world.tick)) startResync(p, key);
        }
        while (p.pendingDiffs.length && canSend(p.limiter, now)) {
          const m = p.pendingDiffs.shift()!;
          send(p, Channel.ChunkStream, m, m.type === MsgType.ChunkDiff ? 'diff' : 'other');
        }
        sendChunks(p);
        if (tick % ADVICE_EVERY === 0) p.advice = { seq: (p.advice.seq + 1) & 0xffff, adjust: timingAdvice(p.queue, TARGET_INPUT_LEAD) };
        const phase = tick % ADVICE_EVERY;
        if (phase === 0 || (phase < ADVICE_COPIES && p.advice.adjust !== 0)) {
          send(p, Channel.EntityDelta, { type: MsgType.ServerState, tick, players: players.length, adjust: p.advice.adjust, adviceSeq: p.advice.seq }, 'state');
        }
      }
      dispatchEncodes();
    },
  };
}
