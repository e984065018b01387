/**
 * A shard's recording and its replay, for tests: every ServerRecorder call in order (joins, leaves, hand-offs in and
 * out, remote edits, applied inputs), and a headless re-run from them that must end in the same state hash.
 */
import { removeEntity } from 'bitecs';
import type { PlayerInput } from '../../engine/input.ts';
import { componentLayout, PlayerKind } from '../../engine/protocol/define.ts';
import { adoptEntityState, entityWithNetId, removeHandedOff } from '../../engine/server/server-handoff.ts';
import type { ServerRecorder } from '../../engine/server/server-recorder.ts';
import { DEFAULT_KIT, createGameWorld, spawnPlayer, type GameWorld } from '../../engine/sim/game-world.ts';
import { gameSchedule, stepWorld } from '../../engine/sim/step.ts';
import { surfaceY } from '../../engine/sim/surface.ts';
import type { Tick } from '../../engine/tick.ts';
import { createBlockRegistry } from '../../engine/voxel/blocks.ts';
import type { TerrainConfig } from '../../engine/voxel/terrain/generator.ts';
import { setBlock } from '../../engine/voxel/voxel-world.ts';
import { generateColumnsSync, squareAround } from '../../workers/terrain.main.ts';
import { GAME_PROTOCOL } from '../../game/protocol.ts';

/** One recorded change before a tick, or an applied input. */
export type ShardEvent =
  | { tick: Tick; kind: 'joined'; netId: number; name: string }
  | { tick: Tick; kind: 'left' | 'handedOff' | 'entityExported'; netId: number }
  | { tick: Tick; kind: 'adopted' | 'entityAdopted'; netId: number; state: Uint8Array }
  | { tick: Tick; kind: 'remoteEdits'; edits: Array<{ x: number; y: number; z: number; block: number }> }
  | { tick: Tick; kind: 'applied'; netId: number; input: PlayerInput };

/** A recorder that keeps every call, and the first tick it saw start. */
export function recordShard(): { recorder: ServerRecorder; events: ShardEvent[]; firstTick: () => Tick } {
  const events: ShardEvent[] = [];
  let first = -1;
  return {
    events, firstTick: () => first,
    recorder: {
      joined: (tick, netId, name) => events.push({ tick, kind: 'joined', netId, name }),
      left: (tick, netId) => events.push({ tick, kind: 'left', netId }),
      tickStarts: (w) => { if (first < 0) first = w.tick; },
      applied: (tick, netId, input) => events.push({ tick, kind: 'applied', netId, input }),
      adopted: (tick, netId, state) => events.push({ tick, kind: 'adopted', netId, state: state.slice() }),
      handedOff: (tick, netId) => events.push({ tick, kind: 'handedOff', netId }),
      remoteEdits: (tick, edits) => events.push({ tick, kind: 'remoteEdits', edits: edits.map((e) => ({ ...e })) }),
      entityAdopted: (tick, netId, state) => events.push({ tick, kind: 'entityAdopted', netId, state: state.slice() }),
      entityExported: (tick, netId) => events.push({ tick, kind: 'entityExported', netId }),
    },
  };
}

/** What the replay must know of the server. */
export interface ShardSetup {
  /** Terrain, radius and sections, as the server had them. */
  terrain: TerrainConfig; worldRadius: number; columnSections: number;
  /** The world seed. */
  seed: number;
  /** The server's netIdBase. */
  netIdBase: number;
  /** Where a player named `name` spawned (x, z). */
  spawnAt: (name: string) => [number, number];
}

/** Re-runs a shard's recording from tick `from` up to (not including) tick `to`; returns the world. */
export function replayShard(events: readonly ShardEvent[], from: Tick, to: Tick, o: ShardSetup): GameWorld {
  const world = createGameWorld({ columnSections: o.columnSections, seed: o.seed, blocks: createBlockRegistry(GAME_PROTOCOL.blocks), components: componentLayout(GAME_PROTOCOL) });
  generateColumnsSync(world.voxels, o.terrain, squareAround(0, 0, o.worldRadius));
  world.nextNetId = o.netIdBase;
  world.tick = from;
  const schedule = gameSchedule(undefined, GAME_PROTOCOL.actions);
  const eidOf = new Map<number, number>();
  let i = 0;
  for (let tick = from; tick < to; tick++) {
    const inputs = new Map<number, PlayerInput>();
    for (; i < events.length && events[i].tick <= tick; i++) {
      const e = events[i];
      if (e.kind === 'joined') {
        const [x, z] = o.spawnAt(e.name);
        eidOf.set(e.netId, spawnPlayer(world, x, surfaceY(world, Math.floor(x), Math.floor(z)), z, DEFAULT_KIT, PlayerKind.Player));
      } else if (e.kind === 'left') {
        removeEntity(world.ecs, eidOf.get(e.netId)!);
        eidOf.delete(e.netId);
      } else if (e.kind === 'handedOff' || e.kind === 'entityExported') {
        // A mob the systems spawned is known by its network id only.
        removeHandedOff(world, eidOf.get(e.netId) ?? entityWithNetId(world, e.netId));
        eidOf.delete(e.netId);
      } else if (e.kind === 'adopted' || e.kind === 'entityAdopted') {
        eidOf.set(e.netId, adoptEntityState(world, e.state));
      } else if (e.kind === 'remoteEdits') {
        for (const r of e.edits) setBlock(world.voxels, r.x, r.y, r.z, r.block);
      } else if (e.kind === 'applied') inputs.set(eidOf.get(e.netId)!, e.input);
    }
    stepWorld(world, inputs, schedule);
  }
  return world;
}
