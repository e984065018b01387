/**
 * The hand-off state: everything that makes up an entity (and, for a player, its session's server-side state) when
 * it moves to another server at a defined tick, as msgpack bytes. The sending server builds it between ticks; the
 * receiving server adopts the entity at the start of `adoptTick` with every component as it was, the same network id,
 * and for a player its input queue, timing advice and replication state, so that the client sees no difference.
 * Wall-clock times (bandwidth window, load timers) travel as ages, as the two servers' clocks have different origins.
 * A fail-over checkpoint ({@link PlayerCheckpoint}, `checkpoint: true`) is a player's state without its replication
 * state: what a server needs to continue the session after the player's server died, starting replication afresh.
 * Decoding checks the shape and throws {@link HandoffStateError}; the receiver then refuses only that hand-off.
 */
import { Packr, Unpackr } from 'msgpackr';
import type { EntityState } from '../codec/entity-delta.ts';
import type { PlayerInput } from '../input.ts';
import type { Message } from '../protocol/messages.ts';
import type { ServerSession } from '../net/server.ts';
import { createRateLimiter, type RateLimiter } from '../replication/rate-limiter.ts';
import type { Tick } from '../tick.ts';
import type { CapturedComponent } from './entity-capture.ts';
import type { InputQueue } from './input-queue.ts';
import type { ReplicationMetrics, ServerPlayer } from './server-player.ts';
import type { TickBucket } from './tick-bucket.ts';

/**
 * Version of the state format; a state of another version is refused. Checkpoints did not change it: a hand-off is
 * encoded as before, and a decoder that predates checkpoints refuses one (it has no queue nor replication state).
 */
export const HANDOFF_VERSION = 1;

/** A hand-off state that does not decode or does not have the expected shape. */
export class HandoffStateError extends Error {
  /** 'HandoffStateError'. */
  override name = 'HandoffStateError';
}

/** An entity moving to another server. */
export interface EntityHandoff {
  /** {@link HANDOFF_VERSION}. */
  version: number;
  /** 'entity' (a mob) or 'player' ({@link PlayerHandoff}). */
  kind: 'entity' | 'player';
  /**
   * The tick the receiver adopts it at (the sender's next tick when it let go). In a checkpoint: the tick its state
   * is of (the sender's next tick); the adopter takes it at its own next tick.
   */
  adoptTick: Tick;
  /** Its network id (cluster-wide). */
  netId: number;
  /** Every component it has (entity-capture.ts). */
  components: CapturedComponent[];
}

/** A player's input queue and timing state, with the inputs from `adoptTick` on. */
export interface QueueHandoff {
  /** Pending inputs, by tick, with the sequence number of the bundle that brought each. */
  pending: Array<[Tick, PlayerInput, number]>;
  /** InputQueue.lastSeq. */
  lastSeq: number;
  /** InputQueue.last. */
  last: PlayerInput | null;
  /** InputQueue.stats. */
  stats: InputQueue['stats'];
  /** InputQueue.leads. */
  leads: number[];
  /** InputQueue.seenOrder (the seen set is rebuilt from it). */
  seenOrder: Tick[];
}

/** A player's replication state (ServerPlayer fields), with wall times as ages in ms. */
export interface ReplicationHandoff {
  /** ServerPlayer.advice. */
  advice: { seq: number; adjust: number };
  /** ServerPlayer.ackTick. */
  ackTick: Tick;
  /** ServerPlayer.entities, per tick. */
  entities: Array<[Tick, EntityState[]]>;
  /** ServerPlayer.known. */
  known: number[];
  /** ServerPlayer.chunks. */
  chunks: number[];
  /** ServerPlayer.editTicks. */
  editTicks: Tick[];
  /** The bandwidth window: each send's age (ms), size and whether it was essential. */
  sent: Array<[number, number, boolean]>;
  /** ServerPlayer.centre. */
  centre: number;
  /** ServerPlayer.chunkQueue. */
  chunkQueue: number[];
  /** ServerPlayer.queuedAt, as ages. */
  queuedAt: Array<[number, number]>;
  /** ServerPlayer.cacheHints. */
  cacheHints: Array<[number, string]> | null;
  /** Age of ServerPlayer.joinedAt, ms. */
  joinedAge: number;
  /** ServerPlayer.pendingDiffs. */
  pendingDiffs: Message[];
  /** ServerPlayer.answerBudget. */
  answerBudget: TickBucket;
  /** ServerPlayer.resyncBudget. */
  resyncBudget: TickBucket;
  /** ServerPlayer.resyncWaiting. */
  resyncWaiting: number[];
  /** ServerPlayer.priority. */
  priority: Array<[number, number]>;
  /** ServerPlayer.emptyUpdates. */
  emptyUpdates: Tick[];
  /** ServerPlayer.ownSent (null before the first OwnState). */
  ownSent: EntityState | null;
  /** ServerPlayer.metrics. */
  metrics: ReplicationMetrics;
}

/** A player moving to another server with its session. */
export interface PlayerHandoff extends EntityHandoff {
  /** 'player'. */
  kind: 'player';
  /** Its name (the receiver keeps names unique). */
  name: string;
  /** Its input queue. */
  queue: QueueHandoff;
  /** Its replication state. */
  replication: ReplicationHandoff;
  /** The game's own per-player data (GameServerOptions.handoffData), if any. */
  game?: unknown;
}

/** What a player's client holds from the server that wrote a checkpoint, so that a fresh server does not confuse it. */
export interface CheckpointClient {
  /** Network ids of the entities spawned on the client (ServerPlayer.known): those not spawned again are despawned. */
  known: number[];
  /** InputQueue.lastSeq. */
  lastSeq: number;
  /** InputQueue.last (repeated while inputs are missing). */
  last: PlayerInput | null;
  /** The input-timing advice (ServerPlayer.advice): the client applies only numbers newer than the last it applied. */
  advice: { seq: number; adjust: number };
}

/** A player's fail-over checkpoint: adopted, should its server die, with a fresh replication state. */
export interface PlayerCheckpoint extends EntityHandoff {
  /** 'player'. */
  kind: 'player';
  /** true: a checkpoint, not a hand-off. */
  checkpoint: true;
  /** Its name. */
  name: string;
  /** What its client holds. */
  client: CheckpointClient;
  /** The game's own per-player data (GameServerOptions.handoffData), if any. */
  game?: unknown;
}

/** Whether a decoded state is a fail-over checkpoint. */
export function isCheckpoint(state: EntityHandoff): state is PlayerCheckpoint {
  return (state as Partial<PlayerCheckpoint>).checkpoint === true;
}

const packr = new Packr({ useRecords: false, moreTypes: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** Encodes a hand-off state. */
export function encodeHandoff(state: EntityHandoff): Uint8Array {
  return packr.pack(state);
}

function need(ok: boolean, what: string): asserts ok {
  if (!ok) throw new HandoffStateError(`hand-off state: ${what}`);
}
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isList = (v: unknown): v is unknown[] => Array.isArray(v);

/**
 * Decodes and checks a hand-off state (of either kind, or a player's checkpoint); throws {@link HandoffStateError}
 * naming what is wrong.
 */
export function decodeHandoff(bytes: Uint8Array): EntityHandoff | PlayerHandoff | PlayerCheckpoint {
  let s: Record<string, unknown>;
  try {
    s = unpackr.unpack(bytes) as Record<string, unknown>;
  } catch (e) {
    throw new HandoffStateError(`hand-off state does not decode: ${(e as Error).message}`);
  }
  need(typeof s === 'object' && s !== null && !Array.isArray(s), 'not a map');
  need(s.version === HANDOFF_VERSION, `version ${String(s.version)}, expected ${HANDOFF_VERSION}`);
  need(s.kind === 'entity' || s.kind === 'player', `kind ${String(s.kind)}`);
  need(isInt(s.adoptTick) && s.adoptTick >= 0, 'adoptTick is not a tick');
  need(isInt(s.netId) && s.netId >= 1 && s.netId <= 0xffffffff, 'netId is not a network id');
  need(isList(s.components), 'components is not a list');
  need(s.checkpoint === undefined || (s.checkpoint === true && s.kind === 'player'), 'checkpoint is not true on a player state');
  if (s.checkpoint === true) checkCheckpoint(s);
  else if (s.kind === 'player') checkPlayer(s);
  return s as unknown as EntityHandoff;
}

function checkCheckpoint(s: Record<string, unknown>): void {
  need(typeof s.name === 'string', 'name is not a string');
  const c = s.client as Record<string, unknown> | undefined;
  need(typeof c === 'object' && c !== null, 'client missing');
  need(isList(c.known) && c.known.every(isInt), 'client.known is not a list of network ids');
  need(isInt(c.lastSeq), 'client.lastSeq is not an integer');
  const last = c.last as Record<string, unknown> | null;
  need(last === null || (typeof last === 'object' && ['tick', 'buttons', 'yaw', 'pitch'].every((k) => isInt(last[k]))), 'client.last is not an input');
  const a = c.advice as Record<string, unknown> | undefined;
  need(typeof a === 'object' && a !== null && isInt(a.seq) && isInt(a.adjust), 'client.advice');
}

function checkPlayer(s: Record<string, unknown>): void {
  need(typeof s.name === 'string', 'name is not a string');
  const q = s.queue as Record<string, unknown> | undefined;
  need(typeof q === 'object' && q !== null, 'queue missing');
  need(isList(q.pending) && q.pending.every((e) => isList(e) && isInt(e[0]) && typeof e[1] === 'object'), 'queue.pending');
  need(isList(q.leads) && isList(q.seenOrder) && typeof q.stats === 'object', 'queue fields');
  const r = s.replication as Record<string, unknown> | undefined;
  need(typeof r === 'object' && r !== null, 'replication missing');
  for (const k of ['entities', 'known', 'chunks', 'editTicks', 'sent', 'chunkQueue', 'queuedAt', 'pendingDiffs', 'resyncWaiting', 'priority', 'emptyUpdates'] as const) {
    need(isList(r[k]), `replication.${k} is not a list`);
  }
  need(isInt(r.ackTick), 'replication.ackTick');
  need(typeof r.advice === 'object' && typeof r.answerBudget === 'object' && typeof r.resyncBudget === 'object' && typeof r.metrics === 'object', 'replication fields');
}

/** The input queue's state from `tick` on. */
export function queueHandoff(q: InputQueue, tick: Tick): QueueHandoff {
  const pending: QueueHandoff['pending'] = [];
  for (const [t, input] of [...q.pending].sort(([a], [b]) => a - b)) if (t >= tick) pending.push([t, input, q.seqs.get(t) ?? 0]);
  return { pending, lastSeq: q.lastSeq, last: q.last, stats: { ...q.stats }, leads: [...q.leads], seenOrder: [...q.seenOrder] };
}

/** Rebuilds an input queue from its hand-off state. */
export function restoreQueue(h: QueueHandoff): InputQueue {
  return {
    pending: new Map(h.pending.map(([t, input]) => [t, input])), seqs: new Map(h.pending.map(([t, , seq]) => [t, seq])),
    lastSeq: h.lastSeq, last: h.last, stats: { ...h.stats }, leads: [...h.leads], seen: new Set(h.seenOrder), seenOrder: [...h.seenOrder],
  };
}

/** A player's replication state, at wall time `nowMs`. */
export function replicationHandoff(p: ServerPlayer, nowMs: number): ReplicationHandoff {
  const l = p.limiter;
  return {
    advice: { ...p.advice }, ackTick: p.ackTick,
    entities: [...p.entities.byTick].map(([t, m]) => [t, [...m.values()]]),
    known: [...p.known], chunks: [...p.chunks], editTicks: [...p.editTicks],
    sent: l.times.map((t, i) => [nowMs - t, l.sizes[i], l.essential[i]]),
    centre: p.centre, chunkQueue: [...p.chunkQueue], queuedAt: [...p.queuedAt].map(([k, t]) => [k, nowMs - t]),
    cacheHints: p.cacheHints ? [...p.cacheHints] : null, joinedAge: nowMs - p.joinedAt, pendingDiffs: [...p.pendingDiffs],
    answerBudget: { ...p.answerBudget }, resyncBudget: { ...p.resyncBudget }, resyncWaiting: [...p.resyncWaiting],
    priority: [...p.priority], emptyUpdates: [...p.emptyUpdates], ownSent: p.ownSent ?? null, metrics: structuredClone(p.metrics),
  };
}

/** A bandwidth window rebuilt from its ages, on a budget of `bytesPerSecond` (the receiver's). */
function restoreLimiter(sent: ReplicationHandoff['sent'], bytesPerSecond: number, nowMs: number): RateLimiter {
  const l = createRateLimiter(bytesPerSecond);
  for (const [age, size, essential] of sent) {
    l.times.push(nowMs - age);
    l.sizes.push(size);
    l.essential.push(essential);
    l.inWindow += size;
    if (essential) l.essentialInWindow += size;
  }
  if (sent.length) l.since = nowMs - sent[0][0];
  return l;
}

/**
 * The server record of a player arriving with `h` on `session`, at wall time `nowMs`; its entity is not made yet
 * (`eid` is -1 until it is adopted). `bytesPerSecond` is this server's budget per client.
 */
export function restorePlayer(h: PlayerHandoff, session: ServerSession, nowMs: number, bytesPerSecond: number): ServerPlayer {
  const r = h.replication;
  const byTick = new Map<Tick, Map<number, EntityState>>(r.entities.map(([t, states]) => [t, new Map(states.map((st) => [st.id, st]))]));
  return {
    session, eid: -1, netId: h.netId, queue: restoreQueue(h.queue), advice: { ...r.advice }, ackTick: r.ackTick, entities: { byTick },
    known: new Set(r.known), chunks: new Set(r.chunks), editTicks: [...r.editTicks],
    limiter: restoreLimiter(r.sent, bytesPerSecond, nowMs), bytesSeen: session.connection.stats.bytesOut,
    // Looked at afresh on its first tick here: every entity, every column in view (those it holds stay).
    centre: NaN, chunkQueue: [...r.chunkQueue], queuedAt: new Map(r.queuedAt.map(([k, age]) => [k, nowMs - age])),
    cacheHints: r.cacheHints ? new Map(r.cacheHints) : null, joinedAt: nowMs - r.joinedAge, pendingDiffs: r.pendingDiffs,
    answerBudget: r.answerBudget, resyncBudget: r.resyncBudget, resyncWaiting: [...r.resyncWaiting], priority: new Map(r.priority),
    emptyUpdates: new Set(r.emptyUpdates), ownSent: r.ownSent ?? undefined, metrics: r.metrics,
  };
}
