/**
 * A shard's recording (`stratum-voxel shard --record FILE`), and its replay. A shard's world changes by more than its
 * players' inputs: players and mobs arrive from other shards with all their components, leave for them, and the
 * neighbours' edits change its read-only copies. The recording is one JSON line per fact, written as it happens (a
 * shard killed with SIGKILL leaves every line up to its last tick):
 *
 * - `header`: the world's configuration, the first tick, the network id base and the regions owned;
 * - at the tick they take effect: `join`, `leave`, `adopt` (a player's hand-off state, base64), `handoff`,
 *   `entityAdopt`, `entityExport`, `remoteEdits`, `owned` (the regions owned from then on), `input` (what a player's
 *   entity ran);
 * - `event`: the live event stream (the world's events and the state hashes).
 *
 * The replay rebuilds the world from the header, applies every fact at its tick in the recorded order, runs the
 * game's systems, and compares its event stream with the live one: zero differences is zero drift.
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { removeEntity } from 'bitecs';
import {
  type Hasher, type GameWorld, type PlayerInput, type StreamEvent, type TerrainConfig, type ProtocolIdentity,
  toStreamEvent, stateHashEventAt, createGameWorld, spawnPlayer, stepWorld, surfaceY, generateColumnsSync, squareAround,
  componentLayout, createBlockRegistry, gameSchedule, setBlock, eventStreamHeader, diffEventStreams, type StreamDiff,
} from '../../engine/index.ts';
import { adoptEntityState, entityWithNetId, removeHandedOff, type ServerRecorder } from '../../engine/server.ts';
import { regionAtBlock, type RegionKey } from '../../engine/cluster.ts';
import { GAME_PROTOCOL } from '../protocol.ts';
import { EntityKind, GAME_SYSTEMS } from '../rules.ts';
import { GAME_KIT } from '../inventory.ts';
import { readSky, skyEntity, type SkyValue } from '../sky/sky.ts';

/** The first line of a shard recording. */
export interface ShardRecordingHeader {
  /** Marks the header. */
  kind: 'header';
  /** The shard's id. */
  shard: string;
  /** Protocol version and schema hash of the run. */
  protocolVersion: number;
  /** Schema hash. */
  schemaHash: string;
  /** Terrain of the world. */
  terrain: TerrainConfig;
  /** Chunks generated around the origin. */
  worldRadius: number;
  /** Sections per column. */
  columnSections: number;
  /** The world seed. */
  seed: number;
  /** The first network id of the shard. */
  netIdBase: number;
  /** The tick the shard ran first. */
  startTick: number;
  /** The sky when the first tick started. */
  sky: SkyValue;
  /** The regions it owned then. */
  owned: RegionKey[];
}

/** One fact of a shard recording (after the header). */
export type ShardFact =
  | { kind: 'join'; tick: number; netId: number; name: string }
  | { kind: 'leave'; tick: number; netId: number; reason: string }
  | { kind: 'adopt'; tick: number; netId: number; state: string }
  | { kind: 'handoff'; tick: number; netId: number; target: string }
  | { kind: 'entityAdopt'; tick: number; netId: number; state: string }
  | { kind: 'entityExport'; tick: number; netId: number }
  | { kind: 'remoteEdits'; tick: number; edits: Array<{ x: number; y: number; z: number; block: number }> }
  | { kind: 'owned'; tick: number; regions: RegionKey[] }
  | { kind: 'input'; tick: number; netId: number; input: PlayerInput }
  | { kind: 'event'; event: StreamEvent };

/** A recording being written. */
export interface ShardRecorder {
  /** Plug into the shard's game server (GameServerOptions.recorder). */
  recorder(world: GameWorld): ServerRecorder;
  /** The regions owned changed (from the next tick). */
  owned(tick: number, regions: readonly RegionKey[]): void;
  /** Closes the file. */
  close(): void;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** Starts writing a shard's recording to `file` (replaced). */
export function createShardRecorder(
  file: string, hasher: Hasher, identity: ProtocolIdentity,
  config: { shard: string; terrain: TerrainConfig; worldRadius: number; columnSections: number; netIdBase: number; owned: () => RegionKey[] },
): ShardRecorder {
  const fd = openSync(file, 'w');
  let pending: string[] = [];
  let open = true;
  // Lines go out at the start of each tick, in one write: a SIGKILL leaves whole ticks.
  const flush = () => {
    if (!open || !pending.length) return;
    writeSync(fd, pending.join(''));
    pending = [];
  };
  const line = (fact: ShardFact | ShardRecordingHeader) => { if (open) pending.push(JSON.stringify(fact) + '\n'); };
  let headed = false;
  return {
    recorder(world) {
      world.events.onAny((name, payload) => line({ kind: 'event', event: toStreamEvent(String(name), payload) }));
      return {
        joined: (tick, netId, name) => line({ kind: 'join', tick, netId, name }),
        left: (tick, netId, reason) => line({ kind: 'leave', tick, netId, reason }),
        applied: (tick, netId, input) => line({ kind: 'input', tick, netId, input }),
        adopted: (tick, netId, state) => line({ kind: 'adopt', tick, netId, state: b64(state) }),
        handedOff: (tick, netId, target) => line({ kind: 'handoff', tick, netId, target }),
        entityAdopted: (tick, netId, state) => line({ kind: 'entityAdopt', tick, netId, state: b64(state) }),
        entityExported: (tick, netId) => line({ kind: 'entityExport', tick, netId }),
        remoteEdits: (tick, edits) => line({ kind: 'remoteEdits', tick, edits: edits.map(({ x, y, z, block }) => ({ x, y, z, block })) }),
        tickStarts(w) {
          if (!headed) {
            headed = true;
            pending.unshift(JSON.stringify({
              kind: 'header', shard: config.shard, protocolVersion: identity.version, schemaHash: identity.schemaHash, terrain: config.terrain,
              worldRadius: config.worldRadius, columnSections: config.columnSections, seed: w.seed, netIdBase: config.netIdBase,
              startTick: w.tick, sky: readSky(w), owned: config.owned(),
            } satisfies ShardRecordingHeader) + '\n');
          }
          flush();
          const e = stateHashEventAt(hasher, w);
          if (e) line({ kind: 'event', event: e });
        },
      };
    },
    owned(tick, regions) {
      line({ kind: 'owned', tick, regions: [...regions] });
    },
    close() {
      flush();
      open = false;
      closeSync(fd);
    },
  };
}

/** A shard replay's outcome. */
export interface ShardReplayResult {
  /** The shard. */
  shard: string;
  /** Ticks replayed. */
  ticks: number;
  /** Live stream against replay. */
  diff: StreamDiff;
}

/** Reads a shard recording: its header and facts (a torn last line, from a killed shard, is dropped). */
export function readShardRecording(file: string): { header: ShardRecordingHeader; facts: ShardFact[] } {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const parsed: Array<ShardFact | ShardRecordingHeader> = [];
  for (const [i, l] of lines.entries()) {
    try { parsed.push(JSON.parse(l)); } catch (err) {
      if (i === lines.length - 1) break;
      throw new Error(`${file}: line ${i + 1} is not JSON: ${(err as Error).message}`);
    }
  }
  const header = parsed.shift();
  if (!header || header.kind !== 'header') throw new Error(`${file}: the first line is not a shard recording header`);
  return { header, facts: parsed as ShardFact[] };
}

/** Replays a shard recording and compares the replay's event stream with the live one. */
export async function replayShardRecording(file: string, hasher: Hasher): Promise<ShardReplayResult> {
  const { header, facts } = readShardRecording(file);
  const world = createGameWorld({
    columnSections: header.columnSections, seed: header.seed, blocks: createBlockRegistry(GAME_PROTOCOL.blocks), components: componentLayout(GAME_PROTOCOL),
  });
  world.nextNetId = header.netIdBase;
  skyEntity(world, header.sky);
  const schedule = gameSchedule(GAME_SYSTEMS, GAME_PROTOCOL.actions);
  generateColumnsSync(world.voxels, header.terrain, squareAround(0, 0, header.worldRadius));
  world.tick = header.startTick;
  let owned = new Set(header.owned);
  world.editable = (x, z) => owned.has(regionAtBlock(x, z));
  const live: StreamEvent[] = [];
  const replayed: StreamEvent[] = [];
  world.events.onAny((name, payload) => replayed.push(toStreamEvent(String(name), payload)));
  // Facts by the tick they take effect, in the recorded order.
  const byTick = new Map<number, ShardFact[]>();
  let endTick = header.startTick;
  for (const f of facts) {
    if (f.kind === 'event') { live.push(f.event); endTick = Math.max(endTick, f.event.tick); continue; }
    byTick.set(f.tick, [...(byTick.get(f.tick) ?? []), f]);
    endTick = Math.max(endTick, f.tick);
  }
  const eidOf = new Map<number, number>();
  // The live stream stops at the last whole tick written; the replay runs the same ticks.
  for (let tick = header.startTick; tick <= endTick; tick++) {
    const inputs = new Map<number, PlayerInput>();
    for (const f of byTick.get(tick) ?? []) {
      switch (f.kind) {
        case 'join': eidOf.set(f.netId, spawnPlayer(world, 0.5, surfaceY(world, 0, 0), 0.5, GAME_KIT, EntityKind.Player)); break;
        case 'leave': case 'handoff': case 'entityExport': {
          // Players are known by their joins and adoptions; a mob the game's systems spawned is found by its id.
          const eid = eidOf.get(f.netId) ?? entityWithNetId(world, f.netId);
          if (eid >= 0) (f.kind === 'leave' ? removeEntity(world.ecs, eid) : removeHandedOff(world, eid));
          eidOf.delete(f.netId);
          break;
        }
        case 'adopt': case 'entityAdopt': eidOf.set(f.netId, adoptEntityState(world, Buffer.from(f.state, 'base64'))); break;
        case 'remoteEdits': for (const e of f.edits) setBlock(world.voxels, e.x, e.y, e.z, e.block); break;
        case 'owned': owned = new Set(f.regions); break;
        case 'input': { const eid = eidOf.get(f.netId); if (eid !== undefined) inputs.set(eid, f.input); break; }
      }
    }
    const hash = stateHashEventAt(hasher, world);
    if (hash) replayed.push(hash);
    stepWorld(world, inputs, schedule);
  }
  const side = (events: StreamEvent[]) => ({ header: eventStreamHeader({ source: 'server', protocolVersion: header.protocolVersion, schemaHash: header.schemaHash }), events });
  // Events before the first tick (the world being built) are not part of the run; nor are the replay's after the
  // live stream's last tick.
  const lastLive = live.length ? live[live.length - 1].tick : header.startTick;
  const inRun = (e: StreamEvent) => e.tick >= header.startTick && e.tick <= lastLive;
  return { shard: header.shard, ticks: endTick - header.startTick + 1, diff: diffEventStreams(side(live.filter(inRun)), side(replayed.filter(inRun))) };
}
