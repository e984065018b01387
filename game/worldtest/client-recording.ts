/**
 * A world-test client's recording: its event stream (in the replay format) and time series sampled every 250 ms
 * (bytes received, RTT), plus its reconciliation errors and handshake time.
 *
 * Events carry the newest server tick the client has seen. StateHash events come from the samples: the first sample
 * in each window of {@link STATE_HASH_INTERVAL} server ticks adds the state hash of the client's world (its loaded
 * columns, its predicted player, the remote entities it holds), tagged with that sample's server tick. It is the
 * client's view, so it never equals the server's hash; two runs' client streams can be compared with it.
 */
import {
  type EventBus, type Hasher, eventStreamHeader, type EventStreamHeader, type StreamEvent, STATE_HASH_INTERVAL,
  stateHash, type ProtocolIdentity,
} from '../../engine/index.ts';
import type { ClientEvents, GameClient } from '../../engine/client.ts';

/** One sample of a client's time series. */
export interface ClientSample {
  /** Seconds since the run started. */
  t: number;
  /** Bytes received so far. */
  bytesIn: number;
  /** Smoothed RTT, ms (NaN before the first pong). */
  rttMs: number;
}

/** A client's recording. */
export interface ClientRecording {
  /** Client number in the scenario (1-based). */
  index: number;
  /** Stream header. */
  header: EventStreamHeader;
  /** Events. */
  events: StreamEvent[];
  /** Samples, every 250 ms. */
  samples: ClientSample[];
  /** Reconciliation errors, ms, with the seconds at which they happened. */
  reconciliations: { t: number; errorMs: number }[];
  /** Handshake time, ms (NaN until connected). */
  handshakeMs: number;
  /** Seconds at which the first entity update was applied (NaN before). */
  firstEntityUpdateAt: number;
  /** The newest server tick any event carries (ticks in the stream never decrease). */
  lastTick: number;
  /** The last window of {@link STATE_HASH_INTERVAL} server ticks that has its StateHash event (-1: none yet). */
  hashedWindow: number;
}

/**
 * The newest server tick `client` has seen, recorded in `rec`: it never goes back (the client forgets its server tick
 * when the session ends), so stream ticks never decrease.
 */
function seenTick(rec: ClientRecording, client: GameClient): number {
  rec.lastTick = Math.max(rec.lastTick, client.serverTick);
  return rec.lastTick;
}

/** Records `client` (whose events arrive on `bus`); `now` gives ms since the run started. */
export function recordClient(index: number, client: GameClient, bus: EventBus<ClientEvents>, identity: ProtocolIdentity, now: () => number): ClientRecording {
  const rec: ClientRecording = {
    index, events: [], samples: [], reconciliations: [], handshakeMs: NaN, firstEntityUpdateAt: NaN, lastTick: 0, hashedWindow: -1,
    header: eventStreamHeader({ source: `client:${index}`, protocolVersion: identity.version, schemaHash: identity.schemaHash }),
  };
  const started = now();
  const tick = () => seenTick(rec, client);
  const wall = () => ({ ms: Math.round(now()) });
  const push = (e: StreamEvent) => rec.events.push({ ...e, wall: wall() });
  bus.on('Connected', () => {
    if (Number.isNaN(rec.handshakeMs)) rec.handshakeMs = now() - started;
    push({ tick: tick(), type: 'Connected', client: index });
  });
  bus.on('Disconnected', (d) => push({ tick: tick(), type: 'Disconnected', client: index, reason: d.kind }));
  bus.on('ReconciliationEvent', (r) => {
    rec.reconciliations.push({ t: now() / 1000, errorMs: r.errorMs });
    push({ tick: tick(), type: 'ReconciliationEvent', netId: client.selfId, rewindTo: r.tick, replayed: r.replayed, error: r.errorBlocks });
  });
  bus.on('ChunkLoaded', (c) => push({ tick: tick(), type: 'ChunkLoaded', cx: c.cx, cz: c.cz }));
  bus.on('ChunkUnloaded', (c) => push({ tick: tick(), type: 'ChunkUnloaded', cx: c.cx, cz: c.cz }));
  bus.on('BlockChanged', (b) => push({ tick: tick(), type: 'BlockChanged', x: b.x, y: b.y, z: b.z, block: b.block, prev: b.prev, by: 0 }));
  bus.on('EntitySpawned', (e) => push({ tick: tick(), type: 'EntitySpawned', netId: e.id, kind: 'player' }));
  bus.on('EntityDespawned', (e) => push({ tick: tick(), type: 'EntityDespawned', netId: e.id }));
  return rec;
}

/** Takes one sample of every recording (and a StateHash event where a new window of server ticks began). */
export function sampleClients(recordings: readonly ClientRecording[], clients: readonly GameClient[], seconds: number, hasher: Hasher): void {
  recordings.forEach((rec, i) => {
    const c = clients[i];
    const tick = seenTick(rec, c);
    const window = Math.floor(tick / STATE_HASH_INTERVAL);
    if (c.serverTick >= 0 && window > rec.hashedWindow) {
      rec.hashedWindow = window;
      rec.events.push({ tick, type: 'StateHash', hash: stateHash(hasher, c.world), wall: { ms: Math.round(seconds * 1000) } });
    }
    rec.samples.push({ t: seconds, bytesIn: c.net.connection?.stats.bytesIn ?? (rec.samples.at(-1)?.bytesIn ?? 0), rttMs: c.net.connection?.rttMs ?? NaN });
    if (Number.isNaN(rec.firstEntityUpdateAt) && c.stats.entityUpdates > 0) rec.firstEntityUpdateAt = seconds;
  });
}
