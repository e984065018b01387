/**
 * HTTP/3 for one QUIC connection, as far as WebTransport needs it (RFC 9114, RFC 9204 without a dynamic table,
 * RFC 9297, draft-ietf-webtrans-http3): the control streams and SETTINGS, the peer's QPACK streams (read and
 * discarded: no dynamic table), the extended CONNECT (sent by a client, checked and answered by a server), the
 * capsules on the CONNECT stream, WebTransport streams and datagrams routed to the one session a connection carries,
 * and GOAWAY. Anything malformed or misplaced closes this connection with its HTTP/3 error code and a reason.
 */
import type { CloseInfo, TransportSession } from '../../../net/transport.ts';
import type { ByteQueue } from './byte-queue.ts';
import { consumeBytes, createByteQueue, pushBytes, viewBytes } from './byte-queue.ts';
import { CapsuleType, decodeCloseSession, encodeCapsule, encodeCloseSession, readCapsule } from './capsule.ts';
import type { ConnectPolicy } from './connect-request.ts';
import { checkConnectRequest, connectRequestFields, connectResponseFields, responseStatus } from './connect-request.ts';
import { H3Code, H3Error } from './h3-error.ts';
import { FrameType, encodeFrame, readFrame } from './h3-frame.ts';
import type { Settings } from './h3-settings.ts';
import { MAX_FIELD_SECTION_SIZE, decodeSettings, encodeSettings, localSettings, supportsWebTransport } from './h3-settings.ts';
import { decodeFieldSection, encodeFieldSection } from './qpack.ts';
import type { QuicCloseInfo, QuicConn } from './quic-connection.ts';
import { concatBytes, encodeVarint, readVarint } from './varint.ts';
import type { WtSession } from './wt-session.ts';
import { createWtSession } from './wt-session.ts';
import { UniStreamType, WT_BIDI_SIGNAL, WT_UNI_STREAM_TYPE, decodeDatagram, isSessionId } from './wt-wire.ts';

/** Largest frame accepted on control and CONNECT streams, bytes. */
const MAX_FRAME = 64 * 1024;
/** Largest capsule accepted, bytes. */
const MAX_CAPSULE = 4096;
/** Peer streams held while their session is not yet known, and their bytes in total. */
const MAX_EARLY_STREAMS = 16;
const MAX_EARLY_BYTES = 256 * 1024;
/** QUIC transport error for TLS alert bad_certificate (0x100 + 42). */
const BAD_CERTIFICATE = 0x12a;
/** After a local session close, how long to wait for the peer before closing the connection, ms. */
const CLOSE_GRACE_MS = 1000;
/** After the peer answered a local session close, how long before the connection is closed, ms. */
const PEER_DONE_GRACE_MS = 250;

/** Log sink. */
export type H3Log = (level: 'info' | 'warn', message: string) => void;

/** Options of {@link createH3Connection}. */
export interface H3ConnectionOptions {
  /** The QUIC connection (not yet established). */
  quic: QuicConn;
  /** Which side this is. */
  role: 'client' | 'server';
  /** The peer's IP address (server side), for the session. */
  remoteAddress?: string;
  /** Server: which CONNECTs are accepted. */
  policy?: ConnectPolicy;
  /** Server: a reason to refuse a session that passed the policy (full, stopping), or undefined to accept. */
  admit?(): string | undefined;
  /** Client: the CONNECT to send once the server's SETTINGS arrived. */
  request?: { authority: string; path: string; origin?: string };
  /** Client: checks the handshake (e.g. the pinned certificate); a returned reason aborts. */
  verify?(): string | undefined;
  /** A session is open (server: answered 200; client: got 200). */
  onSession(session: TransportSession): void;
  /** The connection ended without a session (client: the connect failed), with the reason. */
  onFailure(reason: string): void;
  /** The QUIC connection is closing (after the session, if any, was told). */
  onClosed?(): void;
  /** Log sink (default: nothing). */
  log?: H3Log;
}

/** One HTTP/3 connection. */
export interface H3Connection {
  /** The session, once open. */
  readonly session: WtSession | undefined;
  /** Server: sends GOAWAY and asks the session to drain. */
  goAway(): void;
  /** Closes the session (if any) and the connection. */
  close(reason: string): void;
}

type Incoming =
  | { role: 'pending'; uni: boolean; queue: ByteQueue }
  | { role: 'control'; queue: ByteQueue; settings: boolean }
  | { role: 'discard' }
  | { role: 'connect'; queue: ByteQueue; headers: boolean; capsules: ByteQueue; ended: boolean }
  | { role: 'wt' }
  | { role: 'early'; sessionId: number; uni: boolean; chunks: Uint8Array[]; fin: boolean };

/** Creates the HTTP/3 layer on `options.quic` and takes over its events. */
export function createH3Connection(options: H3ConnectionOptions): H3Connection {
  const { quic, role } = options;
  const log: H3Log = options.log ?? (() => {});
  const streams = new Map<number, Incoming>();
  const seenUni = new Set<number>(); // HTTP/3 uni stream types the peer opened (each at most once)
  let peerSettings: Settings | undefined;
  let controlId: number | undefined;
  let connectId: number | undefined;
  let session: WtSession | undefined;
  let refused = false; // server: a CONNECT was answered with an error; no session will come
  let earlyBytes = 0;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let failed = false;

  const isPeerStream = (id: number) => (id & 1) === (role === 'client' ? 1 : 0);

  const fail = (reason: string) => {
    if (failed || session) return;
    failed = true;
    options.onFailure(reason);
  };

  const closeConnection = (code: number, reason: string) => {
    clearTimeout(graceTimer);
    quic.close(true, code, reason);
  };

  const sendFrame = (id: number, type: number, payload: Uint8Array, fin = false) => quic.writeStream(id, encodeFrame(type, payload), fin);

  const openControl = () => {
    controlId = quic.nextStreamId('uni');
    quic.writeStream(controlId, concatBytes([encodeVarint(UniStreamType.Control), encodeFrame(FrameType.Settings, encodeSettings(localSettings()))]));
  };

  const sendConnect = () => {
    const req = options.request!;
    connectId = quic.nextStreamId('bidi');
    streams.set(connectId, { role: 'connect', queue: createByteQueue(), headers: false, capsules: createByteQueue(), ended: false });
    sendFrame(connectId, FrameType.Headers, encodeFieldSection(connectRequestFields(req.authority, req.path, req.origin)));
  };

  const openSession = (sessionId: number) => {
    session = createWtSession({
      quic, sessionId, remoteAddress: options.remoteAddress,
      routeLocalStream: (id) => streams.set(id, { role: 'wt' }),
      closeLocally: (info) => {
        const code = info.code >>> 0 === info.code ? info.code : 1;
        quic.writeStream(sessionId, encodeFrame(FrameType.Data, encodeCloseSession({ code, reason: info.reason })), true);
        clearTimeout(graceTimer);
        graceTimer = setTimeout(() => closeConnection(H3Code.NoError, info.reason), CLOSE_GRACE_MS);
      },
    });
    const s = session;
    options.onSession(s);
    // Streams that arrived before the session was known.
    for (const [id, st] of [...streams]) {
      if (st.role !== 'early') continue;
      if (st.sessionId !== sessionId) {
        streams.set(id, { role: 'discard' });
        quic.shutdownStream(id, 'read', H3Code.WtSessionGone);
        continue;
      }
      streams.set(id, { role: 'wt' });
      s.acceptStream(id, st.uni ? 'uni' : 'bidi');
      for (const c of st.chunks) s.streamData(id, c, false);
      if (st.fin) s.streamData(id, new Uint8Array(0), true);
    }
    earlyBytes = 0;
  };

  /** The peer ended the session (capsule or end of the CONNECT stream): report it and close the connection. */
  const peerEndedSession = (info: CloseInfo) => {
    if (!session || session.closed) return;
    session.end(info);
    closeConnection(H3Code.NoError, info.reason);
  };

  const onHeaders = (id: number, payload: Uint8Array) => {
    const fields = decodeFieldSection(payload, { maxSectionSize: MAX_FIELD_SECTION_SIZE, maxFields: 64 });
    if (role === 'client') {
      const status = responseStatus(fields);
      if (status === undefined) throw new H3Error(H3Code.MessageError, 'response without a valid :status');
      if (status >= 100 && status < 200) return false; // interim response; the final one follows
      if (status !== 200) {
        fail(`the server refused the WebTransport session with status ${status}`);
        closeConnection(H3Code.NoError, `status ${status}`);
        return true;
      }
      openSession(id);
      return true;
    }
    const check = options.policy ? checkConnectRequest(fields, options.policy) : { ok: false as const, status: 404, reason: 'no policy' };
    const refusal = !check.ok ? check : session || refused ? { status: 429, reason: 'one session per connection' } : undefined;
    const busy = refusal ? undefined : options.admit?.();
    if (refusal || busy) {
      const status = refusal?.status ?? 503;
      const reason = refusal?.reason ?? busy!;
      refused = true;
      log('info', `refused a WebTransport CONNECT from ${options.remoteAddress ?? '?'} with ${status}: ${reason}`);
      sendFrame(id, FrameType.Headers, encodeFieldSection(connectResponseFields(status)), true);
      if (!session) {
        clearTimeout(graceTimer);
        graceTimer = setTimeout(() => closeConnection(H3Code.RequestRejected, reason), CLOSE_GRACE_MS);
      }
      return true;
    }
    connectId = id;
    sendFrame(id, FrameType.Headers, encodeFieldSection(connectResponseFields(200)));
    openSession(id);
    return true;
  };

  const onCapsules = (st: Extract<Incoming, { role: 'connect' }>) => {
    for (;;) {
      const bytes = viewBytes(st.capsules);
      const r = readCapsule(bytes, 0, MAX_CAPSULE);
      if (!r) return;
      consumeBytes(st.capsules, r.next);
      if (r.capsule.type === CapsuleType.CloseWebTransportSession) {
        const close = decodeCloseSession(r.capsule.value);
        peerEndedSession({ code: close.code, reason: close.reason });
        return;
      }
      // DRAIN_WEBTRANSPORT_SESSION and unknown capsules need no action here.
    }
  };

  const onConnectStream = (id: number, st: Extract<Incoming, { role: 'connect' }>, fin: boolean) => {
    for (;;) {
      const bytes = viewBytes(st.queue);
      const r = readFrame(bytes, 0, MAX_FRAME);
      if (!r) break;
      consumeBytes(st.queue, r.next);
      const { type, payload } = r.frame;
      if (type === FrameType.Headers) {
        if (!st.headers) st.headers = onHeaders(id, payload);
        // Trailers (a later HEADERS) carry nothing WebTransport uses.
      } else if (type === FrameType.Data) {
        if (!st.headers) throw new H3Error(H3Code.FrameUnexpected, 'DATA before HEADERS on the CONNECT stream');
        pushBytes(st.capsules, payload.slice());
        if (st.capsules.length > MAX_CAPSULE + 16) throw new H3Error(H3Code.ExcessiveLoad, 'capsule too long');
        if (session) onCapsules(st);
      } else if (type === FrameType.PushPromise) {
        throw new H3Error(H3Code.IdError, 'PUSH_PROMISE without MAX_PUSH_ID');
      } else if (type === FrameType.Settings || type === FrameType.GoAway || type === FrameType.MaxPushId || type === FrameType.CancelPush) {
        throw new H3Error(H3Code.FrameUnexpected, `frame type 0x${type.toString(16)} on a request stream`);
      }
      if (quic.closing) return;
    }
    if (st.queue.length > MAX_FRAME + 16) throw new H3Error(H3Code.ExcessiveLoad, 'frame too long');
    if (fin && !st.ended) {
      st.ended = true;
      if (session && session.closed) {
        // The peer answered our close. Give it a moment before the connection goes: Chromium reports "connection
        // lost" instead of the close capsule's code and reason when the connection closes right behind it.
        clearTimeout(graceTimer);
        graceTimer = setTimeout(() => closeConnection(H3Code.NoError, 'session closed'), PEER_DONE_GRACE_MS);
      }
      else if (session) peerEndedSession({ code: 0, reason: 'session ended by the peer' });
      else if (role === 'client') {
        fail('the server ended the CONNECT stream without a response');
        closeConnection(H3Code.NoError, 'no response');
      }
    }
  };

  const onControl = (st: Extract<Incoming, { role: 'control' }>, fin: boolean) => {
    for (;;) {
      const r = readFrame(viewBytes(st.queue), 0, MAX_FRAME);
      if (!r) break;
      consumeBytes(st.queue, r.next);
      const { type, payload } = r.frame;
      if (!st.settings) {
        if (type !== FrameType.Settings) throw new H3Error(H3Code.MissingSettings, `control stream starts with frame type 0x${type.toString(16)}`);
        st.settings = true;
        peerSettings = decodeSettings(payload);
        if (role === 'client') {
          if (!supportsWebTransport(peerSettings)) {
            fail('the server does not offer WebTransport over HTTP/3');
            closeConnection(H3Code.NoError, 'no WebTransport');
            return;
          }
          sendConnect();
        }
      } else if (type === FrameType.Settings) {
        throw new H3Error(H3Code.FrameUnexpected, 'second SETTINGS frame');
      } else if (type === FrameType.Data || type === FrameType.Headers || type === FrameType.PushPromise) {
        throw new H3Error(H3Code.FrameUnexpected, `frame type 0x${type.toString(16)} on the control stream`);
      } else if (type === FrameType.GoAway) {
        if (!readVarint(payload, 0)) throw new H3Error(H3Code.FrameError, 'malformed GOAWAY');
      }
    }
    if (fin) throw new H3Error(H3Code.ClosedCriticalStream, 'the peer closed its control stream');
  };

  /** Bytes on a WebTransport stream that arrived before its session is known. */
  const early = (id: number, sessionId: number, uni: boolean, rest: Uint8Array, fin: boolean) => {
    if (session && session.closed) {
      quic.shutdownStream(id, 'read', H3Code.WtSessionGone);
      streams.set(id, { role: 'discard' });
      return;
    }
    if (session) {
      if (sessionId !== connectId) throw new H3Error(H3Code.IdError, `stream for unknown session ${sessionId}`);
      streams.set(id, { role: 'wt' });
      session.acceptStream(id, uni ? 'uni' : 'bidi');
      session.streamData(id, rest, fin);
      return;
    }
    if (!isSessionId(sessionId)) throw new H3Error(H3Code.IdError, `session id ${sessionId} is not a request stream`);
    const held = [...streams.values()].filter((s) => s.role === 'early').length;
    if (held >= MAX_EARLY_STREAMS || refused) {
      quic.shutdownStream(id, 'read', H3Code.WtSessionGone);
      streams.set(id, { role: 'discard' });
      return;
    }
    streams.set(id, { role: 'early', sessionId, uni, chunks: rest.length ? [rest] : [], fin });
    earlyBytes += rest.length;
  };

  /** Reads the type (uni) or first varint (bidi) of a peer stream and gives it a role. */
  const classify = (id: number, st: Extract<Incoming, { role: 'pending' }>, fin: boolean) => {
    const bytes = viewBytes(st.queue);
    const first = readVarint(bytes, 0);
    if (!first) return;
    const wtTag = st.uni ? WT_UNI_STREAM_TYPE : WT_BIDI_SIGNAL;
    if (first.value === wtTag) {
      const sid = readVarint(bytes, first.next);
      if (!sid) return;
      consumeBytes(st.queue, sid.next);
      early(id, sid.value, st.uni, viewBytes(st.queue).slice(), fin);
      return;
    }
    if (!st.uni) {
      if (role === 'client') throw new H3Error(H3Code.StreamCreationError, 'server-initiated request stream');
      const next: Incoming = { role: 'connect', queue: st.queue, headers: false, capsules: createByteQueue(), ended: false };
      streams.set(id, next);
      onConnectStream(id, next, fin);
      return;
    }
    consumeBytes(st.queue, first.next);
    const type = first.value;
    if (type === UniStreamType.Control || type === UniStreamType.QpackEncoder || type === UniStreamType.QpackDecoder) {
      if (seenUni.has(type)) throw new H3Error(H3Code.StreamCreationError, `second stream of type 0x${type.toString(16)}`);
      seenUni.add(type);
      if (type === UniStreamType.Control) {
        const ctl: Incoming = { role: 'control', queue: st.queue, settings: false };
        streams.set(id, ctl);
        onControl(ctl, fin);
      } else {
        streams.set(id, { role: 'discard' }); // no dynamic table: nothing on these streams matters
        if (fin) throw new H3Error(H3Code.ClosedCriticalStream, 'the peer closed a QPACK stream');
      }
      return;
    }
    if (type === UniStreamType.Push) throw new H3Error(role === 'client' ? H3Code.IdError : H3Code.StreamCreationError, 'push stream');
    streams.set(id, { role: 'discard' }); // unknown or reserved type: ignore it (RFC 9114 section 6.2.3)
    quic.shutdownStream(id, 'read', H3Code.StreamCreationError);
  };

  const onStreamBytes = (id: number, bytes: Uint8Array, fin: boolean) => {
    let st = streams.get(id);
    if (!st) {
      if (!isPeerStream(id)) return; // one of ours that is not read (control stream)
      st = { role: 'pending', uni: (id & 2) !== 0, queue: createByteQueue() };
      streams.set(id, st);
    }
    switch (st.role) {
      case 'wt':
        session?.streamData(id, bytes, fin);
        break;
      case 'discard':
        break;
      case 'early':
        if (bytes.length) st.chunks.push(bytes);
        st.fin ||= fin;
        earlyBytes += bytes.length;
        if (earlyBytes > MAX_EARLY_BYTES) throw new H3Error(H3Code.ExcessiveLoad, 'too much data before the session');
        break;
      case 'pending':
        pushBytes(st.queue, bytes);
        if (st.queue.length > MAX_FRAME) throw new H3Error(H3Code.ExcessiveLoad, 'stream header too long');
        classify(id, st, fin);
        break;
      case 'control':
        pushBytes(st.queue, bytes);
        onControl(st, fin);
        break;
      case 'connect':
        pushBytes(st.queue, bytes);
        onConnectStream(id, st, fin);
        break;
    }
    if (fin && (st.role === 'wt' || st.role === 'discard') && (id & 2) !== 0) streams.delete(id);
  };

  /** Runs `fn`; an H3Error from the peer's input closes this connection with its code and reason. */
  const guarded = (fn: () => void) => {
    if (quic.closing) return;
    try {
      fn();
    } catch (err) {
      if (!(err instanceof H3Error)) throw err;
      log('warn', `HTTP/3 error from ${options.remoteAddress ?? 'the peer'}: ${err.message}`);
      closeConnection(err.code, err.message);
    }
  };

  quic.setEvents({
    onEstablished: () => guarded(() => {
      const bad = options.verify?.();
      if (bad) {
        fail(bad);
        // Send the client's Finished first: without it the server could not read the CONNECTION_CLOSE, which quiche
        // sends in 1-RTT packets, and would only forget the connection at its idle timeout. The code is TLS's
        // bad_certificate.
        quic.flush();
        quic.close(false, BAD_CERTIFICATE, bad);
        return;
      }
      openControl();
    }),
    onStreamReadable: (id) => guarded(() => {
      for (;;) {
        const chunk = quic.readStream(id);
        if (!chunk) return;
        onStreamBytes(id, chunk.bytes, chunk.fin);
        if (chunk.fin || quic.closing) return;
      }
    }),
    onDatagram: (bytes) => guarded(() => {
      const d = decodeDatagram(bytes);
      if (session && d.sessionId === connectId) session.datagram(d.payload);
    }),
    onClosed: (info: QuicCloseInfo) => {
      clearTimeout(graceTimer);
      const reason = describe(info);
      if (session) session.end({ code: info.code === H3Code.NoError || info.code === 0 ? 0 : info.code, reason });
      else fail(reason);
      options.onClosed?.();
    },
  });

  return {
    get session() { return session; },
    goAway() {
      if (role !== 'server' || controlId === undefined || quic.closing) return;
      sendFrame(controlId, FrameType.GoAway, encodeVarint(connectId !== undefined ? connectId + 4 : 0));
      if (session && !session.closed && connectId !== undefined) {
        sendFrame(connectId, FrameType.Data, encodeCapsule(CapsuleType.DrainWebTransportSession, new Uint8Array(0)));
      }
    },
    close(reason) {
      if (session && !session.closed) session.close({ code: 0, reason });
      else closeConnection(H3Code.NoError, reason);
    },
  };
}

/** A close reason for the session from how the QUIC connection ended. */
function describe(info: QuicCloseInfo): string {
  if (info.reason) return info.reason;
  if (info.by === 'idle') return 'idle timeout';
  return `${info.app ? 'HTTP/3' : 'QUIC'} error 0x${info.code.toString(16)} (${info.by})`;
}
