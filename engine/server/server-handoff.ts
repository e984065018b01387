/**
 * The game server's side of hand-off and borders: players and mobs leaving for another server at a defined tick
 * (with every component and, for a player, its session's state), arriving from one (adopted at the start of the tick
 * the state names), players re-attached from the fail-over checkpoint of a server that died (at the next tick, with a
 * fresh replication state; server-checkpoint.ts), ghosts of the entities another server owns, and a neighbour's edits
 * applied to this server's read-only copy of its region. Everything that changes the world happens at the start of a tick, in a defined
 * order (adoptions by arrival, then remote edits), and is reported to the recorder, so a run replays exactly.
 */
import { entityExists, hasComponent, query, removeEntity } from 'bitecs';
import type { NetLog, ServerSession } from '../net/server.ts';
import type { GameWorld, SimEvents } from '../sim/game-world.ts';
import { readEntityState } from '../replication/entity-layout.ts';
import { setBlock } from '../voxel/voxel-world.ts';
import { captureComponents, componentsProblem, restoreComponents } from './entity-capture.ts';
import {
  HANDOFF_VERSION, HandoffStateError, decodeHandoff, encodeHandoff, isCheckpoint, queueHandoff, replicationHandoff, restorePlayer,
  type EntityHandoff, type PlayerCheckpoint, type PlayerHandoff,
} from './handoff-state.ts';
import { restoreClientFacts } from './server-checkpoint.ts';
import { inventoryStateOf } from '../replication/inventory-state.ts';
import { Channel } from '../net/channels.ts';
import type { Replicator } from './replicator.ts';
import type { Ghost } from './ghosts.ts';
import type { ServerPlayer } from './server-player.ts';
import type { ServerRecorder } from './server-recorder.ts';
import type { TickCounters } from './server-tick.ts';
import type { Tick } from '../tick.ts';

/** Counters of a game server: the tick's, and hand-offs. */
export interface GameServerCounters extends TickCounters {
  /** Players adopted from another server. */
  handoffsIn: number;
  /** Players handed to another server. */
  handoffsOut: number;
  /** Players adopted after their adoption tick had already run here (adopted at once; logged). */
  handoffsLate: number;
  /** Fail-over checkpoints left with session transports (GameServerOptions.checkpointEveryTicks). */
  checkpoints: number;
  /** Players re-attached from another server's checkpoint (that server died). */
  reattached: number;
}

/** A game's own per-player data carried in a hand-off (msgpack-able values only). */
export interface HandoffData {
  /**
   * The data to carry, read as the player leaves this server (its components can still be read), and at each of its
   * fail-over checkpoints (it stays).
   */
  save(player: ServerPlayer): unknown;
  /** Restores `data` on the player arriving here, handed over or re-attached (its entity exists, with every component). */
  load(player: ServerPlayer, data: unknown): void;
}

/** A block edit from another server. */
export interface RemoteEdit {
  /** Block x. */
  x: number;
  /** Block y. */
  y: number;
  /** Block z. */
  z: number;
  /** The block id. */
  block: number;
}

/** One of this server's replicated entities, as a neighbour's ghost of it. */
export interface BorderEntity extends Ghost {
  /** Its network id. */
  netId: number;
}

/** What the hand-off side needs from its server. */
export interface HandoffContext {
  /** The world. */
  world: GameWorld;
  /** Players by session id (adopted players are added, handed-off ones removed). */
  players: Map<number, ServerPlayer>;
  /** Counters to update. */
  counters: GameServerCounters;
  /** The replicator (made at init). */
  replicator: () => Replicator;
  /** Entity kind ids of the protocol definition (only those are replicated). */
  kinds: ReadonlySet<number>;
  /** Recording, if any. */
  recorder?: ServerRecorder;
  /** The game's per-player data, if any. */
  data?: HandoffData;
  /** Wall clock for the bandwidth window, ms. */
  now: () => number;
  /** Bandwidth budget per client, bytes per second. */
  budgetBytesPerSecond: number;
  /** Log sink. */
  log: NetLog;
}

/** A player on its way in: its record, restored (or fresh, for a checkpoint), until its adoption tick. */
interface Arrival {
  /** Its record (eid -1 until adopted). */
  player: ServerPlayer;
  /** The decoded state. */
  state: PlayerHandoff | PlayerCheckpoint;
  /** The tick it is adopted at: the hand-off's adoptTick, or the tick after a checkpoint arrived. */
  due: Tick;
  /** The state as it came (for the recorder). */
  bytes: Uint8Array;
  /** User messages that came before the adoption, delivered after it. */
  deferred: Array<() => void>;
}

/** The hand-off side of a game server. */
export interface Handoffs {
  /** Hands the player of session `sessionId` to server `target` (GameServer.handOff). */
  handOff(sessionId: number, target: string): void;
  /**
   * A handed-over or re-attached session arrived (NetServerOptions.onSessionResume, with a hand-off state or a
   * checkpoint): returns its name, or throws to refuse it.
   */
  resume(session: ServerSession, bytes: Uint8Array): string;
  /** The record of a player adopted or on its way in (its messages are taken before adoption). */
  playerOf(sessionId: number): ServerPlayer | undefined;
  /** Runs `fn` now for an adopted player, after the adoption for one still on its way in. */
  whenAdopted(sessionId: number, fn: () => void): void;
  /** A session closed: a player still on its way in is dropped. */
  closed(sessionId: number): void;
  /** Exports a non-player entity (GameServer.exportEntity). */
  exportEntity(eid: number): Uint8Array;
  /** Queues a non-player entity's adoption (GameServer.adoptEntity); returns its network id. */
  adoptEntity(bytes: Uint8Array): number;
  /** Queues a neighbour's edits for the start of the next tick. */
  applyRemoteEdits(edits: ReadonlyArray<RemoteEdit>): void;
  /** Start of a tick: adopts who is due (handed over or re-attached), then applies queued remote edits. */
  beforeTick(): void;
  /** This server's own replicated entities whose position passes `near`, in network id order. */
  borderEntities(near: (x: number, z: number) => boolean): BorderEntity[];
}

/**
 * Makes the entity a hand-off state or a player's checkpoint describes (player or mob) in `world`, with every
 * component and its network id, and returns its entity id: what adoption and re-attachment do to a world, for replays
 * of a recording (ServerRecorder.adopted and entityAdopted). Throws HandoffStateError for a state that does not
 * decode or does not fit the world's layout.
 */
export function adoptEntityState(world: GameWorld, state: Uint8Array): number {
  const components = decodeHandoff(state).components;
  const problem = componentsProblem(world.ecs, components);
  if (problem) throw new HandoffStateError(`hand-off state: ${problem}`);
  return restoreComponents(world.ecs, components);
}

/**
 * Takes entity `eid` out of `world` as a hand-off does (player or mob; ServerRecorder.handedOff and entityExported):
 * for replays of a recording.
 */
export function removeHandedOff(world: GameWorld, eid: number): void {
  removeEntity(world.ecs, eid);
}

/** The entity with network id `netId` in `world`, or -1 (replays look up mobs a recording names by network id). */
export function entityWithNetId(world: GameWorld, netId: number): number {
  const s = world.ecs.stores;
  for (const eid of query(world.ecs, [s.NetworkId])) if (s.NetworkId.id[eid] === netId) return eid;
  return -1;
}

/** Creates the hand-off side of a game server. */
export function createHandoffs(ctx: HandoffContext): Handoffs {
  const { world, players, counters, log } = ctx;
  const s = world.ecs.stores;
  const arrivals = new Map<number, Arrival>();
  const entities: Array<{ state: EntityHandoff; bytes: Uint8Array }> = [];
  let remote: RemoteEdit[] = [];

  /** The replicated state of entity `eid` as a ghost, or undefined when its kind is not replicated. */
  const ghostOf = (eid: number, name: string): Ghost | undefined => {
    const kind = s.EntityKind.kind[eid];
    if (!hasComponent(world.ecs, eid, s.EntityKind) || !ctx.kinds.has(kind)) return undefined;
    return { kind, name, state: readEntityState(ctx.replicator().layout, world.ecs, eid) };
  };

  /** Whether network id `netId` is taken here: a live entity, or one on its way in. */
  const taken = (netId: number): boolean =>
    entityWithNetId(world, netId) >= 0 || [...arrivals.values()].some((a) => a.player.netId === netId) || entities.some((e) => e.state.netId === netId);

  /** Throws HandoffStateError when `state` cannot be adopted here: its id is taken, or its components do not fit. */
  const checkAdoptable = (state: EntityHandoff): void => {
    if (taken(state.netId)) throw new HandoffStateError(`network id ${state.netId} is already alive on this server`);
    const problem = componentsProblem(world.ecs, state.components);
    if (problem) throw new HandoffStateError(`hand-off state: ${problem}`);
  };

  /** Re-attaches a player from a checkpoint: replicated afresh, with its hotbar, as a joining player. */
  const reattachPlayer = (a: Arrival & { state: PlayerCheckpoint }): void => {
    const p = a.player;
    ctx.replicator().reattached(p, a.state.client.known);
    p.session.send(Channel.ChunkStream, inventoryStateOf(s, p.eid, world.tick));
    counters.reattached++;
    log('info', `player ${a.state.name} (entity ${p.netId}) re-attached from a checkpoint of tick ${a.state.adoptTick}, at tick ${world.tick}`);
  };

  /** The rest of a hand-off's adoption: its replication continues where it was. */
  const adoptedPlayer = (a: Arrival, late: boolean): void => {
    ctx.replicator().adopted(a.player);
    counters.handoffsIn++;
    if (late) {
      counters.handoffsLate++;
      log('warn', `player ${a.state.name} (entity ${a.player.netId}) adopted late: at tick ${world.tick}, its hand-off named tick ${a.due}`);
    } else log('info', `player ${a.state.name} (entity ${a.player.netId}) adopted at tick ${world.tick}`);
  };

  const adoptPlayer = (a: Arrival): void => {
    arrivals.delete(a.player.session.id);
    const late = world.tick > a.due;
    a.player.eid = adoptEntityState(world, a.bytes);
    players.set(a.player.session.id, a.player);
    if (isCheckpoint(a.state)) reattachPlayer(a as Arrival & { state: PlayerCheckpoint });
    else adoptedPlayer(a, late);
    if (a.state.game !== undefined) ctx.data?.load(a.player, a.state.game);
    ctx.recorder?.adopted?.(world.tick, a.player.netId, a.bytes);
    for (const fn of a.deferred) fn();
  };

  const adoptMob = (e: { state: EntityHandoff; bytes: Uint8Array }): void => {
    adoptEntityState(world, e.bytes);
    ctx.replicator().removeGhost(e.state.netId);
    ctx.recorder?.entityAdopted?.(world.tick, e.state.netId, e.bytes);
  };

  const applyRemote = (): void => {
    if (remote.length === 0) return;
    const edits = remote;
    remote = [];
    const changed: SimEvents['BlockChanged'][] = [];
    for (const e of edits) {
      let prev: number;
      try { prev = setBlock(world.voxels, e.x, e.y, e.z, e.block); } catch { log('warn', `remote edit at (${e.x}, ${e.y}, ${e.z}) is outside the world; skipped`); continue; }
      if (prev !== e.block) changed.push({ tick: world.tick, x: e.x, y: e.y, z: e.z, block: e.block, prev, by: 0 });
    }
    ctx.recorder?.remoteEdits?.(world.tick, edits);
    ctx.replicator().edited(changed, true);
  };

  return {
    handOff(sessionId, target) {
      const p = players.get(sessionId);
      if (!p) throw new RangeError(`handOff: no player with session ${sessionId}`);
      if (typeof target !== 'string' || target === '') throw new RangeError(`handOff: target must be a server name, got '${String(target)}'`);
      const state: PlayerHandoff = {
        version: HANDOFF_VERSION, kind: 'player', adoptTick: world.tick, netId: p.netId, components: captureComponents(world.ecs, p.eid),
        name: p.session.name, queue: queueHandoff(p.queue, world.tick), replication: replicationHandoff(p, ctx.now()),
      };
      if (ctx.data) state.game = ctx.data.save(p);
      const bytes = encodeHandoff(state);
      // Checked before anything changes: a session that cannot move stays where it is.
      if (!p.session.movable) throw new Error(`handOff: session ${sessionId} cannot move: its transport has no moveTo (only bridged sessions move between servers)`);
      const ghost = ghostOf(p.eid, p.session.name);
      players.delete(sessionId);
      ctx.replicator().handedOff(p);
      if (ghost) ctx.replicator().setGhost(p.netId, ghost);
      removeHandedOff(world, p.eid);
      counters.handoffsOut++;
      ctx.recorder?.handedOff?.(world.tick, p.netId, target);
      log('info', `player ${p.session.name} (entity ${p.netId}) handed to ${target} for tick ${world.tick}`);
      try {
        p.session.moveTo(target, bytes);
      } catch (e) {
        // Gone from here and never adopted there: it leaves, and its ghost with it.
        ctx.replicator().removeGhost(p.netId);
        p.session.close(`hand-off to ${target} failed: ${(e as Error).message}`);
        throw e;
      }
    },
    resume(session, bytes) {
      const state = decodeHandoff(bytes);
      if (state.kind !== 'player') throw new HandoffStateError(`hand-off state of a ${state.kind}, not a player`);
      checkAdoptable(state);
      if (isCheckpoint(state)) {
        // Adopted at the start of the next tick, whatever tick the checkpoint is of.
        const player = ctx.replicator().fresh(session, state.netId);
        restoreClientFacts(player, state);
        arrivals.set(session.id, { player, state, due: world.tick, bytes, deferred: [] });
        return state.name;
      }
      const player = restorePlayer(state as PlayerHandoff, session, ctx.now(), ctx.budgetBytesPerSecond);
      const a: Arrival = { player, state: state as PlayerHandoff, due: state.adoptTick, bytes, deferred: [] };
      arrivals.set(session.id, a);
      if (world.tick > a.due) adoptPlayer(a);
      return (state as PlayerHandoff).name;
    },
    playerOf: (sessionId) => players.get(sessionId) ?? arrivals.get(sessionId)?.player,
    whenAdopted(sessionId, fn) {
      const a = arrivals.get(sessionId);
      if (a) a.deferred.push(fn);
      else if (players.has(sessionId)) fn();
    },
    closed(sessionId) {
      arrivals.delete(sessionId);
    },
    exportEntity(eid) {
      if (!entityExists(world.ecs, eid) || !hasComponent(world.ecs, eid, s.NetworkId)) throw new RangeError(`exportEntity: ${eid} is not a live entity with a NetworkId`);
      if ([...players.values()].some((p) => p.eid === eid)) throw new RangeError(`exportEntity: entity ${eid} is a player's; players move with handOff`);
      const netId = s.NetworkId.id[eid];
      const bytes = encodeHandoff({ version: HANDOFF_VERSION, kind: 'entity', adoptTick: world.tick, netId, components: captureComponents(world.ecs, eid) });
      const ghost = ghostOf(eid, '');
      if (ghost) ctx.replicator().setGhost(netId, ghost);
      removeHandedOff(world, eid);
      ctx.recorder?.entityExported?.(world.tick, netId);
      return bytes;
    },
    adoptEntity(bytes) {
      const state = decodeHandoff(bytes);
      if (state.kind !== 'entity') throw new HandoffStateError(`hand-off state of a ${state.kind}; players arrive with their session`);
      checkAdoptable(state);
      entities.push({ state, bytes });
      return state.netId;
    },
    applyRemoteEdits(edits) {
      for (const e of edits) {
        for (const k of ['x', 'y', 'z', 'block'] as const) {
          if (!Number.isInteger(e[k])) throw new RangeError(`applyRemoteEdits: ${k} must be an integer, got ${e[k]}`);
        }
        if (e.block < 0 || e.block > 0xffff) throw new RangeError(`applyRemoteEdits: block must be in 0..65535, got ${e.block}`);
      }
      for (const e of edits) remote.push({ x: e.x, y: e.y, z: e.z, block: e.block });
    },
    beforeTick() {
      // By network id, so the new entity ids do not depend on the order the hand-offs arrived in.
      const due = [...arrivals.values()].filter((a) => a.due <= world.tick).sort((a, b) => a.player.netId - b.player.netId);
      for (const a of due) adoptPlayer(a);
      const mobs = entities.filter((e) => e.state.adoptTick <= world.tick).sort((a, b) => a.state.netId - b.state.netId);
      for (const e of mobs) {
        entities.splice(entities.indexOf(e), 1);
        adoptMob(e);
      }
      applyRemote();
    },
    borderEntities(near) {
      const out: BorderEntity[] = [];
      const names = new Map([...players.values()].map((p) => [p.eid, p.session.name]));
      for (const eid of query(world.ecs, [s.NetworkId, s.EntityKind, s.Transform])) {
        if (!near(s.Transform.x[eid], s.Transform.z[eid])) continue;
        const g = ghostOf(eid, names.get(eid) ?? '');
        if (g) out.push({ netId: s.NetworkId.id[eid], ...g, state: { ...g.state } });
      }
      return out.sort((a, b) => a.netId - b.netId);
    },
  };
}
