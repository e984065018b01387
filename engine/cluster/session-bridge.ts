/**
 * The session bridge over NATS core (Node only): a gateway holds the players' WebTransport sessions and relays each
 * one to the shard that owns the player; the shard sees an ordinary {@link TransportSession} and hands it to its game
 * server (`server.net.accept`).
 *
 * - Open: the gateway requests `stratum.sess.<shard>.open` (the player's address, the client session's datagram
 *   size, its heartbeat); the shard subscribes the session's up subject, answers, then hands the session to its sink.
 *   No answer within `openTimeoutMs` closes the client ("shard s1 did not answer ...").
 * - Traffic: msgpack messages on `stratum.sess.<shard>.<key>.up` (gateway to shard) and
 *   `stratum.sess.<gateway>.<key>.down` (shard to gateway); NATS keeps one publisher's order on one subject, so stream
 *   data arrives in order. Datagrams, streams either side opens (with their kind), data, ends, and the close (code and
 *   reason) go both ways. A datagram larger than the session's `maxDatagramSize` is dropped, as on a real path.
 * - Flow: the gateway acknowledges the bytes it hands to the client's streams; a shard stream's `buffered` is what was
 *   sent and not yet acknowledged, so the server paces itself as on a direct transport. Bytes one side has not taken
 *   (unacknowledged on the shard, queued in the client's stream on the gateway, received before handlers were set)
 *   are bounded by `maxQueuedBytes`: beyond it the session is closed with a reason.
 * - Liveness: each side sends a heartbeat every `heartbeatMs`; a session whose peer sent nothing for `timeoutMs`
 *   (gateway or shard gone) is closed. A malformed message closes that one session, never the others.
 * - Framing: what the client writes on a stream reaches the shard only as whole frames (its header byte, then
 *   `[u32 length][body]` frames, each at most `maxFrame`); a bad length closes the session. The shard confirms the
 *   client bytes it receives (`got`); the gateway keeps the unconfirmed ones.
 * - Moving (the gateway's side is in bridge-gateway.ts): the shard's session gets `moveTo(target, state)`. It sends
 *   `move` (with how many bytes of each stream it received) after everything it wrote and finishes its end silently;
 *   the gateway re-opens the session on `target` under a new key with `resume = state` and the client's open streams,
 *   which the target's sink receives again, each starting with its header byte, then what the old shard did not get.
 * - Fail-over (the gateway's side is in bridge-gateway.ts and bridge-reattach.ts): the shard's session gets
 *   `checkpoint(region, state)`, which leaves the latest state with the gateway (`checkpoint`). Should the shard go
 *   silent or stop ({@link BRIDGE_SHARD_STOPPED}), the gateway asks its owner's `reattach` hook which shard now holds
 *   `region` and re-opens the session there with `resume = state`, as after a move; the client stays connected.
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { createPendingHandlers, type PendingHandlers } from '../net/pending-handlers.ts';
import type {
  CloseInfo, SessionHandlers, SessionSink, StreamHandlers, StreamKind, TransportSession, TransportStream,
} from '../net/transport.ts';
import {
  BRIDGE_CLOSE_CODE, BRIDGE_MAX_STATE, BRIDGE_SHARD_STOPPED, BridgeWireError, bridgeTimings, checkBridgeId, cutReason, decodeBridgeMessage, decodeOpenRequest,
  downSubject, encodeOpen, openSubject, publishBridgeMessage, upSubject, type BridgeMessage, type BridgeTimings,
  type OpenRequest,
} from './bridge-wire.ts';

export { BRIDGE_CLOSE_CODE, BRIDGE_MAX_STATE, BRIDGE_SHARD_STOPPED, bridgeTimings, type BridgeTimings } from './bridge-wire.ts';
export {
  BRIDGE_MAX_HELD_DATAGRAMS, bridgeSession, type BridgedSession, type BridgeMoveInfo, type BridgeSessionOptions,
} from './bridge-gateway.ts';
export type { BridgeReattachHook, BridgeReattachInfo } from './bridge-reattach.ts';

/** Options of {@link serveBridgedSessions}. */
export interface ServeBridgedOptions extends Partial<BridgeTimings> {
  /** This shard's id (a subject token: letters, digits, `_`, `-`). */
  shard: string;
  /** Receives each bridged session (the game server's `net.accept`). */
  sink: SessionSink;
  /** Where bridge warnings go (malformed messages, silent peers); default nowhere. */
  log?: (message: string) => void;
}

/** A shard serving bridged sessions. */
export interface BridgedSessionServer {
  /** The shard's id. */
  readonly shard: string;
  /** Bridged sessions open now. */
  readonly open: number;
  /**
   * Stops answering opens and closes every bridged session with `reason` (default {@link BRIDGE_SHARD_STOPPED}, on
   * which a gateway with a checkpoint re-attaches the session elsewhere instead of closing the client).
   */
  close(reason?: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Shard side

/**
 * A resuming open: the client's streams arrive again as just opened by the peer, each starting with its header byte
 * (queued until the server sets its handlers; what the client sends next follows).
 */
function resumeStreams(
  req: OpenRequest, makeStream: (id: number, kind: StreamKind, local: boolean) => ShardStream,
  handlers: PendingHandlers<SessionHandlers>,
): void {
  for (const { id, kind, header } of req.streams ?? []) {
    const s = makeStream(id, kind, false);
    handlers.call((h) => h.onStream(s.stream));
    if (header === undefined) continue;
    s.early += 1;
    s.inbox.call((h) => h.onData(Uint8Array.of(header)));
  }
}

interface ShardStream {
  stream: TransportStream;
  inbox: PendingHandlers<StreamHandlers>;
  /** Bytes received before handlers were set. */
  early: number;
  sent: number;
  acked: number;
  ended: boolean;
  peerEnded: boolean;
  /** Bytes of stream data received from the gateway. */
  got: number;
  /** Of those, not yet reported to the gateway (`got` messages). */
  gotUnsent: number;
}

/**
 * Answers session opens addressed to `options.shard` and hands each bridged session to `options.sink`. Resolves once
 * the open subject is subscribed on the server.
 */
export async function serveBridgedSessions(nc: NatsConnection, options: ServeBridgedOptions): Promise<BridgedSessionServer> {
  const shard = checkBridgeId('shard', options.shard);
  const t = bridgeTimings(options);
  const log = options.log ?? (() => {});
  const sessions = new Set<{ close(info: CloseInfo): void }>();
  let stopped = false;

  const answer = (msg: Msg, reply: Parameters<typeof encodeOpen>[0]) => {
    try { msg.respond(encodeOpen(reply)); } catch { /* the connection is gone; the gateway times out */ }
  };

  const sub = nc.subscribe(openSubject(shard), {
    callback: (err, msg) => {
      if (err) return;
      let req: OpenRequest;
      try {
        req = decodeOpenRequest(msg.data);
      } catch (e) {
        log(`session bridge ${shard}: refused an open: ${(e as Error).message}`);
        answer(msg, { ok: false, reason: `shard ${shard} refused the open: ${(e as Error).message}` });
        return;
      }
      if (stopped) { answer(msg, { ok: false, reason: `shard ${shard} is stopping` }); return; }
      if (2 * req.heartbeatMs > t.timeoutMs) {
        answer(msg, { ok: false, reason: `gateway heartbeat ${req.heartbeatMs} ms is too slow for shard ${shard}'s timeoutMs ${t.timeoutMs}` });
        return;
      }
      const s = openShardSession(nc, shard, req, t, log, () => sessions.delete(s));
      sessions.add(s);
      answer(msg, { ok: true, heartbeatMs: t.heartbeatMs });
      try {
        options.sink(s.session);
      } catch (e) {
        log(`session bridge ${shard}: the sink threw on session ${req.key}: ${(e as Error).message}`);
        s.close({ code: BRIDGE_CLOSE_CODE, reason: `shard ${shard} could not take the session: ${(e as Error).message}` });
      }
    },
  });
  await nc.flush();

  return {
    shard,
    get open() { return sessions.size; },
    async close(reason = BRIDGE_SHARD_STOPPED) {
      stopped = true;
      sub.unsubscribe();
      for (const s of [...sessions]) s.close({ code: 0, reason });
      try { await nc.flush(); } catch { /* closed connection: nothing more to send */ }
    },
  };
}

function openShardSession(
  nc: NatsConnection, shard: string, req: OpenRequest, t: BridgeTimings, log: (m: string) => void, forget: () => void,
) {
  const down = downSubject(req.gateway, req.key);
  const handlers = createPendingHandlers<SessionHandlers>();
  const streams = new Map<number, ShardStream>();
  let nextId = 1;
  let gotQueued = false;
  let closed = false;
  let lastHeard = performance.now();
  let sub: Subscription | undefined;

  const send = (m: BridgeMessage) => {
    if (closed) return;
    try {
      publishBridgeMessage(nc, down, m);
    } catch (err) {
      end({ code: BRIDGE_CLOSE_CODE, reason: `bridge to gateway ${req.gateway} lost: ${(err as Error).message}` }, false);
    }
  };

  /** Ends the session once: tells the gateway when `tell`, then this side's handlers. */
  const end = (info: CloseInfo, tell: boolean, later = false) => {
    if (closed) return;
    if (tell) send({ op: 'close', code: info.code, reason: cutReason(info.reason) });
    if (closed) return; // the send failed and closed it
    closed = true;
    clearInterval(beat);
    sub?.unsubscribe();
    forget();
    const fire = () => handlers.call((h) => h.onClose(info));
    if (later) queueMicrotask(fire); else fire();
  };
  const fail = (reason: string) => {
    log(`session bridge ${shard}: session ${req.key}: ${reason}`);
    end({ code: BRIDGE_CLOSE_CODE, reason }, true);
  };

  const makeStream = (id: number, kind: StreamKind, local: boolean): ShardStream => {
    const inbox = createPendingHandlers<StreamHandlers>();
    const entry: ShardStream = { stream: undefined as never, inbox, early: 0, sent: 0, acked: 0, ended: false, peerEnded: false, got: 0, gotUnsent: 0 };
    entry.stream = {
      kind,
      local,
      get buffered() { return entry.sent - entry.acked; },
      write(bytes) {
        if (kind === 'uni' && !local) throw new Error('cannot write to a received unidirectional stream');
        if (closed || entry.ended || bytes.length === 0) return;
        entry.sent += bytes.length;
        send({ op: 'data', id, bytes: bytes.slice() });
        if (entry.sent - entry.acked > t.maxQueuedBytes) {
          fail(`stream ${id}: ${entry.sent - entry.acked} bytes not taken by the client (limit ${t.maxQueuedBytes})`);
        }
      },
      end() {
        if (kind === 'uni' && !local) throw new Error('cannot end a received unidirectional stream');
        if (entry.ended) return;
        entry.ended = true;
        send({ op: 'end', id });
      },
      setHandlers(h) { entry.early = 0; inbox.set(h); },
    };
    streams.set(id, entry);
    return entry;
  };

  /** Tells the gateway which client bytes arrived, so it can forget them. */
  const flushGot = () => {
    gotQueued = false;
    for (const [id, s] of streams) {
      if (s.gotUnsent > 0) { send({ op: 'got', id, bytes: s.gotUnsent }); s.gotUnsent = 0; }
    }
  };

  const receive = (m: BridgeMessage) => {
    switch (m.op) {
      case 'beat': return;
      case 'datagram':
        handlers.call((h) => h.onDatagram(m.bytes));
        return;
      case 'close':
        end({ code: m.code, reason: m.reason }, false);
        return;
      case 'move':
      case 'got':
      case 'checkpoint': throw new BridgeWireError(`the gateway sent a ${m.op} (only a shard does)`);
      case 'open': {
        if (m.id % 2 !== 0) throw new BridgeWireError(`the gateway opened stream ${m.id} (odd ids are the shard's)`);
        if (streams.has(m.id)) throw new BridgeWireError(`stream ${m.id} opened twice`);
        const s = makeStream(m.id, m.kind, false);
        handlers.call((h) => h.onStream(s.stream));
        return;
      }
    }
    const s = streams.get(m.id);
    if (!s) throw new BridgeWireError(`${m.op} on unknown stream ${m.id}`);
    const peerWrites = s.stream.kind === 'bidi' || !s.stream.local;
    switch (m.op) {
      case 'data':
      case 'end':
        if (!peerWrites) throw new BridgeWireError(`${m.op} on stream ${m.id}, which only the shard writes`);
        if (s.peerEnded) throw new BridgeWireError(`${m.op} on stream ${m.id} after its end`);
        if (m.op === 'end') { s.peerEnded = true; s.inbox.call((h) => h.onEnd()); return; }
        if (!s.inbox.current) {
          s.early += m.bytes.length;
          if (s.early > t.maxQueuedBytes) {
            fail(`stream ${m.id}: ${s.early} bytes received and not taken by the server (limit ${t.maxQueuedBytes})`);
            return;
          }
        }
        s.got += m.bytes.length;
        s.gotUnsent += m.bytes.length;
        if (!gotQueued) { gotQueued = true; queueMicrotask(flushGot); }
        s.inbox.call((h) => h.onData(m.bytes));
        return;
      case 'ack':
        if (s.acked + m.bytes > s.sent) throw new BridgeWireError(`ack of ${m.bytes} bytes on stream ${m.id} beyond what was sent`);
        s.acked += m.bytes;
        return;
    }
  };

  const session: TransportSession = {
    reliableDatagrams: req.reliableDatagrams,
    maxDatagramSize: req.maxDatagramSize,
    remoteAddress: req.address,
    sendDatagram(bytes) {
      if (bytes.length <= req.maxDatagramSize) send({ op: 'datagram', bytes: bytes.slice() });
    },
    openStream(kind) {
      const id = nextId;
      nextId += 2;
      const s = makeStream(id, kind, true);
      send({ op: 'open', id, kind });
      return s.stream;
    },
    setHandlers: (h) => handlers.set(h),
    close: (info) => end(info, true, true),
    moveTo(target, state) {
      checkBridgeId('moveTo target', target);
      if (state.length > BRIDGE_MAX_STATE) throw new RangeError(`moveTo state must be at most ${BRIDGE_MAX_STATE} bytes, got ${state.length}`);
      // After everything written so far on the same subject, so the gateway passes all of it on first.
      const received = [...streams].filter(([, s]) => s.got > 0).map(([id, s]) => ({ id, bytes: s.got }));
      send({ op: 'move', target, state: state.slice(), received });
      end({ code: 0, reason: `moved to ${target}` }, false, true);
    },
    checkpoint(region, state) {
      checkBridgeId('checkpoint region', region);
      if (state.length > BRIDGE_MAX_STATE) throw new RangeError(`checkpoint state must be at most ${BRIDGE_MAX_STATE} bytes, got ${state.length}`);
      send({ op: 'checkpoint', region, state: state.slice() });
    },
    ...(req.resume ? { resume: req.resume } : {}),
  };
  resumeStreams(req, makeStream, handlers);

  const beat = setInterval(() => {
    if (performance.now() - lastHeard > t.timeoutMs) {
      fail(`gateway ${req.gateway} went silent (nothing for over ${t.timeoutMs} ms)`);
      return;
    }
    send({ op: 'beat' });
  }, t.heartbeatMs);

  sub = nc.subscribe(upSubject(shard, req.key), {
    callback: (err, msg) => {
      if (err || closed) return;
      lastHeard = performance.now();
      try {
        receive(decodeBridgeMessage(msg.data));
      } catch (e) {
        if (e instanceof BridgeWireError) fail(`malformed message from gateway ${req.gateway}: ${e.message}`);
        else fail(`bridged session failed: ${(e as Error).message}`);
      }
    },
  });

  return { session, close: (info: CloseInfo) => end(info, true) };
}
