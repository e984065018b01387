/**
 * A game server run as one shard of a cluster (Node only; docs/cluster.md): what it does between its ticks so that
 * the world looks like one world to every player.
 *
 * - **Ownership.** It keeps a map of region owners from the lease bucket (the watch keeps it current). Its world may
 *   change only the blocks of the regions it holds; the others are read-only copies (`GameWorld.editable`).
 * - **Hand-off.** After each tick, a player or mob that stands in a region another shard owns (every point within
 *   `hysteresisBlocks` of it, so that one standing on a border does not bounce) moves there for the next tick:
 *   players with their sessions (`GameServer.handOff`: the gateway re-points the session), mobs over
 *   `stratum.adopt.<shard>`.
 * - **Borders.** After each tick it publishes on `stratum.border.<shard>` the states of its entities within view
 *   distance of a region another shard owns; it keeps the other shards' published entities as ghosts (read-only
 *   copies that its own players see), extrapolated to its tick so that they move as smoothly as its own.
 * - **Edits.** Every shard's edits reach the others on `stratum.edits.<region>` (the JetStream subjects, which core
 *   subscribers see too): each shard applies the other regions' edits to its copies (`applyRemoteEdits`).
 * - **Fail-over.** A region whose owner's lease expired is taken over: leased, loaded from its snapshot and stream,
 *   fenced. Owners snapshot their regions now and then (`takeOver.snapshotEveryMs`).
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Packr } from 'msgpackr';
import { query } from 'bitecs';
import type { EntityState } from '../codec/entity-delta.ts';
import type { GameServer } from '../server/game-server.ts';
import type { ServerPlayer } from '../server/server-player.ts';
import type { EntityLayout } from '../replication/entity-layout.ts';
import { extrapolateState } from '../replication/entity-extrapolation.ts';
import type { LeaseManager } from './leases.ts';
import { EDIT_SUBJECT_PREFIX, regionEdits, type EditBatch, type EditLog } from './edit-log.ts';
import type { RegionEditWriter } from './region-edit-writer.ts';
import { REGION_COLUMNS, regionKey, type RegionKey } from './region.ts';

/** Prefix of the border subjects: `stratum.border.<shard>`. */
export const BORDER_SUBJECT_PREFIX = 'stratum.border';
/** Prefix of the mob hand-off subjects: `stratum.adopt.<shard>`. */
export const ADOPT_SUBJECT_PREFIX = 'stratum.adopt';

/** A ghost whose sender published nothing about it for this many ticks (2 s) is dropped: the sender died. */
export const STALE_GHOST_TICKS = 40;

/** Blocks per region side. */
const REGION_BLOCKS = REGION_COLUMNS * 16;

/** Options of {@link attachShard}. */
export interface ShardRuntimeOptions {
  /** This shard's id. */
  shard: string;
  /** The cluster's NATS. */
  nc: NatsConnection;
  /** The shard's game server (created with the cluster clock's `tickEpochMs` and `netIdBase`, initialized). */
  server: GameServer;
  /** The shard's leases (it has acquired its regions). */
  leases: LeaseManager;
  /** The regions of the world (all shards'): their owners are looked up at attach. */
  regions: readonly RegionKey[];
  /** Chunks around a player that its client receives (the server's view distance). */
  viewDistance: number;
  /** A player or mob moves to another shard once every point within this many blocks of it is that shard's (default 1). */
  hysteresisBlocks?: number;
  /** Warnings. */
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Called for each player or mob handed to another shard. */
  onHandOff?: (kind: 'player' | 'entity', netId: number, target: string) => void;
  /**
   * Fail-over: when another shard's lease of a region expires (that shard died) or is released, this shard tries to
   * take the region: it acquires the lease, loads the region's edits from the stream (its copy already has nearly all
   * of them), and fences the region so that a late append of the old owner is refused. Absent: no take-over.
   */
  takeOver?: {
    /** The region edit log. */
    editLog: EditLog;
    /** The shard's durable-edit writer (the fence goes through it). */
    writer: RegionEditWriter;
    /** How often this shard snapshots the regions it owns, ms (integer 1000..3600000, default 60000). */
    snapshotEveryMs?: number;
  };
  /** Called when this shard took a region over (after the fence), with the regions it owns now. */
  onTakeOver?: (region: RegionKey, owned: RegionKey[]) => void;
}

/** What a border message carries: the sender's tick and its border entities. */
interface BorderMessage {
  shard: string;
  tick: number;
  entities: Array<[netId: number, kind: number, name: string, values: number[]]>;
}

/** Checks the shape of a border message (other processes wrote it): throws a TypeError naming what is wrong. */
function checkBorderMessage(m: unknown): BorderMessage {
  const b = m as BorderMessage;
  if (!b || typeof b.shard !== 'string' || !Number.isInteger(b.tick) || !Array.isArray(b.entities)) throw new TypeError('not a border message {shard, tick, entities}');
  for (const e of b.entities) {
    if (!Array.isArray(e) || e.length !== 4 || !Number.isInteger(e[0]) || !Number.isInteger(e[1]) || typeof e[2] !== 'string' || !Array.isArray(e[3])) {
      throw new TypeError('a border entity is not [netId, kind, name, values]');
    }
  }
  return b;
}

/** Traffic figures of a shard's NATS use, since attach. */
export interface ShardTraffic {
  /** Messages and bytes this shard published (border states, mob hand-offs). */
  published: { messages: number; bytes: number };
  /** Messages and bytes received on the border, adopt and edit subjects. */
  received: { messages: number; bytes: number };
}

/** A shard's runtime. */
export interface ShardRuntime {
  /** The shard that owns the region of block column (x, z), as far as this shard knows. */
  ownerAt(x: number, z: number): string | undefined;
  /** Ghosts kept now (other shards' border entities). */
  readonly ghosts: number;
  /** NATS traffic since attach. */
  readonly traffic: ShardTraffic;
  /** Stops publishing and subscribing (the server and the leases are the caller's). */
  close(): Promise<void>;
}

const packr = new Packr({ useRecords: false });

/** The region key of block column (x, z) (any real numbers). */
export function regionAtBlock(x: number, z: number): RegionKey {
  return regionKey({ rx: Math.floor(Math.floor(x) / REGION_BLOCKS), rz: Math.floor(Math.floor(z) / REGION_BLOCKS) });
}

/** Attaches the shard behaviour to a started (or about to start) game server. */
export async function attachShard(o: ShardRuntimeOptions): Promise<ShardRuntime> {
  const { server, nc, shard } = o;
  const log = o.log ?? (() => {});
  const margin = o.hysteresisBlocks ?? 1;
  if (!(margin >= 0 && margin <= 16)) throw new RangeError(`hysteresisBlocks must be in 0..16, got ${margin}`);
  const reach = o.viewDistance * 16 + 16;
  const world = server.world;
  const s = world.ecs.stores;
  const layout: EntityLayout = server.entityLayout;
  const traffic: ShardTraffic = { published: { messages: 0, bytes: 0 }, received: { messages: 0, bytes: 0 } };

  // Region owners, from the leases.
  const owners = new Map<RegionKey, string>();
  for (const region of o.regions) {
    const owner = await o.leases.owner(region);
    if (owner) owners.set(region, owner);
  }
  let closed = false;
  /** Takes over a region whose owner went away: lease, load, fence (see ShardRuntimeOptions.takeOver). */
  const takeOver = async (region: RegionKey) => {
    const t = o.takeOver;
    if (!t || closed || !(await o.leases.acquire(region))) return;
    for (let attempt = 1; ; attempt++) {
      const loaded = await t.editLog.loadRegion(region);
      // Applied at the start of the next tick, before any player's action there: the copy is whole first.
      const edits = regionEdits(loaded);
      if (edits.length) server.applyRemoteEdits(edits);
      try {
        await t.writer.fence(region, loaded.lastSeq, world.tick);
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
    owners.set(region, shard);
    log('warn', `took over region ${region}`);
    o.onTakeOver?.(region, o.leases.held());
  };
  const unwatch = await o.leases.watch((c) => {
    if (c.kind === 'acquired' && c.owner) owners.set(c.region, c.owner);
    else {
      owners.delete(c.region);
      if (c.owner !== shard) takeOver(c.region).catch((err: Error) => log('error', `could not take over region ${c.region}: ${err.message}`));
    }
  });
  // Snapshots of the regions this shard owns, so that whoever rebuilds one reads a snapshot and a short tail.
  const snapshotEveryMs = o.takeOver?.snapshotEveryMs ?? 60_000;
  if (!Number.isInteger(snapshotEveryMs) || snapshotEveryMs < 1000 || snapshotEveryMs > 3_600_000) {
    throw new RangeError(`takeOver.snapshotEveryMs must be an integer in 1000..3600000, got ${snapshotEveryMs}`);
  }
  let snapshotting = false;
  const snapshotTimer = o.takeOver && setInterval(() => {
    if (snapshotting || closed) return;
    snapshotting = true;
    void (async () => {
      for (const region of o.leases.held()) await o.takeOver!.editLog.snapshotRegion(region);
    })().catch((err: Error) => log('warn', `a region snapshot failed: ${err.message}`)).finally(() => { snapshotting = false; });
  }, snapshotEveryMs);
  snapshotTimer?.unref();
  const ownerAt = (x: number, z: number) => owners.get(regionAtBlock(x, z));
  world.editable = (x, z) => o.leases.holds(regionAtBlock(x, z));

  /** The other shard that owns every point within `margin` of (x, z), if there is one. */
  const moveTarget = (x: number, z: number): string | undefined => {
    let target: string | undefined;
    for (const [dx, dz] of [[-margin, -margin], [margin, -margin], [-margin, margin], [margin, margin]]) {
      const owner = ownerAt(x + dx, z + dz);
      if (owner === undefined || owner === shard || (target !== undefined && owner !== target)) return undefined;
      target = owner;
    }
    return target;
  };

  /** True when a region within view of (x, z) belongs to another shard. */
  const nearBorder = (x: number, z: number): boolean => {
    for (let rx = Math.floor((x - reach) / REGION_BLOCKS); rx <= Math.floor((x + reach) / REGION_BLOCKS); rx++) {
      for (let rz = Math.floor((z - reach) / REGION_BLOCKS); rz <= Math.floor((z + reach) / REGION_BLOCKS); rz++) {
        const owner = owners.get(regionKey({ rx, rz }));
        if (owner !== undefined && owner !== shard) return true;
      }
    }
    return false;
  };

  // Ghosts: the latest state each other shard published, by network id.
  const ghosts = new Map<number, { from: string; tick: number; kind: number; name: string; state: EntityState }>();
  const localNetIds = (): Set<number> => {
    const ids = new Set<number>();
    for (const eid of query(world.ecs, [s.NetworkId])) ids.add(s.NetworkId.id[eid]);
    return ids;
  };
  const dropGhost = (netId: number) => {
    ghosts.delete(netId);
    server.removeGhost(netId);
  };

  const subs: Subscription[] = [];
  const listen = (subject: string, handle: (data: Uint8Array) => void) => {
    const sub = nc.subscribe(subject, {
      callback: (err, m) => {
        if (err) return log('warn', `${subject}: ${err.message}`);
        traffic.received.messages++;
        traffic.received.bytes += m.data.length;
        try { handle(m.data); } catch (e) { log('warn', `${subject}: dropped a malformed message: ${(e as Error).message}`); }
      },
    });
    subs.push(sub);
  };
  const publish = (subject: string, data: Uint8Array) => {
    nc.publish(subject, data);
    traffic.published.messages++;
    traffic.published.bytes += data.length;
  };

  listen(`${BORDER_SUBJECT_PREFIX}.*`, (data) => {
    const m = checkBorderMessage(packr.unpack(data));
    if (m.shard === shard) return;
    const listed = new Set<number>();
    for (const [netId, kind, name, v] of m.entities) {
      listed.add(netId);
      const g = ghosts.get(netId);
      if (g && g.tick > m.tick) continue;
      const ghost = { kind, name, state: { id: netId, v } };
      // The server checks the ghost (its kind, its fields) before it keeps it: a bad one is dropped here, alone.
      try { server.setGhost(netId, ghost); } catch (err) { log('warn', `${BORDER_SUBJECT_PREFIX}.${m.shard}: ghost ${netId} dropped: ${(err as Error).message}`); continue; }
      ghosts.set(netId, { from: m.shard, tick: m.tick, ...ghost });
    }
    // What the sender no longer lists has left its border (or it is ours now): its ghost goes, once a message a whole
    // tick newer than the ghost's state leaves it out. A player just handed over is kept here from its last tick,
    // which the target's message of that tick does not list (the target adopts it a tick later), nor the next one
    // when the adoption came in late.
    for (const [netId, g] of ghosts) if (g.from === m.shard && !listed.has(netId) && g.tick < m.tick - 1) dropGhost(netId);
  });
  listen(`${ADOPT_SUBJECT_PREFIX}.${shard}`, (data) => {
    server.adoptEntity(data);
  });
  listen(`${EDIT_SUBJECT_PREFIX}.>`, (data) => {
    const batch = packr.unpack(data) as EditBatch;
    const remote = batch.edits.filter((e) => !o.leases.holds(regionAtBlock(e.x, e.z)));
    if (remote.length) server.applyRemoteEdits(remote);
  });

  /**
   * An entity just handed to `target` stays in view here as the target's ghost: from its last state (of tick
   * `tick` - 1), extrapolated like every ghost, until the target's border messages take over or drop it.
   */
  const keepAsGhost = (last: { netId: number; kind: number; name: string; state: EntityState }, target: string, tick: number) => {
    ghosts.set(last.netId, { from: target, tick: tick - 1, kind: last.kind, name: last.name, state: last.state });
    server.setGhost(last.netId, { kind: last.kind, name: last.name, state: extrapolateState(last.state, 1, layout.motion) as EntityState });
  };

  const afterTick = (): void => {
    const tick = world.tick; // the next tick to run
    const local = ghosts.size ? localNetIds() : undefined; // only a ghost needs the ids (one query per tick)
    // Ghosts, extrapolated to the end of the tick about to run (a message of tick t holds the states after t), so
    // that they move in step with this shard's own entities whichever tick their message came in.
    for (const [netId, g] of ghosts) {
      if (local!.has(netId)) { ghosts.delete(netId); continue; }
      // A sender silent this long is gone (a dead shard publishes nothing more): its ghosts go.
      if (tick - g.tick > STALE_GHOST_TICKS) { dropGhost(netId); continue; }
      server.setGhost(netId, { kind: g.kind, name: g.name, state: extrapolateState(g.state, tick - g.tick, layout.motion) as EntityState });
    }
    // Players and mobs standing in another shard's region move there for the next tick.
    const moving = [...server.players.values()].flatMap((p) => {
      const target = moveTarget(s.Transform.x[p.eid], s.Transform.z[p.eid]);
      return target ? [{ p, target }] : [];
    });
    if (moving.length) {
      const states = new Map(server.borderEntities(() => true).map((e) => [e.netId, e]));
      for (const { p, target } of moving) {
        const netId = p.netId;
        const last = states.get(netId);
        try {
          server.handOff(p.session.id, target);
        } catch (err) {
          log('warn', `hand-off of player ${netId} to ${target} failed: ${(err as Error).message}`);
          continue;
        }
        // It stays in view here as the target's ghost, from its last state, until the target's border says otherwise.
        if (last) keepAsGhost(last, target, tick);
        o.onHandOff?.('player', netId, target);
      }
    }
    const players = new Set([...server.players.values()].map((p) => p.eid));
    const mobs = Array.from(query(world.ecs, [s.NetworkId, s.EntityKind, s.Transform])).flatMap((eid) => {
      const target = players.has(eid) ? undefined : moveTarget(s.Transform.x[eid], s.Transform.z[eid]);
      return target ? [{ eid, target }] : [];
    });
    if (mobs.length) {
      const states = new Map(server.borderEntities(() => true).map((e) => [e.netId, e]));
      for (const { eid, target } of mobs) {
        const netId = s.NetworkId.id[eid];
        const last = states.get(netId);
        publish(`${ADOPT_SUBJECT_PREFIX}.${target}`, server.exportEntity(eid));
        if (last) keepAsGhost(last, target, tick);
        o.onHandOff?.('entity', netId, target);
      }
    }
    // The border: this shard's entities within view of another shard's region.
    const entities = server.borderEntities(nearBorder).map((e) => [e.netId, e.kind, e.name, e.state.v] as BorderMessage['entities'][number]);
    if (entities.length || lastSentCount > 0) {
      publish(`${BORDER_SUBJECT_PREFIX}.${shard}`, packr.pack({ shard, tick: tick - 1, entities } satisfies BorderMessage));
    }
    lastSentCount = entities.length;
  };
  let lastSentCount = 0;
  const offTick = server.onTickEnd(afterTick);

  return {
    ownerAt,
    get ghosts() { return ghosts.size; },
    traffic,
    async close() {
      closed = true;
      clearInterval(snapshotTimer);
      offTick();
      unwatch();
      for (const sub of subs) sub.unsubscribe();
      world.editable = undefined;
    },
  };
}
