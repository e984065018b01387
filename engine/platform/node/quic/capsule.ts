/**
 * Capsules (RFC 9297 section 3.2) as WebTransport uses them on its CONNECT stream (inside DATA frames):
 * `type varint, length varint, value`. CLOSE_WEBTRANSPORT_SESSION carries a 32-bit error code and a UTF-8 reason of
 * at most 1024 bytes; DRAIN_WEBTRANSPORT_SESSION is empty.
 */
import { H3Code, H3Error } from './h3-error.ts';
import { readVarint, varintLength, writeVarint } from './varint.ts';

/** Capsule types used here. Wire values; never renumber. */
export const CapsuleType = {
  /** Closes the session with an application code and reason. */
  CloseWebTransportSession: 0x2843,
  /** Asks the peer to wind the session down (no payload). */
  DrainWebTransportSession: 0x78ae,
} as const;

/** Longest close reason, UTF-8 bytes. */
export const MAX_CLOSE_REASON_BYTES = 1024;

/** One capsule. */
export interface Capsule {
  /** Capsule type (unknown types are delivered for the caller to ignore). */
  type: number;
  /** Value bytes (a view into the input). */
  value: Uint8Array;
}

/** The contents of a CLOSE_WEBTRANSPORT_SESSION capsule. */
export interface CloseSession {
  /** Application error code, 0..2^32-1. */
  code: number;
  /** Reason text. */
  reason: string;
}

/** Encodes a capsule. */
export function encodeCapsule(type: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(varintLength(type) + varintLength(value.length) + value.length);
  const pos = writeVarint(out, writeVarint(out, 0, type), value.length);
  out.set(value, pos);
  return out;
}

/** Reads the capsule at `bytes[pos]`: undefined until complete; H3_EXCESSIVE_LOAD when longer than `maxValue`. */
export function readCapsule(bytes: Uint8Array, pos: number, maxValue: number): { capsule: Capsule; next: number } | undefined {
  const t = readVarint(bytes, pos);
  const len = t && readVarint(bytes, t.next);
  if (!t || !len) return undefined;
  if (len.value > maxValue) throw new H3Error(H3Code.ExcessiveLoad, `a ${len.value}-byte capsule exceeds the limit of ${maxValue} bytes`);
  const end = len.next + len.value;
  if (end > bytes.length) return undefined;
  return { capsule: { type: t.value, value: bytes.subarray(len.next, end) }, next: end };
}

/** Cuts `text` to at most `max` UTF-8 bytes without splitting a character. */
export function utf8Prefix(text: string, max: number): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // back off to a character boundary
  return bytes.subarray(0, end);
}

/** Encodes a CLOSE_WEBTRANSPORT_SESSION capsule; the reason is cut to 1024 bytes, the code must fit 32 bits. */
export function encodeCloseSession(close: CloseSession): Uint8Array {
  if (!Number.isInteger(close.code) || close.code < 0 || close.code > 0xffffffff) throw new RangeError(`close code out of range: ${close.code}`);
  const reason = utf8Prefix(close.reason, MAX_CLOSE_REASON_BYTES);
  const value = new Uint8Array(4 + reason.length);
  new DataView(value.buffer).setUint32(0, close.code);
  value.set(reason, 4);
  return encodeCapsule(CapsuleType.CloseWebTransportSession, value);
}

/** Decodes a CLOSE_WEBTRANSPORT_SESSION value; H3_MESSAGE_ERROR when short, over-long or not UTF-8. */
export function decodeCloseSession(value: Uint8Array): CloseSession {
  if (value.length < 4) throw new H3Error(H3Code.MessageError, `close capsule of ${value.length} bytes (at least 4)`);
  if (value.length > 4 + MAX_CLOSE_REASON_BYTES) throw new H3Error(H3Code.MessageError, `close reason of ${value.length - 4} bytes (at most ${MAX_CLOSE_REASON_BYTES})`);
  const code = new DataView(value.buffer, value.byteOffset, value.length).getUint32(0);
  let reason: string;
  try {
    reason = new TextDecoder('utf-8', { fatal: true }).decode(value.subarray(4));
  } catch {
    throw new H3Error(H3Code.MessageError, 'close reason is not UTF-8');
  }
  return { code, reason };
}
