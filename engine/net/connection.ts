/**
 * One side of a connection over a {@link TransportSession}: binds streams and datagrams to channels, frames and
 * checks every message (a malformed or misplaced one closes this connection, with the reason, and nothing else),
 * drops stale datagrams, answers pings, sends heartbeats and detects a silent peer (TimedOut).
 * The handshake itself is run by the server and client on top (server.ts, client.ts).
 */
import { ProtocolError, ProtocolErrorCode } from '../protocol/errors.ts';
import {
  DEFAULT_MAX_FRAME, createFrameReader, decodeDatagramItems, decodeFrameItems, encodeFrame, encodeUserFrame, type FrameItem, type UserFrameItem,
} from '../protocol/framing.ts';
import { decodeUserPayload, userMessageTable, type PayloadOf, type UserMessage } from '../protocol/user-codec.ts';
import type { UserMessageDef } from '../protocol/user-messages.ts';
import type { Message } from '../protocol/messages.ts';
import { MsgType } from '../protocol/messages.ts';
import { CHANNELS, CLIENT_BIDI_CHANNELS, Channel, allowedOn, createStaleFilter, datagramChannel } from './channels.ts';
import { createPinger } from './pinger.ts';
import { createSessionBudget, type SessionLimits } from './session-limits.ts';
import type { Scheduler, TimerHandle } from './scheduler.ts';
import type { TransportSession, TransportStream } from './transport.ts';

/** Lifecycle of a connection: handshaking until {@link Connection.activate}, then active, then closed. */
export type ConnectionState = 'handshaking' | 'active' | 'closed';

/** How a connection ended. */
export interface ConnectionCloseInfo {
  /** local: we closed it; remote: the peer closed or said Disconnect; timeout: nothing received for too long;
   *  protocol: the peer sent something malformed or misplaced; error: our own message handler threw. */
  kind: 'local' | 'remote' | 'timeout' | 'protocol' | 'error';
  /** Human-readable reason. */
  reason: string;
  /** The protocol error code, for kind "protocol". */
  code?: ProtocolErrorCode;
}

/** Options of {@link createConnection}. */
export interface ConnectionOptions {
  /** The transport session. */
  session: TransportSession;
  /** Which side this is. */
  role: 'client' | 'server';
  /** Time and timers. */
  scheduler: Scheduler;
  /** Maximum frame body in bytes (default 1 MiB). */
  maxFrame?: number;
  /** Interval of heartbeat pings once active, ms (default 1000). */
  heartbeatMs?: number;
  /** Nothing received for this long closes the connection as timed out, ms (default 10000). */
  timeoutMs?: number;
  /**
   * Budgets for what the peer sends (messages per kind, bytes, datagram size), checked before anything is decoded or
   * answered; a peer over budget is closed with the reason. Default: none (the server passes its limits).
   */
  limits?: SessionLimits;
  /** Delay between sending a Disconnect and closing the session, so that the reason arrives, ms (default 50). */
  closeGraceMs?: number;
  /** Every received message except Ping and Pong, which the connection answers itself. */
  onMessage(channel: Channel, msg: Message): void;
  /**
   * The user messages this side reads and may send: a protocol definition's `messages` (default none, and then a
   * user message type is refused as unknown and closes the connection, as before).
   */
  userMessages?: readonly UserMessageDef[];
  /**
   * A received user message, checked against its declaration (direction, channel, fields). One that fails a check is
   * not delivered: the peer is sent a MessageRefused naming why, and the connection stays open.
   */
  onUserMessage?(channel: Channel, msg: UserMessage): void;
  /** A received user message was refused (for logs and counters); the peer has been told `reason`. */
  onUserRefused?(channel: Channel, def: UserMessageDef, reason: string): void;
  /** Called once when the connection ends. */
  onClose(info: ConnectionCloseInfo): void;
}

/** Traffic counters. */
export interface ConnectionStats {
  /** Bytes received (datagrams and streams). */
  bytesIn: number;
  /** Bytes sent. */
  bytesOut: number;
  /** Bytes received, per channel (indexed by {@link Channel} id; a stream's header byte included). */
  bytesInByChannel: number[];
  /** Bytes sent, per channel (indexed by {@link Channel} id; frames as handed to the transport). */
  bytesOutByChannel: number[];
  /** Messages received and accepted. */
  messagesIn: number;
  /** User messages received and refused (a MessageRefused went back). */
  userRefused: number;
  /** Datagrams dropped as stale (older sequence or tick). */
  staleDropped: number;
}

/** A framed, channelled connection. */
export interface Connection {
  /** Client or server side. */
  readonly role: 'client' | 'server';
  /** Current state. */
  readonly state: ConnectionState;
  /** Smoothed heartbeat round trip in ms (NaN until the first pong). */
  readonly rttMs: number;
  /** Traffic counters. */
  readonly stats: ConnectionStats;
  /** Largest datagram frame the session carries, bytes. */
  readonly maxDatagramSize: number;
  /** Sends messages in one frame on `channel`. Throws RangeError if this side may not send one of them there. */
  send(channel: Channel, messages: Message | readonly Message[]): void;
  /**
   * Sends a user message on its declared channel, in a frame of its own. Throws RangeError when it is not one of
   * `userMessages`, this side may not send it, or the payload does not match its fields (naming the field).
   */
  sendUser<M extends UserMessageDef>(def: M, payload: PayloadOf<M>): void;
  /** Marks the handshake done: starts heartbeats and delivers messages that arrived early. */
  activate(): void;
  /** Sends a Ping on `channel`; resolves with the round trip in ms, rejects on close or after `timeoutMs`. */
  ping(channel: Channel, timeoutMs?: number): Promise<number>;
  /** Bytes queued on a stream channel and not yet handed to the network (0 for datagram channels). */
  bufferedBytes(channel: Channel): number;
  /** Closes with a reason: sends Disconnect on the control stream, then closes the session. */
  close(reason: string): void;
}

interface Outgoing {
  stream?: TransportStream;
  queue: Uint8Array[];
}

/** Creates a {@link Connection} on `options.session` and starts listening to it. */
export function createConnection(options: ConnectionOptions): Connection {
  const { session, role, scheduler } = options;
  const peer = role === 'client' ? 'server' : 'client';
  const maxFrame = options.maxFrame ?? DEFAULT_MAX_FRAME;
  // What this side accepts: its own maximum, lowered by the limits it holds the peer to.
  const maxFrameIn = Math.min(maxFrame, options.limits?.maxFrame ?? Infinity);
  const maxMessagesIn = options.limits?.maxMessagesPerFrame ?? Infinity;
  const heartbeatMs = options.heartbeatMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const stats: ConnectionStats = {
    bytesIn: 0, bytesOut: 0, bytesInByChannel: CHANNELS.map(() => 0), bytesOutByChannel: CHANNELS.map(() => 0),
    messagesIn: 0, staleDropped: 0, userRefused: 0,
  };
  const users = userMessageTable(options.userMessages ?? []);
  const stale = createStaleFilter();
  const out = new Map<Channel, Outgoing>();
  const bound = new Set<Channel>(); // channels whose incoming stream is known
  const early: Array<[Channel, FrameItem]> = [];
  const pinger = createPinger(scheduler);
  const budget = options.limits && createSessionBudget(options.limits);
  /** Charges `n` received bytes to the budget (before they are decoded). */
  const received = (n: number) => {
    stats.bytesIn += n;
    lastReceived = scheduler.now();
    const over = budget?.bytes(lastReceived, n);
    if (over) throw new ProtocolError(ProtocolErrorCode.Flood, over);
  };
  let state: ConnectionState = 'handshaking';
  let lastReceived = scheduler.now();
  let heartbeat: TimerHandle | undefined;

  const finish = (info: ConnectionCloseInfo, notifyPeer: boolean) => {
    if (state === 'closed') return;
    state = 'closed';
    scheduler.clear(heartbeat);
    pinger.failAll(info.reason);
    if (notifyPeer) {
      writeFrame(Channel.Control, encodeFrame([{ type: MsgType.Disconnect, reason: info.reason.slice(0, 512) }]));
      scheduler.set(options.closeGraceMs ?? 50, () => session.close({ code: 0, reason: info.reason }));
    }
    options.onClose(info);
  };

  const fail = (err: unknown) => {
    if (err instanceof ProtocolError) finish({ kind: 'protocol', reason: err.message, code: err.code }, true);
    else finish({ kind: 'error', reason: `internal error: ${(err as Error)?.message ?? String(err)}` }, true);
  };

  const writeFrame = (channel: Channel, frame: Uint8Array) => {
    stats.bytesOut += frame.length;
    stats.bytesOutByChannel[channel] += frame.length;
    const info = CHANNELS[channel];
    if (info.carrier === 'datagram-c2s' || info.carrier === 'datagram-s2c') {
      session.sendDatagram(frame);
      return;
    }
    let o = out.get(channel);
    if (!o) {
      o = { queue: [] };
      out.set(channel, o);
      if (info.carrier === 'uni-s2c') {
        o.stream = session.openStream('uni');
        o.stream.write(Uint8Array.of(channel));
      }
    }
    if (o.stream) o.stream.write(frame);
    else o.queue.push(frame); // the client's stream for this channel has not arrived yet
  };

  /** Tells the peer that its user message was refused, and why; nothing else happens. */
  const refuseUser = (channel: Channel, def: UserMessageDef, reason: string) => {
    stats.userRefused++;
    writeFrame(Channel.Control, encodeFrame([{ type: MsgType.MessageRefused, refusedType: def.id, reason: reason.slice(0, 256) }]));
    options.onUserRefused?.(channel, def, reason);
  };

  /** Checks a user message against its declaration and delivers it, or refuses it (a flood closes, as any flood). */
  const deliverUser = (channel: Channel, item: UserFrameItem, charged = false) => {
    const over = charged ? undefined : budget?.message(scheduler.now(), item);
    if (over) throw new ProtocolError(ProtocolErrorCode.Flood, over);
    const { def } = item;
    if (state === 'handshaking') {
      if (role === 'server') throw new ProtocolError(ProtocolErrorCode.BadState, `${def.name} before the handshake`);
      if (early.length >= 1024) throw new ProtocolError(ProtocolErrorCode.BadState, 'too many messages before Welcome');
      early.push([channel, item]);
      return;
    }
    if (def.from !== peer && def.from !== 'both') return refuseUser(channel, def, `${ProtocolErrorCode.WrongChannel}: ${def.name} is sent by the ${def.from} only`);
    if (Channel[def.channel] !== channel) return refuseUser(channel, def, `${ProtocolErrorCode.WrongChannel}: ${def.name} travels on ${CHANNELS[Channel[def.channel]].name}, not ${CHANNELS[channel].name}`);
    let payload: PayloadOf<UserMessageDef>;
    try {
      payload = decodeUserPayload(def, item.value);
    } catch (e) {
      if (e instanceof ProtocolError) return refuseUser(channel, def, e.message);
      throw e;
    }
    stats.messagesIn++;
    options.onUserMessage?.(channel, { def, payload });
  };

  const deliver = (channel: Channel, msg: FrameItem) => {
    if (msg.type === 'user') return deliverUser(channel, msg);
    if (!allowedOn(channel, peer, msg)) {
      throw new ProtocolError(ProtocolErrorCode.WrongChannel, `type ${msg.type} from ${peer} on ${CHANNELS[channel].name}`);
    }
    const over = budget?.message(scheduler.now(), msg);
    if (over) throw new ProtocolError(ProtocolErrorCode.Flood, over);
    stats.messagesIn++;
    if (msg.type === MsgType.Ping) {
      if (state === 'active') writeFrame(CHANNELS[channel].pongOn[role], encodeFrame([{ type: MsgType.Pong, nonce: msg.nonce, sentMs: msg.sentMs }]));
      return;
    }
    if (msg.type === MsgType.Pong) {
      pinger.onPong(msg);
      return;
    }
    if (msg.type === MsgType.Disconnect) {
      finish({ kind: 'remote', reason: msg.reason }, false);
      session.close({ code: 0, reason: msg.reason });
      return;
    }
    if (state === 'handshaking' && channel !== Channel.Control) {
      // The handshake's datagram copy (channels.ts createHandshakeCopies; SPEC, Handshake step 4): Hello or Welcome
      // may come this way first.
      if (msg.type === (role === 'server' ? MsgType.Hello : MsgType.Welcome)) return options.onMessage(channel, msg);
      if (role === 'server') throw new ProtocolError(ProtocolErrorCode.BadState, `${CHANNELS[channel].name} message before the handshake`);
      if (early.length >= 1024) throw new ProtocolError(ProtocolErrorCode.BadState, 'too many messages before Welcome');
      early.push([channel, msg]);
      return;
    }
    options.onMessage(channel, msg);
  };

  const guarded = (fn: () => void) => {
    if (state === 'closed') return;
    try {
      fn();
    } catch (err) {
      fail(err);
    }
  };

  /** Reads frames from a stream; a stream the peer opened first names its channel in a header byte. */
  const bindIncoming = (s: TransportStream, known?: Channel) => {
    let channel: Channel | undefined = known;
    let reader = createFrameReader(maxFrameIn);
    s.setHandlers({
      onData: (bytes) => guarded(() => {
        received(bytes.length);
        const n = bytes.length;
        if (channel === undefined) {
          if (bytes.length === 0) return;
          const id = bytes[0];
          const info = CHANNELS[id];
          const want = role === 'server' ? 'bidi' : 'uni-s2c';
          if (!info || info.carrier !== want || bound.has(id as Channel)) {
            throw new ProtocolError(ProtocolErrorCode.BadStream, `stream header ${id} on a ${s.kind} stream`);
          }
          channel = id as Channel;
          bound.add(channel);
          if (s.kind === 'bidi') {
            const o = out.get(channel) ?? { queue: [] };
            o.stream = s;
            out.set(channel, o);
            for (const f of o.queue.splice(0)) s.write(f);
          }
          bytes = bytes.subarray(1);
        }
        stats.bytesInByChannel[channel] += n;
        for (const body of reader.push(bytes)) {
          for (const m of decodeFrameItems(body, maxMessagesIn, users)) {
            deliver(channel, m);
            if (state === 'closed') return;
          }
        }
      }),
      onEnd: () => guarded(() => {
        if (reader.buffered > 0) throw new ProtocolError(ProtocolErrorCode.BadFrame, `stream ended inside a frame (${reader.buffered} bytes)`);
        reader = createFrameReader(maxFrameIn);
      }),
    });
  };

  session.setHandlers({
    onDatagram: (bytes) => guarded(() => {
      if (options.limits && bytes.length > options.limits.maxDatagram) {
        throw new ProtocolError(ProtocolErrorCode.Flood, `a ${bytes.length}-byte datagram exceeds the limit of ${options.limits.maxDatagram} bytes`);
      }
      received(bytes.length);
      const channel = datagramChannel(peer);
      stats.bytesInByChannel[channel] += bytes.length;
      for (const m of decodeDatagramItems(bytes, maxFrameIn, maxMessagesIn, users)) {
        if (m.type !== 'user' && !stale.accept(m)) { stats.staleDropped++; continue; }
        deliver(channel, m);
        if (state === 'closed') return;
      }
    }),
    onStream: (s) => guarded(() => {
      if ((role === 'server' && s.kind !== 'bidi') || (role === 'client' && s.kind !== 'uni')) {
        throw new ProtocolError(ProtocolErrorCode.BadStream, `unexpected ${s.kind} stream from the ${peer}`);
      }
      bindIncoming(s);
    }),
    onClose: (info) => finish({ kind: 'remote', reason: info.reason || `closed (code ${info.code})` }, false),
  });

  if (role === 'client') {
    for (const ch of CLIENT_BIDI_CHANNELS) {
      const s = session.openStream('bidi');
      s.write(Uint8Array.of(ch));
      out.set(ch, { stream: s, queue: [] });
      bound.add(ch);
      bindIncoming(s, ch); // the server answers on the client's own streams, without a header
    }
  }

  const tickTimer = () => {
    const due = scheduler.now() + heartbeatMs;
    heartbeat = scheduler.set(heartbeatMs, () => {
      if (state === 'closed') return;
      // A timer that fires a whole interval late means this side stalled (a busy event loop), and what the peer sent
      // meanwhile may still be waiting to be read: judge silence at the next beat, not now.
      const stalled = scheduler.now() - due > heartbeatMs;
      if (!stalled && scheduler.now() - lastReceived >= timeoutMs) {
        finish({ kind: 'timeout', reason: `nothing received for ${Math.round(scheduler.now() - lastReceived)} ms` }, true);
        return;
      }
      if (state === 'active') {
        // Heartbeat pings are not awaited; their pongs update the RTT estimate.
        const { nonce, rtt } = pinger.start(timeoutMs, 'heartbeat');
        rtt.catch(() => {});
        writeFrame(Channel.Control, encodeFrame([{ type: MsgType.Ping, nonce, sentMs: scheduler.now() }]));
      }
      tickTimer();
    });
  };
  tickTimer();

  return {
    role,
    get state() { return state; },
    get rttMs() { return pinger.rttMs; },
    stats,
    get maxDatagramSize() { return session.maxDatagramSize; },
    send(channel, messages) {
      if (state === 'closed') return;
      const list = Array.isArray(messages) ? messages : [messages as Message];
      for (const m of list) {
        if (!allowedOn(channel, role, m)) throw new RangeError(`${role} may not send type ${m.type} on ${CHANNELS[channel].name}`);
      }
      const frame = encodeFrame(list, maxFrame);
      const carrier = CHANNELS[channel].carrier;
      if ((carrier === 'datagram-c2s' || carrier === 'datagram-s2c') && frame.length > session.maxDatagramSize) {
        throw new RangeError(`a ${frame.length}-byte datagram exceeds the session's ${session.maxDatagramSize} bytes`);
      }
      writeFrame(channel, frame);
    },
    sendUser(def, payload) {
      if (state === 'closed') return;
      // The table holds the resolved declaration; a caller's copy must match it by id and name.
      const known = users.get(def.id);
      if (!known || known.name !== def.name) throw new RangeError(`message ${def.name} (id ${def.id}) is not one of this connection's user messages`);
      if (known.from !== role && known.from !== 'both') throw new RangeError(`${known.name} is sent by the ${known.from} only; this is the ${role}`);
      const channel = Channel[known.channel];
      const frame = encodeUserFrame(known, payload as PayloadOf<UserMessageDef>, maxFrame);
      const carrier = CHANNELS[channel].carrier;
      if ((carrier === 'datagram-c2s' || carrier === 'datagram-s2c') && frame.length > session.maxDatagramSize) {
        throw new RangeError(`a ${frame.length}-byte ${def.name} datagram exceeds the session's ${session.maxDatagramSize} bytes`);
      }
      writeFrame(channel, frame);
    },
    bufferedBytes(channel) {
      const o = out.get(channel);
      if (!o) return 0;
      return (o.stream?.buffered ?? 0) + o.queue.reduce((n, f) => n + f.length, 0);
    },
    activate() {
      if (state !== 'handshaking') return;
      state = 'active';
      for (const [ch, m] of early.splice(0)) {
        guarded(() => (m.type === 'user' ? deliverUser(ch, m, true) : options.onMessage(ch, m)));
      }
    },
    ping(channel, pingTimeoutMs = 5000) {
      if (state !== 'active') return Promise.reject(new Error(`cannot ping in state ${state}`));
      if (!allowedOn(channel, role, { type: MsgType.Ping, nonce: 0, sentMs: 0 })) {
        return Promise.reject(new RangeError(`${role} cannot ping on ${CHANNELS[channel].name}`));
      }
      const { nonce, rtt } = pinger.start(pingTimeoutMs, CHANNELS[channel].name);
      writeFrame(channel, encodeFrame([{ type: MsgType.Ping, nonce, sentMs: scheduler.now() }]));
      return rtt;
    },
    close(reason) {
      finish({ kind: 'local', reason }, true);
    },
  };
}
