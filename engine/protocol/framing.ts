/**
 * Frames: `[u32 length, big-endian][u8 type][payload][u8 type][payload]...`. `length` counts the bytes after
 * itself; each payload is one msgpack value, so messages need no length of their own (engine type ids are 1..127,
 * which are also msgpack positive fixints; user message ids 128..65535 are written as msgpack uints: a frame body is
 * a plain msgpack sequence). A declared length above the maximum
 * frame size is refused before anything is allocated.
 */
import { ProtocolError, ProtocolErrorCode } from './errors.ts';
import type { Message } from './messages.ts';
import { fromWire, packr, toWire, unpackr } from './codec.ts';
import { encodeUserMessage, type PayloadOf, type UserMessageTable } from './user-codec.ts';
import type { UserMessageDef } from './user-messages.ts';

/**
 * A user message as read from a frame: its declaration and its payload value, not yet checked against the fields
 * (the receiver refuses a bad one with a MessageRefused notice instead of closing the session).
 */
export interface UserFrameItem {
  /** Marks a user message (engine messages have numeric types). */
  readonly type: 'user';
  /** Its declaration. */
  readonly def: UserMessageDef;
  /** The decoded MessagePack value of its payload. */
  readonly value: unknown;
}

/** What a frame holds: engine messages, and user messages when the reader knows a definition's. */
export type FrameItem = Message | UserFrameItem;

const NO_USER_MESSAGES: UserMessageTable = new Map();

/** Default maximum frame size: 1 MiB of body. */
export const DEFAULT_MAX_FRAME = 1 << 20;

/** Bytes of the length prefix. */
export const FRAME_HEADER_BYTES = 4;

/** Encodes messages into one frame. Throws RangeError if the body would exceed `maxFrame`. */
export function encodeFrame(messages: readonly Message[], maxFrame = DEFAULT_MAX_FRAME): Uint8Array {
  if (messages.length === 0) throw new RangeError('a frame needs at least one message');
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const m of messages) {
    const payload = packr.pack(toWire(m));
    parts.push(Uint8Array.of(m.type), payload);
    size += 1 + payload.length;
  }
  if (size > maxFrame) throw new RangeError(`frame body of ${size} bytes exceeds the maximum of ${maxFrame}`);
  const out = new Uint8Array(FRAME_HEADER_BYTES + size);
  new DataView(out.buffer).setUint32(0, size);
  let pos = FRAME_HEADER_BYTES;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** One user message in a frame of its own, `[length][id as msgpack uint][payload]`; the payload is checked first. */
export function encodeUserFrame<M extends UserMessageDef>(def: M, payload: PayloadOf<M>, maxFrame = DEFAULT_MAX_FRAME): Uint8Array {
  const [id, body] = encodeUserMessage(def, payload);
  const size = id.length + body.length;
  if (size > maxFrame) throw new RangeError(`frame body of ${size} bytes exceeds the maximum of ${maxFrame}`);
  const out = new Uint8Array(FRAME_HEADER_BYTES + size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(id, FRAME_HEADER_BYTES);
  out.set(body, FRAME_HEADER_BYTES + id.length);
  return out;
}

/**
 * Decodes a frame body (the bytes after the length) into its messages. A body holding more than `maxMessages`
 * messages is refused as a flood as soon as the one too many is read, before the rest is decoded. Throws
 * {@link ProtocolError}; a user message type (128..65535) is an unknown type here (see {@link decodeFrameItems}).
 */
export function decodeFrameBody(body: Uint8Array, maxMessages = Infinity): Message[] {
  return decodeFrameItems(body, maxMessages, NO_USER_MESSAGES) as Message[];
}

/**
 * {@link decodeFrameBody} that also reads the user messages of `users` (types 128..65535 written as MessagePack
 * uints); their payloads are returned unchecked. A type in no table is still refused as unknown.
 */
export function decodeFrameItems(body: Uint8Array, maxMessages: number, users: UserMessageTable): FrameItem[] {
  if (body.length === 0) throw new ProtocolError(ProtocolErrorCode.BadFrame, 'empty frame');
  const values: unknown[] = [];
  const maxValues = 2 * maxMessages;
  try {
    unpackr.unpackMultiple(body, (v: unknown) => {
      values.push(v);
      return values.length <= maxValues;
    });
  } catch (err) {
    throw new ProtocolError(ProtocolErrorCode.BadPayload, `msgpack: ${(err as Error).message}`);
  }
  if (values.length > maxValues) throw new ProtocolError(ProtocolErrorCode.Flood, `more than ${maxMessages} messages in one frame`);
  if (values.length % 2 !== 0) throw new ProtocolError(ProtocolErrorCode.BadFrame, 'message type without payload');
  const out: FrameItem[] = [];
  for (let i = 0; i < values.length; i += 2) {
    const type = values[i];
    const user = typeof type === 'number' && type > 127 ? users.get(type) : undefined;
    if (user) {
      out.push({ type: 'user', def: user, value: values[i + 1] });
      continue;
    }
    if (typeof type !== 'number' || !Number.isInteger(type) || type < 1 || type > 127) {
      throw new ProtocolError(ProtocolErrorCode.UnknownType, `type byte ${String(type)}`);
    }
    out.push(fromWire(type, values[i + 1]));
  }
  return out;
}

/** Decodes a datagram, which holds exactly one frame (of at most `maxMessages`). Throws {@link ProtocolError}. */
export function decodeDatagram(bytes: Uint8Array, maxFrame = DEFAULT_MAX_FRAME, maxMessages = Infinity): Message[] {
  return decodeDatagramItems(bytes, maxFrame, maxMessages, NO_USER_MESSAGES) as Message[];
}

/** {@link decodeDatagram} that also reads the user messages of `users` (see {@link decodeFrameItems}). */
export function decodeDatagramItems(bytes: Uint8Array, maxFrame: number, maxMessages: number, users: UserMessageTable): FrameItem[] {
  if (bytes.length < FRAME_HEADER_BYTES) throw new ProtocolError(ProtocolErrorCode.BadFrame, 'datagram shorter than a header');
  const len = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
  if (len > maxFrame) throw new ProtocolError(ProtocolErrorCode.FrameTooLarge, `declared ${len} > max ${maxFrame}`);
  if (len !== bytes.length - FRAME_HEADER_BYTES) {
    throw new ProtocolError(ProtocolErrorCode.BadFrame, `declared ${len}, datagram holds ${bytes.length - FRAME_HEADER_BYTES}`);
  }
  return decodeFrameItems(bytes.subarray(FRAME_HEADER_BYTES), maxMessages, users);
}

/** Reassembles frames from a byte stream delivered in arbitrary chunks. */
export interface FrameReader {
  /** Adds received bytes; returns the bodies of the frames now complete. Throws {@link ProtocolError}. */
  push(chunk: Uint8Array): Uint8Array[];
  /** Bytes held waiting for the rest of a frame. */
  readonly buffered: number;
}

/** Creates a {@link FrameReader} that refuses frames whose declared length exceeds `maxFrame`. */
export function createFrameReader(maxFrame = DEFAULT_MAX_FRAME): FrameReader {
  let chunks: Uint8Array[] = [];
  let have = 0;
  let need = -1; // body length of the frame in progress, -1 while its header is incomplete

  const take = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = chunks[0];
      const k = Math.min(c.length, n - filled);
      out.set(c.subarray(0, k), filled);
      filled += k;
      if (k === c.length) chunks.shift();
      else chunks[0] = c.subarray(k);
    }
    have -= n;
    return out;
  };

  return {
    get buffered() { return have; },
    push(chunk) {
      if (chunk.length > 0) {
        chunks.push(chunk);
        have += chunk.length;
      }
      const frames: Uint8Array[] = [];
      for (;;) {
        if (need < 0) {
          if (have < FRAME_HEADER_BYTES) break;
          const h = take(FRAME_HEADER_BYTES);
          need = new DataView(h.buffer).getUint32(0);
          if (need > maxFrame) {
            chunks = [];
            have = 0;
            throw new ProtocolError(ProtocolErrorCode.FrameTooLarge, `declared ${need} > max ${maxFrame}`);
          }
          if (need === 0) throw new ProtocolError(ProtocolErrorCode.BadFrame, 'zero-length frame');
        }
        if (have < need) break;
        frames.push(take(need));
        need = -1;
      }
      return frames;
    },
  };
}
