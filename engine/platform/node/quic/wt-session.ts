/**
 * One WebTransport session over HTTP/3 as the engine's {@link TransportSession}: its streams (each tagged with the
 * session id on the wire, the tag stripped here), its datagrams (quarter-stream-id prefix), and its end. The HTTP/3
 * connection (h3-connection.ts) routes the peer's streams and datagrams here and sends the close capsule.
 * Datagrams are truly unreliable: `reliableDatagrams` is false.
 */
import { createPendingHandlers } from '../../../net/pending-handlers.ts';
import type { PendingHandlers } from '../../../net/pending-handlers.ts';
import type { CloseInfo, SessionHandlers, StreamHandlers, StreamKind, TransportSession, TransportStream } from '../../../net/transport.ts';
import { H3Code } from './h3-error.ts';
import type { QuicConn } from './quic-connection.ts';
import { datagramPrefixLength, encodeDatagram, encodeStreamHeader } from './wt-wire.ts';

/** Datagram size reported before quiche knows the path (a safe QUIC payload). */
const FALLBACK_DATAGRAM = 1200;

/** What the session needs from its HTTP/3 connection. */
export interface WtSessionDeps {
  /** The QUIC connection. */
  quic: QuicConn;
  /** The session id (the CONNECT stream's id). */
  sessionId: number;
  /** The peer's IP address (server side). */
  remoteAddress?: string;
  /** Routes the peer's data on a stream this side opened to the session. */
  routeLocalStream(id: number): void;
  /** Sends the close capsule and winds the connection down; called once, on a local close. */
  closeLocally(info: CloseInfo): void;
}

/** A {@link TransportSession} plus the entry points its HTTP/3 connection uses. */
export interface WtSession extends TransportSession {
  /** True once closed either way. */
  readonly closed: boolean;
  /** Streams open now. */
  readonly streamCount: number;
  /** A stream the peer opened for this session (header already read). */
  acceptStream(id: number, kind: StreamKind): void;
  /** Bytes (and maybe the end) on one of this session's streams. */
  streamData(id: number, bytes: Uint8Array, fin: boolean): void;
  /** A datagram payload. */
  datagram(bytes: Uint8Array): void;
  /** Ends the session because of the peer or the connection: resets its streams, reports `info` once. */
  end(info: CloseInfo): void;
}

interface StreamEntry {
  kind: StreamKind;
  local: boolean;
  handlers: PendingHandlers<StreamHandlers>;
  ended: boolean;
}

/** Creates a session whose CONNECT succeeded. */
export function createWtSession(deps: WtSessionDeps): WtSession {
  const { quic, sessionId } = deps;
  const handlers = createPendingHandlers<SessionHandlers>();
  const streams = new Map<number, StreamEntry>();
  let closed = false;

  const finish = (info: CloseInfo) => {
    closed = true;
    for (const [id, s] of streams) {
      if (s.kind === 'bidi' || s.local) quic.shutdownStream(id, 'write', H3Code.WtSessionGone);
      if (s.kind === 'bidi' || !s.local) quic.shutdownStream(id, 'read', H3Code.WtSessionGone);
    }
    streams.clear();
    handlers.call((h) => h.onClose(info));
  };

  const makeStream = (id: number, kind: StreamKind, local: boolean): TransportStream => {
    const entry: StreamEntry = { kind, local, handlers: createPendingHandlers<StreamHandlers>(), ended: false };
    streams.set(id, entry);
    const writable = local || kind === 'bidi';
    return {
      kind,
      local,
      get buffered() { return writable ? quic.streamBuffered(id) : 0; },
      write(bytes) {
        if (!writable) throw new Error('cannot write to a received unidirectional stream');
        if (closed) return;
        quic.writeStream(id, bytes.slice());
      },
      end() {
        if (!writable) throw new Error('cannot end a received unidirectional stream');
        if (closed) return;
        quic.writeStream(id, new Uint8Array(0), true);
        if (kind === 'uni') streams.delete(id);
      },
      setHandlers: (h) => entry.handlers.set(h),
    };
  };

  const session: WtSession = {
    reliableDatagrams: false,
    get maxDatagramSize() {
      const room = quic.maxDatagramPayload();
      return room > 0 ? room - datagramPrefixLength(sessionId) : FALLBACK_DATAGRAM;
    },
    remoteAddress: deps.remoteAddress,
    get closed() { return closed; },
    get streamCount() { return streams.size; },
    sendDatagram(bytes) {
      if (closed) return;
      quic.sendDatagram(encodeDatagram(sessionId, bytes));
    },
    openStream(kind) {
      const id = quic.nextStreamId(kind);
      const stream = makeStream(id, kind, true);
      if (closed) return stream;
      if (kind === 'bidi') deps.routeLocalStream(id);
      quic.writeStream(id, encodeStreamHeader(kind, sessionId));
      return stream;
    },
    setHandlers: (h) => handlers.set(h),
    close(info) {
      if (closed) return;
      deps.closeLocally(info);
      finish(info);
    },
    acceptStream(id, kind) {
      if (closed) return;
      const stream = makeStream(id, kind, false);
      handlers.call((h) => h.onStream(stream));
    },
    streamData(id, bytes, fin) {
      const s = streams.get(id);
      if (!s || s.ended) return;
      if (bytes.length > 0) s.handlers.call((h) => h.onData(bytes));
      if (fin) {
        s.ended = true;
        s.handlers.call((h) => h.onEnd());
        if (s.kind === 'uni') streams.delete(id);
      }
    },
    datagram(bytes) {
      if (!closed) handlers.call((h) => h.onDatagram(bytes));
    },
    end(info) {
      if (!closed) finish(info);
    },
  };
  return session;
}
