/**
 * What the session-bridge tests share: a recorder of a transport session's events (its streams' bytes joined, one
 * character per byte) and helpers to write framed stream data (`[u32 length][body]`, engine/protocol/framing.ts).
 */
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
