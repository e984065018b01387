/**
 * How WebTransport over HTTP/3 tags streams and datagrams with their session (draft-ietf-webtrans-http3, RFC 9297):
 * a bidirectional stream starts with the signal value 0x41 and the session id; a unidirectional one with the stream
 * type 0x54 and the session id; an HTTP datagram starts with the quarter stream id (session id / 4). The session id
 * is the id of the CONNECT request's stream.
 */
import { H3Code, H3Error } from './h3-error.ts';
import { readVarint, varintLength, writeVarint } from './varint.ts';

/** First varint of a WebTransport bidirectional stream. */
export const WT_BIDI_SIGNAL = 0x41;
/** Stream type of a WebTransport unidirectional stream. */
export const WT_UNI_STREAM_TYPE = 0x54;

/** Unidirectional stream types of HTTP/3 itself (RFC 9114 section 6.2, RFC 9204 section 4.2). */
export const UniStreamType = {
  /** The control stream (SETTINGS first). */
  Control: 0x00,
  /** A server push (never allowed here). */
  Push: 0x01,
  /** QPACK encoder instructions. */
  QpackEncoder: 0x02,
  /** QPACK decoder instructions. */
  QpackDecoder: 0x03,
} as const;

/** The header a stream of `kind` starts with, for session `sessionId`. */
export function encodeStreamHeader(kind: 'bidi' | 'uni', sessionId: number): Uint8Array {
  const tag = kind === 'bidi' ? WT_BIDI_SIGNAL : WT_UNI_STREAM_TYPE;
  const out = new Uint8Array(varintLength(tag) + varintLength(sessionId));
  writeVarint(out, writeVarint(out, 0, tag), sessionId);
  return out;
}

/** True when `id` can be a session id: a client-initiated bidirectional stream. */
export function isSessionId(id: number): boolean {
  return id % 4 === 0;
}

/** Prefixes `payload` with the quarter stream id of `sessionId` into a new HTTP datagram. */
export function encodeDatagram(sessionId: number, payload: Uint8Array): Uint8Array {
  const q = sessionId / 4;
  const out = new Uint8Array(varintLength(q) + payload.length);
  out.set(payload, writeVarint(out, 0, q));
  return out;
}

/** Bytes the datagram prefix of `sessionId` takes. */
export function datagramPrefixLength(sessionId: number): number {
  return varintLength(sessionId / 4);
}

/** Splits an HTTP datagram into its session id and payload; H3_DATAGRAM_ERROR when it has no complete prefix. */
export function decodeDatagram(bytes: Uint8Array): { sessionId: number; payload: Uint8Array } {
  const q = readVarint(bytes, 0);
  if (!q) throw new H3Error(H3Code.DatagramError, 'HTTP datagram without a complete quarter stream id');
  if (q.value > Number.MAX_SAFE_INTEGER / 4) throw new H3Error(H3Code.DatagramError, 'quarter stream id out of range');
  return { sessionId: q.value * 4, payload: bytes.subarray(q.next) };
}
