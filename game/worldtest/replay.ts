/**
 * Replays a recorded server session headlessly: the same world, the same joins and leaves, and every client's input
 * applied at the server tick where it was applied live. Produces the server's event stream again; `stratum diff`
 * against the live stream must find nothing (zero replay drift).
 */
import { removeEntity } from 'bitecs';
import {
  type Hasher, type PlayerInput, type InputLogEntry, eventStreamHeader, type EventStreamHeader, type StreamEvent,
  toStreamEvent, stateHashEventAt, createGameWorld, spawnPlayer, type GameWorld, stepWorld, surfaceY,
  generateColumnsSync, squareAround, componentLayout, createBlockRegistry, gameSchedule,
} from '../../engine/index.ts';
import { GAME_PROTOCOL } from '../protocol.ts';
import { skyEntity } from '../sky/sky.ts';
import { DEFAULT_KIT, EntityKind, GAME_SYSTEMS } from '../rules.ts';
import type { SessionInfo } from './session-recording.ts';

/** A replay's result. */
export interface ReplayResult {
  /** The re-simulated world at the end. */
  world: GameWorld;
  /** Its event stream header. */
  header: EventStreamHeader;
  /** Its events. */
  events: StreamEvent[];
}

/** Re-simulates `info` with the clients' input logs (by client id). */
export function replaySession(info: SessionInfo, logs: ReadonlyMap<number, readonly InputLogEntry[]>, hasher: Hasher): ReplayResult {
  // The server's world and schedule: the game's blocks, its component layout (the state hash covers every store), its
  // systems (the sky, the mobs, backpacks) and its predicted actions; the sky's entity made first as the server's sky
  // host does.
  const world = createGameWorld({
    columnSections: info.columnSections, seed: info.seed, blocks: createBlockRegistry(GAME_PROTOCOL.blocks), components: componentLayout(GAME_PROTOCOL),
  });
  skyEntity(world, info.sky);
  const schedule = gameSchedule(GAME_SYSTEMS, GAME_PROTOCOL.actions);
  generateColumnsSync(world.voxels, info.terrain, squareAround(0, 0, info.worldRadius));
  const events: StreamEvent[] = [];
  world.events.onAny((name, payload) => events.push(toStreamEvent(String(name), payload)));
  // Inputs by server tick, then client.
  const byTick = new Map<number, Map<number, PlayerInput>>();
  for (const [client, entries] of logs) {
    for (const e of entries) {
      const m = byTick.get(e.serverTick) ?? new Map<number, PlayerInput>();
      m.set(client, e.input);
      byTick.set(e.serverTick, m);
    }
  }
  const eidOf = new Map<number, number>();
  let next = 0;
  for (let tick = 0; tick < info.endTick; tick++) {
    while (next < info.sessions.length && info.sessions[next].tick === tick) {
      const s = info.sessions[next++];
      if (s.kind === 'join') {
        const eid = spawnPlayer(world, 0.5, surfaceY(world, 0, 0), 0.5, DEFAULT_KIT, EntityKind.Player);
        const netId = world.ecs.stores.NetworkId.id[eid];
        if (netId !== s.client) throw new Error(`replay: join at tick ${tick} got network id ${netId}, the recording says ${s.client}`);
        eidOf.set(s.client, eid);
        events.push({ tick, type: 'Connected', client: s.client }, { tick, type: 'EntitySpawned', netId: s.client, kind: 'player' });
      } else {
        const eid = eidOf.get(s.client);
        if (eid !== undefined) removeEntity(world.ecs, eid);
        eidOf.delete(s.client);
        events.push({ tick, type: 'Disconnected', client: s.client, reason: s.reason }, { tick, type: 'EntityDespawned', netId: s.client });
      }
    }
    const hash = stateHashEventAt(hasher, world);
    if (hash) events.push(hash);
    const inputs = new Map<number, PlayerInput>();
    for (const [client, input] of byTick.get(tick) ?? []) {
      const eid = eidOf.get(client);
      if (eid !== undefined) inputs.set(eid, input);
    }
    stepWorld(world, inputs, schedule);
  }
  return { world, events, header: eventStreamHeader({ source: 'server', protocolVersion: info.protocolVersion, schemaHash: info.schemaHash }) };
}
