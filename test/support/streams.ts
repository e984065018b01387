/** Event-stream fixtures for the replay tests: a header, event builders and a fast-check arbitrary of streams. */
import fc from 'fast-check';
import { eventStreamHeader, type EventStreamHeader, type StreamEvent } from '../../engine/replay/event-stream.ts';

/** A server stream header with the given schema hash. */
export function serverHeader(schemaHash = 'abcdef0123456789', protocolVersion = 3): EventStreamHeader {
  return eventStreamHeader({ source: 'server', protocolVersion, schemaHash });
}

/** A BlockChanged event. */
export function blockChanged(tick: number, x: number, y: number, z: number, block = 1, prev = 0, by = 1): StreamEvent {
  return { tick, type: 'BlockChanged', x, y, z, block, prev, by };
}

/** A StateHash event whose hash is derived from `seed`. */
export function stateHashEvent(tick: number, seed = tick): StreamEvent {
  return { tick, type: 'StateHash', hash: (seed * 2654435761 >>> 0).toString(16).padStart(16, '0') };
}

/** A plausible server stream of `ticks` ticks: connections, chunks, block edits, entities, hashes every 20 ticks. */
export function sampleEvents(ticks: number): StreamEvent[] {
  const events: StreamEvent[] = [];
  for (let t = 0; t < ticks; t++) {
    if (t % 20 === 0) events.push(stateHashEvent(t));
    if (t === 1) events.push({ tick: t, type: 'Connected', client: 1 }, { tick: t, type: 'EntitySpawned', netId: 1, kind: 'player' });
    if (t % 7 === 0) events.push({ tick: t, type: 'ChunkLoaded', cx: t % 5, cz: -(t % 3) });
    if (t % 3 === 0) events.push(blockChanged(t, t % 16, 60, -(t % 9), (t % 4) + 1, 0, 1), blockChanged(t, t % 16, 61, 2, 0, 3, 1));
    if (t % 11 === 0) events.push({ tick: t, type: 'ReconciliationEvent', netId: 1, rewindTo: Math.max(0, t - 3), replayed: 3, error: 0.25 });
  }
  return events;
}

const int = fc.integer({ min: -1000, max: 1000 });

/** Random events of every known type (and one unknown type), ticks sorted. */
export const arbEvents: fc.Arbitrary<StreamEvent[]> = fc.array(fc.oneof(
  fc.record({ type: fc.constant('Connected'), client: fc.nat() }),
  fc.record({ type: fc.constant('Disconnected'), client: fc.nat(), reason: fc.string() }),
  fc.record({ type: fc.constant('ReconciliationEvent'), netId: fc.nat(), rewindTo: fc.nat(), replayed: fc.nat(), error: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
  fc.record({ type: fc.constant('ChunkLoaded'), cx: int, cz: int }),
  fc.record({ type: fc.constant('ChunkUnloaded'), cx: int, cz: int }),
  fc.record({ type: fc.constant('BlockChanged'), x: int, y: int, z: int, block: fc.nat(), prev: fc.nat(), by: fc.nat() }),
  fc.record({ type: fc.constant('EntitySpawned'), netId: fc.nat(), kind: fc.constantFrom('player', 'item') }),
  fc.record({ type: fc.constant('EntityDespawned'), netId: fc.nat() }),
  fc.record({ type: fc.constant('StateHash'), hash: fc.stringMatching(/^[0-9a-f]{16}$/) }),
  fc.record({ type: fc.constant('ActionRefused'), eid: fc.nat(), reason: fc.string(), detail: fc.jsonValue() }),
).chain((p) => fc.record({
  tick: fc.nat({ max: 50 }),
  wall: fc.option(fc.record({ ms: fc.nat() }), { nil: undefined }),
}).map(({ tick, wall }) => {
  const e: StreamEvent = { tick, ...p };
  if (wall) e.wall = wall;
  return e;
})), { maxLength: 40 }).map((events) => events.sort((a, b) => a.tick - b.tick));
