/**
 * HTTP/3 frames (RFC 9114 section 7): `type varint, length varint, payload`. Frame type ids, an encoder and an
 * incremental reader that says "need more bytes" (undefined) or throws {@link H3Error} for a frame over the limit.
 */
import { H3Code, H3Error } from './h3-error.ts';
import { readVarint, varintLength, writeVarint } from './varint.ts';

/** HTTP/3 frame types used here. Wire values; never renumber. */
export const FrameType = {
  /** Request or response body; on a WebTransport CONNECT stream it carries capsules. */
  Data: 0x00,
  /** A QPACK-encoded field section. */
  Headers: 0x01,
  /** Cancels a push (control stream). */
  CancelPush: 0x03,
  /** Connection settings; the first frame of each control stream. */
  Settings: 0x04,
  /** A server push promise (never allowed here: no push). */
  PushPromise: 0x05,
  /** Graceful shutdown: no requests on streams at or above the id. */
  GoAway: 0x07,
  /** Push credit (control stream). */
  MaxPushId: 0x0d,
} as const;

/** HTTP/2 frame types that are reserved and forbidden in HTTP/3 (RFC 9114 section 11.2.1). */
const HTTP2_ONLY = new Set([0x02, 0x06, 0x08, 0x09]);

/** One frame. */
export interface H3Frame {
  /** Frame type (unknown types are delivered too, for the caller to ignore). */
  type: number;
  /** Payload bytes (a view into the input). */
  payload: Uint8Array;
}

/** A frame read from a buffer and the offset after it. */
export interface ReadFrame {
  /** The frame. */
  frame: H3Frame;
  /** Offset of the first byte after the frame. */
  next: number;
}

/** Encodes one frame. */
export function encodeFrame(type: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(varintLength(type) + varintLength(payload.length) + payload.length);
  let pos = writeVarint(out, 0, type);
  pos = writeVarint(out, pos, payload.length);
  out.set(payload, pos);
  return out;
}

/**
 * Reads the frame at `bytes[pos]`: undefined when it is not complete yet. Throws H3_FRAME_UNEXPECTED for HTTP/2-only
 * frame types and H3_EXCESSIVE_LOAD for a payload over `maxPayload` (checked as soon as the length is known, so an
 * announced giant frame is refused before it is buffered).
 */
export function readFrame(bytes: Uint8Array, pos: number, maxPayload: number): ReadFrame | undefined {
  const t = readVarint(bytes, pos);
  if (!t) return undefined;
  const len = readVarint(bytes, t.next);
  if (!len) return undefined;
  if (HTTP2_ONLY.has(t.value)) throw new H3Error(H3Code.FrameUnexpected, `HTTP/2 frame type 0x${t.value.toString(16)} in HTTP/3`);
  if (len.value > maxPayload) {
    throw new H3Error(H3Code.ExcessiveLoad, `a ${len.value}-byte frame (type 0x${t.value.toString(16)}) exceeds the limit of ${maxPayload} bytes`);
  }
  const end = len.next + len.value;
  if (end > bytes.length) return undefined;
  return { frame: { type: t.value, payload: bytes.subarray(len.next, end) }, next: end };
}
