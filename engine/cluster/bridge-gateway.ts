/**
 * The gateway end of the session bridge (engine/cluster/session-bridge.ts describes the bridge): relays one client
 * session to a shard over NATS, and follows it when the shard moves it to another shard.
 *
 * Moving: the shard's `move` comes after everything it wrote. The gateway drops that shard's subscription, re-opens
 * the session on the target under a new key (so nothing the old shard sends can reach the client), with the hand-off
 * state and the client's open streams, and holds what the client sends until the target accepts. Client-to-shard
 * stream data passes through a frame cutter, so a shard only ever receives whole frames and a frame the client was
 * writing during the move reaches the new shard whole. The first stream the new shard opens with a given header byte
 * continues the client's stream the old shard had opened with that header (the header byte is not passed on).
 *
 * Fail-over: the gateway keeps the latest `checkpoint` of the session. When the shard goes silent, closes with
 * {@link BRIDGE_SHARD_STOPPED}, or the owner calls `shardLost()`, the gateway asks the owner's `reattach` hook which
 * shard now holds the checkpoint's region and re-opens the session there with `resume` = the checkpoint's state,
 * exactly as a move does, holding what the client sends meanwhile. Client bytes the lost shard had not confirmed are
 * sent again, from a frame boundary. Without a checkpoint or a hook, or when the hook gives up, the client is closed;
 * so it is when the lost shard left one of its streams to the client in the middle of a frame (the gateway follows
 * the frames shards write, without keeping them), which the next shard could not continue.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { CloseInfo, StreamKind, TransportSession } from '../net/transport.ts';
import { DEFAULT_MAX_FRAME } from '../protocol/framing.ts';
import { requestOpen } from './bridge-open.ts';
import { askReattach, type BridgeCheckpoint, type BridgeReattachHook, type BridgeReattachInfo } from './bridge-reattach.ts';
import {
  BRIDGE_CLOSE_CODE, BRIDGE_SHARD_STOPPED, BridgeWireError, bridgeTimings, checkBridgeId, cutReason, decodeBridgeMessage,
  downSubject, publishBridgeMessage, upSubject, type BridgeMessage, type BridgeTimings, type OpenRequest,
  type ResumedStream, type StreamReceipt,
} from './bridge-wire.ts';
import { createFrameCutter } from './frame-cutter.ts';
import { createFrameScanner } from './frame-scanner.ts';
import { cutStream, followShardFrames, type GatewayStream } from './gateway-stream.ts';
import { createReplayLog, type ReplayLog } from './replay-log.ts';

/** Client datagrams a gateway holds at most while a session moves (more are dropped, as a real path may). */
export const BRIDGE_MAX_HELD_DATAGRAMS = 256;

/** How one move of a session went (see {@link BridgeSessionOptions.onMove}). */
export interface BridgeMoveInfo {
  /** The shard that handed the session over. */
  from: string;
  /** The shard it moved to. */
  to: string;
  /** Milliseconds from the gateway receiving `move` to the target's answer. */
  ms: number;
  /** True when the target accepted; false when it refused or did not answer (the client is then closed). */
  ok: boolean;
}

/** Options of {@link bridgeSession}. */
export interface BridgeSessionOptions extends Partial<BridgeTimings> {
  /** The shard to open the session on. */
  shard: string;
  /** This gateway's id (a subject token); default one random id per process. */
  gateway?: string;
  /** Where bridge warnings go; default nowhere. */
  log?: (message: string) => void;
  /** Largest frame body the client may send on a stream (integer, 1..1073741824; default 1 MiB, framing.ts's). */
  maxFrame?: number;
  /** Called after each move of the session, accepted or not. */
  onMove?: (info: BridgeMoveInfo) => void;
  /**
   * Names the shard now holding a checkpoint's region when the session's shard is lost (see {@link BridgeReattachHook});
   * without it a lost shard closes the client, as without a checkpoint.
   */
  reattach?: BridgeReattachHook;
  /** Called after each re-attach of the session, accepted or not. */
  onReattach?: (info: BridgeReattachInfo) => void;
}

/** A client session relayed to a shard. */
export interface BridgedSession {
  /** The shard the session is on now (it follows moves). */
  readonly shard: string;
  /** The session's key in the subjects now (each move gives it a new one). */
  readonly key: string;
  /** Resolves true when the shard accepted the session, false when the open failed (the client is then closed). */
  readonly accepted: Promise<boolean>;
  /** Resolves when the session ended, with why (either side, or the bridge). */
  readonly closed: Promise<CloseInfo>;
  /** Closes the client session and the shard's. */
  close(info: CloseInfo): void;
  /**
   * The session's shard is known to be dead (its leases expired): re-attach now, without waiting for the heartbeat
   * timeout (or close the client, without a checkpoint or hook). A no-op while the session is opening, moving or
   * re-attaching, or closed; the caller checks `shard` first.
   */
  shardLost(): void;
}

const randomHex = (bytes: number): string => {
  const b = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
};

/** This process's default gateway id. */
const PROCESS_GATEWAY = `gw-${randomHex(6)}`;
let sessionCounter = 0;

function checkMaxFrame(v: number | undefined): number {
  const n = v ?? DEFAULT_MAX_FRAME;
  if (!Number.isInteger(n) || n < 1 || n > 1 << 30) throw new RangeError(`maxFrame must be an integer in 1..1073741824, got ${n}`);
  return n;
}

/**
 * Relays `client` (a session accepted from the players' endpoint) to `options.shard`: opens the session there, then
 * carries everything both ways until either side closes, following the session when a shard moves it. Returns at
 * once; `accepted` tells how the first open went.
 */
export function bridgeSession(nc: NatsConnection, client: TransportSession, options: BridgeSessionOptions): BridgedSession {
  let shard = checkBridgeId('shard', options.shard);
  const gateway = checkBridgeId('gateway', options.gateway ?? PROCESS_GATEWAY);
  const t = bridgeTimings(options);
  const maxFrame = checkMaxFrame(options.maxFrame);
  const log = options.log ?? (() => {});
  const baseKey = `${gateway}-${++sessionCounter}-${randomHex(4)}`;
  let key = baseKey;
  let up = upSubject(shard, key);
  let moves = 0;
  /** Streams by their id on the current shard. */
  const streams = new Map<number, GatewayStream>();
  /** Streams earlier shards opened, by header byte, waiting for the current shard to continue them. */
  const parked = new Map<number, GatewayStream[]>();
  let nextId = 0;
  let closed = false;
  let opened = false;
  let moving = false;
  /** What `hold` is holding for, in its over-budget reason ("moving to shard B"). */
  let holdingFor = '';
  /** The current shard's latest checkpoint (a move forgets it: the target has newer state). */
  let checkpoint: BridgeCheckpoint | undefined;
  /** What the client sent while the session moved, for the new shard. */
  let held: BridgeMessage[] = [];
  let heldBytes = 0;
  let heldDatagrams = 0;
  let lastHeard = performance.now();
  let beat: ReturnType<typeof setInterval> | undefined;
  let ackQueued = false;
  let sub: Subscription;
  /** Chunks that start with their stream's header byte (the first the client wrote on a stream). */
  const headerChunks = new WeakSet<Uint8Array>();
  let resolveClosed!: (info: CloseInfo) => void;
  const closedP = new Promise<CloseInfo>((r) => { resolveClosed = r; });

  const publish = (m: BridgeMessage) => {
    try {
      publishBridgeMessage(nc, up, m);
    } catch (err) {
      end({ code: BRIDGE_CLOSE_CODE, reason: `bridge to shard ${shard} lost: ${(err as Error).message}` }, false);
      return;
    }
    if (m.op === 'data') logSent(m.id, m.bytes);
  };

  /**
   * Keeps what went to the shard on a client stream until the shard confirms it. Bounded: over maxQueuedBytes at a
   * heartbeat (the shard stopped confirming), or over twice that at once (a burst the shard's own budget did not
   * stop first), the session is closed.
   */
  const logSent = (id: number, bytes: Uint8Array) => {
    const log = streams.get(id)?.log;
    if (!log) return;
    log.record(bytes, headerChunks.has(bytes));
    checkUnconfirmed(id, log, 2 * t.maxQueuedBytes);
  };
  const checkUnconfirmed = (id: number, log: ReplayLog, limit: number) => {
    if (log.unconfirmed > limit) fail(`stream ${id}: ${log.unconfirmed} bytes sent to shard ${shard} and not confirmed (limit ${limit})`);
  };

  /** Holds `m` for the shard the session is moving to; bounded (datagrams are dropped, stream bytes close). */
  const hold = (m: BridgeMessage) => {
    if (m.op === 'beat') return;
    if (m.op === 'datagram') {
      if (heldDatagrams >= BRIDGE_MAX_HELD_DATAGRAMS) return;
      heldDatagrams++;
    }
    if (m.op === 'data' || m.op === 'datagram') heldBytes += m.bytes.length;
    held.push(m);
    if (heldBytes > t.maxQueuedBytes) fail(`${heldBytes} bytes held while ${holdingFor} (limit ${t.maxQueuedBytes})`);
  };

  const send = (m: BridgeMessage) => {
    if (closed) return;
    if (moving) hold(m);
    else if (opened) publish(m);
  };

  /** Ends once: tells the shard when `tell`, closes the client (its own onClose is then ignored). */
  const end = (info: CloseInfo, tell: boolean) => {
    if (closed) return;
    if (tell && (opened || moving)) publish({ op: 'close', code: info.code, reason: cutReason(info.reason) });
    if (closed) return; // the send failed and closed it
    closed = true;
    held = [];
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

  /** Carries what the client writes on `s` to the shard, in whole frames. */
  const relayFromClient = (s: GatewayStream) => {
    s.cutter = createFrameCutter(maxFrame, s.byClient);
    s.stream!.setHandlers({
      onData: (bytes) => {
        let whole: Uint8Array;
        try {
          whole = s.cutter!.push(bytes);
        } catch (e) {
          fail(`client stream ${s.id ?? '(parked)'}: ${(e as Error).message}`);
          return;
        }
        if (whole.length === 0) return;
        if (s.byClient && !s.headerSent) { // the cutter's first output starts with the header byte
          s.headerSent = true;
          headerChunks.add(whole);
        }
        if (s.id === undefined) log(`session bridge ${gateway}: session ${key}: dropped ${whole.length} bytes on a stream shard ${shard} has not continued`);
        else send({ op: 'data', id: s.id, bytes: whole });
      },
      onEnd: () => {
        s.clientEnded = true;
        if (s.id !== undefined) send({ op: 'end', id: s.id });
      },
    });
  };

  /** Takes the parked stream of `kind` an earlier shard opened with `header`, if any. */
  const takeParked = (kind: StreamKind, header: number | undefined): GatewayStream | undefined => {
    const queue = header === undefined ? undefined : parked.get(header);
    const i = queue?.findIndex((p) => p.kind === kind) ?? -1;
    if (i < 0) return undefined;
    const p = queue!.splice(i, 1)[0];
    if (queue!.length === 0) parked.delete(header!);
    return p;
  };

  /** Stream data or end from the shard; a shard's new stream gets its client stream at its first byte. */
  const receiveStream = (m: Extract<BridgeMessage, { op: 'data' | 'end' }>) => {
    let s = streams.get(m.id);
    if (!s) throw new BridgeWireError(`${m.op} on unknown stream ${m.id}`);
    if (s.kind === 'uni' && s.byClient) throw new BridgeWireError(`${m.op} on stream ${m.id}, which only the client writes`);
    if (s.peerEnded) throw new BridgeWireError(`${m.op} on stream ${m.id} after its end`);
    let skip = 0;
    if (!s.stream) {
      const header = m.op === 'data' ? m.bytes[0] : undefined;
      const p = takeParked(s.kind, header);
      if (p) {
        p.id = m.id;
        streams.set(m.id, p);
        s = p;
        skip = 1; // the client's stream already had this header byte
      } else {
        s.stream = client.openStream(s.kind);
        s.header = header;
        if (s.kind === 'bidi') relayFromClient(s);
      }
    }
    if (m.op === 'end') { s.peerEnded = true; s.stream!.end(); return; }
    if (m.bytes.length > skip) {
      const bytes = skip ? m.bytes.subarray(skip) : m.bytes;
      s.stream!.write(bytes);
      followShardFrames(s, bytes);
    }
    s.unacked += m.bytes.length;
    if (s.stream!.buffered > t.maxQueuedBytes) {
      fail(`stream ${m.id}: ${s.stream!.buffered} bytes not taken by the client (limit ${t.maxQueuedBytes})`);
      return;
    }
    if (!ackQueued) { ackQueued = true; queueMicrotask(flushAcks); }
  };

  const receive = (m: BridgeMessage) => {
    switch (m.op) {
      case 'beat': return;
      case 'datagram':
        if (m.bytes.length <= client.maxDatagramSize) client.sendDatagram(m.bytes);
        return;
      case 'close':
        if (m.code === 0 && m.reason === BRIDGE_SHARD_STOPPED) lose(`shard ${shard} stopped`, { code: m.code, reason: m.reason }, false);
        else end({ code: m.code, reason: m.reason }, false);
        return;
      case 'checkpoint':
        checkpoint = { region: m.region, state: m.state.slice() }; // a copy: the message's buffer may be larger
        return;
      case 'open':
        if (m.id % 2 !== 1) throw new BridgeWireError(`the shard opened stream ${m.id} (even ids are the gateway's)`);
        if (streams.has(m.id)) throw new BridgeWireError(`stream ${m.id} opened twice`);
        streams.set(m.id, {
          kind: m.kind, byClient: false, id: m.id, unacked: 0, peerEnded: false, clientEnded: false, fromShard: createFrameScanner(0xffffffff),
        });
        return;
      case 'ack': throw new BridgeWireError('the shard sent an ack (only the gateway does)');
      case 'got': {
        const log = streams.get(m.id)?.log;
        if (!streams.has(m.id)) throw new BridgeWireError(`got on unknown stream ${m.id}`);
        if (log && log.confirmed + m.bytes > log.sent) throw new BridgeWireError(`got of ${m.bytes} bytes on stream ${m.id} beyond what was sent`);
        log?.confirm(m.bytes);
        return;
      }
      case 'move': startMove(m.target, m.state, m.received); return;
      default: receiveStream(m);
    }
  };

  /** Listens to the current shard on the current key; messages of an earlier link are ignored. */
  const listen = () => {
    const link = moves;
    sub = nc.subscribe(downSubject(gateway, key), {
      callback: (err, msg) => {
        if (err || closed || link !== moves) return;
        lastHeard = performance.now();
        try {
          receive(decodeBridgeMessage(msg.data));
        } catch (e) {
          if (e instanceof BridgeWireError) fail(`malformed message from shard ${shard}: ${e.message}`);
          else fail(`bridged session failed: ${(e as Error).message}`);
        }
      },
    });
  };

  /** Forgets the old shard's side of every stream: its streams wait (by header byte) for the new shard to continue them. */
  const parkStreams = (): ResumedStream[] => {
    const resumed: ResumedStream[] = [];
    for (const [id, s] of streams) {
      s.unacked = 0; // the old shard is gone: its acks with it
      if (s.byClient) {
        if (!s.clientEnded) resumed.push(s.cutter?.header === undefined ? { id, kind: s.kind } : { id, kind: s.kind, header: s.cutter.header });
        continue;
      }
      streams.delete(id);
      s.id = undefined;
      if (!s.stream || s.header === undefined || s.peerEnded) continue;
      const queue = parked.get(s.header) ?? [];
      queue.push(s);
      parked.set(s.header, queue);
    }
    for (const [id, s] of streams) if (s.clientEnded) streams.delete(id);
    return resumed;
  };

  /**
   * What the old shard did not receive, per the move's receipts: from the last frame boundary on, for the new shard,
   * ahead of anything the client sends during the move. Checks every receipt before changing anything.
   */
  const replayUnreceived = (received: StreamReceipt[]): BridgeMessage[] => {
    const got = new Map(received.map((r) => [r.id, r.bytes]));
    for (const id of got.keys()) if (!streams.has(id)) throw new BridgeWireError(`move received names unknown stream ${id}`);
    for (const [id, { log }] of streams) {
      const bytes = got.get(id) ?? 0; // a stream the shard received nothing on is not listed
      if (log && (bytes < log.confirmed || bytes > log.sent)) {
        throw new BridgeWireError(`move received ${bytes} bytes on stream ${id}, not in ${log.confirmed}..${log.sent}`);
      }
    }
    const replay: BridgeMessage[] = [];
    for (const [id, s] of streams) {
      const rest = s.log?.takeRest(got.get(id) ?? 0) ?? [];
      if (s.byClient && !s.clientEnded) for (const bytes of rest) replay.push({ op: 'data', id, bytes });
    }
    return replay;
  };

  /**
   * Stops listening to the current shard and parks its streams; holds `replay` first, then what the client sends.
   * Returns the client's streams to resume, or undefined when the replay alone overflowed the budget (closed).
   */
  const detach = (replay: BridgeMessage[], purpose: string): ResumedStream[] | undefined => {
    moving = true;
    holdingFor = purpose;
    sub.unsubscribe();
    moves++; // the old link's late messages are ignored
    const resumed = parkStreams();
    for (const m of replay) hold(m);
    return closed ? undefined : resumed;
  };

  /** Re-opens the session on `target` with `state` and the client's streams; `report` hears whether it accepted. */
  const reopen = (target: string, state: Uint8Array, resumed: ResumedStream[], report: (ok: boolean) => void) => {
    shard = target;
    key = `${baseKey}-m${moves}`;
    up = upSubject(shard, key);
    holdingFor = `moving to shard ${target}`;
    listen();
    const request = { ...baseRequest, key, resume: state, streams: resumed };
    void requestOpen(nc, target, request, t).then((outcome) => {
      if (closed) return;
      report(outcome.ok);
      moving = false;
      if (!outcome.ok) {
        opened = outcome.tell;
        fail(outcome.reason);
        return;
      }
      lastHeard = performance.now();
      const queued = held;
      held = [];
      heldBytes = 0;
      heldDatagrams = 0;
      for (const m of queued) if (!closed) publish(m);
    });
  };

  /** The shard handed the session to `target`: re-open it there, holding what the client sends meanwhile. */
  const startMove = (target: string, state: Uint8Array, received: StreamReceipt[]) => {
    const from = shard;
    const t0 = performance.now();
    const resumed = detach(replayUnreceived(received), `moving to shard ${target}`);
    if (!resumed) return;
    checkpoint = undefined;
    reopen(target, state, resumed, (ok) => options.onMove?.({ from, to: target, ms: performance.now() - t0, ok }));
  };

  /**
   * The current shard is gone (`cause` says how): re-attach the session from its checkpoint to the shard the hook
   * names, or, without a checkpoint or hook, end with `info` (telling the shard when `tell`).
   */
  const lose = (cause: string, info: CloseInfo, tell: boolean) => {
    const hook = options.reattach;
    log(`session bridge ${gateway}: session ${key}: ${cause}${checkpoint && hook ? '; re-attaching' : ''}`);
    if (!checkpoint || !hook) { end(info, tell); return; }
    const { region, state } = checkpoint;
    const from = shard;
    const t0 = performance.now();
    const report = (to: string, ok: boolean) => options.onReattach?.({ from, to, ms: performance.now() - t0, ok });
    const cut = cutStream(streams);
    if (cut !== undefined) {
      report('', false);
      end({ code: BRIDGE_CLOSE_CODE, reason: `${cause}; it left stream ${cut} in the middle of a frame, so the session cannot be re-attached` }, tell);
      return;
    }
    // Should the shard still be there (cut off, or its leases lost), it drops the player rather than time out.
    if (tell) publish({ op: 'close', code: BRIDGE_CLOSE_CODE, reason: cutReason(`${cause}; re-attaching elsewhere`) });
    if (closed) return;
    // The lost shard's confirmations are all there is: everything after them goes to the next shard.
    const confirmed = [...streams].flatMap(([id, s]) => (s.log ? [{ id, bytes: s.log.confirmed }] : []));
    const resumed = detach(replayUnreceived(confirmed), `re-attaching from shard ${from}`);
    if (!resumed) return;
    void askReattach(hook, region, from).then((target) => {
      if (closed) return;
      if (!target.ok) {
        report('', false);
        end({ code: BRIDGE_CLOSE_CODE, reason: `${cause}; ${target.reason}` }, false);
        return;
      }
      reopen(target.shard, state, resumed, (ok) => report(target.shard, ok));
    });
  };

  const start = () => {
    lastHeard = performance.now();
    beat = setInterval(() => {
      if (moving) return; // a move's open has its own timeout; a re-attach waits for its hook
      if (performance.now() - lastHeard > t.timeoutMs) {
        const silent = `shard ${shard} went silent (nothing for over ${t.timeoutMs} ms)`;
        lose(silent, { code: BRIDGE_CLOSE_CODE, reason: silent }, true);
        return;
      }
      send({ op: 'beat' });
      for (const [id, s] of streams) if (s.log && !closed) checkUnconfirmed(id, s.log, t.maxQueuedBytes);
    }, t.heartbeatMs);
    client.setHandlers({
      onDatagram: (bytes) => send({ op: 'datagram', bytes }),
      onStream: (stream) => {
        const id = nextId;
        nextId += 2;
        const s: GatewayStream = { stream, kind: stream.kind, byClient: true, id, unacked: 0, peerEnded: false, clientEnded: false };
        if (stream.kind === 'bidi' || !stream.local) s.log = createReplayLog();
        if (stream.kind === 'bidi') s.fromShard = createFrameScanner(0xffffffff, false);
        streams.set(id, s);
        send({ op: 'open', id, kind: stream.kind });
        if (stream.kind === 'bidi' || !stream.local) relayFromClient(s);
      },
      onClose: (info) => end(info, true),
    });
  };

  const baseRequest: OpenRequest = {
    v: 1, key, gateway, address: client.remoteAddress, maxDatagramSize: client.maxDatagramSize,
    reliableDatagrams: client.reliableDatagrams, heartbeatMs: t.heartbeatMs,
  };
  if (baseRequest.address === undefined) delete baseRequest.address;
  listen();
  const open = async (): Promise<boolean> => {
    const outcome = await requestOpen(nc, shard, baseRequest, t);
    if (closed) return false; // the shard closed it at once (say, a per-address limit), or the gateway did
    if (!outcome.ok) {
      opened = outcome.tell;
      fail(outcome.reason);
      return false;
    }
    opened = true; // from here on the shard hears everything, a close included
    start();
    return true;
  };
  const accepted = open();

  return {
    get shard() { return shard; },
    get key() { return key; },
    accepted,
    closed: closedP,
    close(info) {
      if (!opened) opened = true; // tell the shard even if its answer is still on the way
      end(info, true);
    },
    shardLost() {
      if (closed || !opened || moving) return;
      const lost = `shard ${shard} was lost (its leases expired)`;
      lose(lost, { code: BRIDGE_CLOSE_CODE, reason: lost }, true);
    },
  };
}
