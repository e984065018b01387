/**
 * What the session-bridge tests share: a recorder of a transport session's events (its streams' bytes joined, one
 * character per byte), helpers to write framed stream data (`[u32 length][body]`, engine/protocol/framing.ts), and
 * the rig of a gateway in front of a fresh nats-server.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { startNats, type NatsHandle } from '../../engine/cluster/nats-server.ts';
import { bridgeSession, type BridgedSession, type BridgeSessionOptions } from '../../engine/cluster/session-bridge.ts';
import { createLoopbackNetwork, type LoopbackNetwork } from '../../engine/net/loopback.ts';
import { createRealtimeScheduler } from '../../engine/net/scheduler.ts';
import type { CloseInfo, TransportSession, TransportStream } from '../../engine/net/transport.ts';

/** Stream bytes as a string, one character per byte. */
export const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** The bytes of a one-character-per-byte string. */
export const bin = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

/** One frame `[u32 length][body]` as a one-character-per-byte string. */
export function frame(body: string): string {
  const out = Buffer.alloc(4 + body.length);
  out.writeUInt32BE(body.length);
  out.write(body, 4, 'latin1');
  return out.toString('latin1');
}

/** A recorded stream: its bytes so far (one character per byte) and whether the peer ended it. */
export interface RecordedStream {
  /** The stream. */
  stream: TransportStream;
  /** Everything received on it. */
  data: string;
  /** The peer finished it. */
  ended: boolean;
}

/** A recorded session: datagrams (as UTF-8 text), streams in the order they appeared, and the close. */
export interface RecordedSession {
  /** The session. */
  session: TransportSession;
  /** Datagrams received, decoded as UTF-8. */
  datagrams: string[];
  /** Streams either side opened, in order. */
  streams: RecordedStream[];
  /** How the session closed, once it did. */
  closed: CloseInfo | undefined;
  /** Opens a stream on the session and records it. */
  open(kind: 'bidi' | 'uni'): RecordedStream;
}

/** Records `session`'s events (sets its handlers). */
export function record(session: TransportSession): RecordedSession {
  const rec: RecordedSession = { session, datagrams: [], streams: [], closed: undefined, open: (kind) => watch(session.openStream(kind)) };
  const watch = (stream: TransportStream) => {
    const s: RecordedStream = { stream, data: '', ended: false };
    rec.streams.push(s);
    if (stream.kind === 'uni' && stream.local) return s;
    stream.setHandlers({ onData: (b) => { s.data += latin1(b); }, onEnd: () => { s.ended = true; } });
    return s;
  };
  session.setHandlers({
    onDatagram: (b) => rec.datagrams.push(new TextDecoder().decode(b)),
    onStream: (s) => { watch(s); },
    onClose: (info) => { rec.closed = info; },
  });
  return rec;
}

/** Bridge timings fast enough for tests (heartbeats every 100 ms, a silent peer closed after 600 ms). */
export const FAST_BRIDGE = { heartbeatMs: 100, timeoutMs: 600, openTimeoutMs: 500 };

/** A gateway on a loopback network in front of a fresh nats-server: what the session bridge tests start with. */
export interface BridgeRig {
  /** The nats-server. */
  nats: NatsHandle;
  /** The gateway's connection. */
  gatewayNc: NatsConnection;
  /** The loopback network clients connect over (`connector('gateway')`). */
  network: LoopbackNetwork;
  /** The sessions the gateway bridged, in order. */
  bridged: BridgedSession[];
  /** Run in reverse by {@link stopBridgeRig}: push what the test starts. */
  stops: Array<() => unknown>;
  /** Connects a client to the gateway. */
  connect(): Promise<RecordedSession>;
}

/**
 * Starts a nats-server and a gateway listening on `gateway` of a loopback network; each client session is bridged to
 * shard A with {@link FAST_BRIDGE} timings, a 64 KiB queue budget and `options()` (read per session) on top.
 */
export async function startBridgeRig(options: () => Partial<BridgeSessionOptions> = () => ({})): Promise<BridgeRig> {
  const nats = await startNats({ env: { PATH: process.env.PATH } });
  const gatewayNc = await nats.connect();
  const network = createLoopbackNetwork(createRealtimeScheduler());
  const bridged: BridgedSession[] = [];
  const l = network.listen('gateway', (client) => bridged.push(bridgeSession(gatewayNc, client, {
    shard: 'A', gateway: 'g1', ...FAST_BRIDGE, maxQueuedBytes: 65_536, ...options(),
  })));
  return {
    nats, gatewayNc, network, bridged, stops: [() => l.close()],
    connect: () => new Promise((ok, fail) => network.connector('gateway')((r) => (r instanceof Error ? fail(r) : ok(record(r as TransportSession))))),
  };
}

/** Runs the rig's stops in reverse, then stops the nats-server. */
export async function stopBridgeRig(rig: BridgeRig): Promise<void> {
  for (const stop of rig.stops.splice(0).reverse()) await stop();
  await rig.nats.stop();
}
