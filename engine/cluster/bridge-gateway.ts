/**
 * The gateway end of the session bridge (engine/cluster/session-bridge.ts describes the bridge): relays one client
 * session to a shard over NATS.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { CloseInfo, TransportSession, TransportStream } from '../net/transport.ts';
import {
  BRIDGE_CLOSE_CODE, BridgeWireError, bridgeTimings, checkBridgeId, cutReason, decodeBridgeMessage, decodeOpenReply,
  downSubject, encodeOpen, openSubject, publishBridgeMessage, upSubject, type BridgeMessage, type BridgeTimings,
  type OpenRequest,
} from './bridge-wire.ts';

/** Options of {@link bridgeSession}. */
export interface BridgeSessionOptions extends Partial<BridgeTimings> {
  /** The shard to open the session on. */
  shard: string;
  /** This gateway's id (a subject token); default one random id per process. */
  gateway?: string;
  /** Where bridge warnings go; default nowhere. */
  log?: (message: string) => void;
}

/** A client session relayed to a shard. */
export interface BridgedSession {
  /** The shard. */
  readonly shard: string;
  /** The session's key in the subjects. */
  readonly key: string;
  /** Resolves true when the shard accepted the session, false when the open failed (the client is then closed). */
  readonly accepted: Promise<boolean>;
  /** Resolves when the session ended, with why (either side, or the bridge). */
  readonly closed: Promise<CloseInfo>;
  /** Closes the client session and the shard's. */
  close(info: CloseInfo): void;
}

const randomHex = (bytes: number): string => {
  const b = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
};

/** This process's default gateway id. */
const PROCESS_GATEWAY = `gw-${randomHex(6)}`;
let sessionCounter = 0;

interface GatewayStream {
  stream: TransportStream;
  /** Bytes written to the client's stream and not yet acknowledged to the shard. */
  unacked: number;
  peerEnded: boolean;
}

/**
 * Relays `client` (a session accepted from the players' endpoint) to `options.shard`: opens the session there, then
 * carries everything both ways until either side closes. Returns at once; `accepted` tells how the open went.
 */
export function bridgeSession(nc: NatsConnection, client: TransportSession, options: BridgeSessionOptions): BridgedSession {
  const shard = checkBridgeId('shard', options.shard);
  const gateway = checkBridgeId('gateway', options.gateway ?? PROCESS_GATEWAY);
  const t = bridgeTimings(options);
  const log = options.log ?? (() => {});
  const key = `${gateway}-${++sessionCounter}-${randomHex(4)}`;
  const up = upSubject(shard, key);
  const streams = new Map<number, GatewayStream>();
  let nextId = 0;
  let closed = false;
  let opened = false;
  let lastHeard = performance.now();
  let beat: ReturnType<typeof setInterval> | undefined;
  let ackQueued = false;
  let resolveClosed!: (info: CloseInfo) => void;
  const closedP = new Promise<CloseInfo>((r) => { resolveClosed = r; });

  const send = (m: BridgeMessage) => {
    if (closed || !opened) return;
    try {
      publishBridgeMessage(nc, up, m);
    } catch (err) {
      end({ code: BRIDGE_CLOSE_CODE, reason: `bridge to shard ${shard} lost: ${(err as Error).message}` }, false);
    }
  };

  /** Ends once: tells the shard when `tell`, closes the client (its own onClose is then ignored). */
  const end = (info: CloseInfo, tell: boolean) => {
    if (closed) return;
    if (tell) send({ op: 'close', code: info.code, reason: cutReason(info.reason) });
    if (closed) return; // the send failed and closed it
    closed = true;
    if (beat) clearInterval(beat);
    sub.unsubscribe();
    client.close(info);
    resolveClosed(info);
  };
  const fail = (reason: string) => {
    log(`session bridge ${gateway}: session ${key} on ${shard}: ${reason}`);
    end({ code: BRIDGE_CLOSE_CODE, reason }, true);
  };

  const flushAcks = () => {
    ackQueued = false;
    for (const [id, s] of streams) {
      if (s.unacked > 0) { send({ op: 'ack', id, bytes: s.unacked }); s.unacked = 0; }
    }
  };

  /** Carries what the client writes on `stream` (id `id`) to the shard. */
  const relayFromClient = (id: number, stream: TransportStream) => {
    stream.setHandlers({
      onData: (bytes) => send({ op: 'data', id, bytes }),
      onEnd: () => send({ op: 'end', id }),
    });
  };

  const receive = (m: BridgeMessage) => {
    switch (m.op) {
      case 'beat': return;
      case 'datagram':
        if (m.bytes.length <= client.maxDatagramSize) client.sendDatagram(m.bytes);
        return;
      case 'close':
        end({ code: m.code, reason: m.reason }, false);
        return;
      case 'open': {
        if (m.id % 2 !== 1) throw new BridgeWireError(`the shard opened stream ${m.id} (even ids are the gateway's)`);
        if (streams.has(m.id)) throw new BridgeWireError(`stream ${m.id} opened twice`);
        const stream = client.openStream(m.kind);
        streams.set(m.id, { stream, unacked: 0, peerEnded: false });
        if (m.kind === 'bidi') relayFromClient(m.id, stream);
        return;
      }
      case 'ack': throw new BridgeWireError('the shard sent an ack (only the gateway does)');
    }
    const s = streams.get(m.id);
    if (!s) throw new BridgeWireError(`${m.op} on unknown stream ${m.id}`);
    if (s.stream.kind === 'uni' && !s.stream.local) throw new BridgeWireError(`${m.op} on stream ${m.id}, which only the client writes`);
    if (s.peerEnded) throw new BridgeWireError(`${m.op} on stream ${m.id} after its end`);
    if (m.op === 'end') { s.peerEnded = true; s.stream.end(); return; }
    s.stream.write(m.bytes);
    s.unacked += m.bytes.length;
    if (s.stream.buffered > t.maxQueuedBytes) {
      fail(`stream ${m.id}: ${s.stream.buffered} bytes not taken by the client (limit ${t.maxQueuedBytes})`);
      return;
    }
    if (!ackQueued) { ackQueued = true; queueMicrotask(flushAcks); }
  };

  const sub = nc.subscribe(downSubject(gateway, key), {
    callback: (err, msg) => {
      if (err || closed) return;
      lastHeard = performance.now();
      try {
        receive(decodeBridgeMessage(msg.data));
      } catch (e) {
        if (e instanceof BridgeWireError) fail(`malformed message from shard ${shard}: ${e.message}`);
        else fail(`bridged session failed: ${(e as Error).message}`);
      }
    },
  });

  const start = () => {
    lastHeard = performance.now();
    beat = setInterval(() => {
      if (performance.now() - lastHeard > t.timeoutMs) fail(`shard ${shard} went silent (nothing for over ${t.timeoutMs} ms)`);
      else send({ op: 'beat' });
    }, t.heartbeatMs);
    client.setHandlers({
      onDatagram: (bytes) => send({ op: 'datagram', bytes }),
      onStream: (stream) => {
        const id = nextId;
        nextId += 2;
        streams.set(id, { stream, unacked: 0, peerEnded: false });
        send({ op: 'open', id, kind: stream.kind });
        if (stream.kind === 'bidi' || !stream.local) relayFromClient(id, stream);
      },
      onClose: (info) => end(info, true),
    });
  };

  const request: OpenRequest = {
    v: 1, key, gateway, address: client.remoteAddress, maxDatagramSize: client.maxDatagramSize,
    reliableDatagrams: client.reliableDatagrams, heartbeatMs: t.heartbeatMs,
  };
  if (request.address === undefined) delete request.address;
  const open = async (): Promise<boolean> => {
    let reply;
    try {
      reply = decodeOpenReply((await nc.request(openSubject(shard), encodeOpen(request), { timeout: t.openTimeoutMs })).data);
    } catch (err) {
      const e = err as Error & { isNoResponders?: () => boolean };
      const reason = e instanceof BridgeWireError
        ? `shard ${shard} answered the open with a malformed reply: ${e.message}`
        : e.isNoResponders?.()
          ? `shard ${shard} is not serving sessions (no responders)`
          : /timeout/i.test(`${e.name} ${e.message} ${String((e.cause as Error | undefined)?.name)}`)
            ? `shard ${shard} did not answer the session open within ${t.openTimeoutMs} ms`
            : `session open on shard ${shard} failed: ${e.message}`;
      // A late accept must not leave a session on the shard: tell it, in case it answered after the timeout.
      opened = true;
      fail(reason);
      return false;
    }
    if (closed) return false; // the shard closed it at once (say, a per-address limit), or the gateway did
    if (!reply.ok) { fail(reply.reason); return false; }
    opened = true; // from here on the shard hears everything, a close included
    if (2 * reply.heartbeatMs > t.timeoutMs) {
      fail(`shard ${shard}'s heartbeat ${reply.heartbeatMs} ms is too slow for this gateway's timeoutMs ${t.timeoutMs}`);
      return false;
    }
    start();
    return true;
  };
  const accepted = open();

  return {
    shard, key, accepted, closed: closedP,
    close(info) {
      if (!opened) opened = true; // tell the shard even if its answer is still on the way
      end(info, true);
    },
  };
}
