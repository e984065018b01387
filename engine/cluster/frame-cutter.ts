/**
 * Cuts one direction of a framed stream (the header byte, then `[u32 big-endian length][body]` frames, as in
 * engine/protocol/framing.ts) at frame boundaries: bytes come in arbitrary chunks and go out only as whole frames.
 * The session bridge uses it on client-to-shard stream data, so that moving a session to another shard never cuts a
 * frame in two: what a shard receives always ends on a boundary, and the rest is held for the next shard.
 */
import { DEFAULT_MAX_FRAME, FRAME_HEADER_BYTES } from '../protocol/framing.ts';

/** A stream's declared frame length that is zero or over the limit. */
export class FrameLengthError extends Error {
  /** Names the length and the limit. */
  constructor(message: string) {
    super(message);
    this.name = 'FrameLengthError';
  }
}

/** The state of one stream direction; see {@link createFrameCutter}. */
export interface FrameCutter {
  /**
   * Adds a chunk; returns the bytes that now end on a frame boundary (the header byte counts as complete), possibly
   * empty. Throws {@link FrameLengthError} for a declared length of 0 or over the limit.
   */
  push(chunk: Uint8Array): Uint8Array;
  /** The stream's header byte, once seen. */
  readonly header: number | undefined;
  /** Bytes held: the part of a frame not yet complete. */
  readonly held: number;
}

/**
 * Creates a {@link FrameCutter} that refuses frames whose declared body length exceeds `maxFrame`. With
 * `withHeader` false the stream has no header byte (the answering side of a bidi stream): frames from the start.
 */
export function createFrameCutter(maxFrame = DEFAULT_MAX_FRAME, withHeader = true): FrameCutter {
  let header: number | undefined;
  let headerDone = !withHeader;
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  const len = new Uint8Array(FRAME_HEADER_BYTES);
  let lenHave = 0;
  let need = 0; // body bytes still missing in the frame in progress (its length prefix complete)

  /** Walks `chunk`; returns where the last frame completed in it, or -1 if none did. */
  const scan = (chunk: Uint8Array): number => {
    let boundary = -1;
    for (let at = 0; at < chunk.length;) {
      if (!headerDone) {
        header = chunk[at++];
        headerDone = true;
        boundary = at;
      } else if (lenHave < FRAME_HEADER_BYTES) {
        len[lenHave++] = chunk[at++];
        if (lenHave === FRAME_HEADER_BYTES) need = lengthOf(len, maxFrame);
      } else {
        const take = Math.min(need, chunk.length - at);
        at += take;
        need -= take;
        if (need === 0) { lenHave = 0; boundary = at; }
      }
    }
    return boundary;
  };

  return {
    get header() { return header; },
    get held() { return heldBytes; },
    push(chunk) {
      const boundary = scan(chunk);
      if (boundary < 0) {
        if (chunk.length > 0) { held.push(chunk.slice()); heldBytes += chunk.length; }
        return new Uint8Array(0);
      }
      const out = joinBytes([...held, chunk.subarray(0, boundary)]);
      held = boundary < chunk.length ? [chunk.slice(boundary)] : [];
      heldBytes = chunk.length - boundary;
      return out;
    },
  };
}

function lengthOf(prefix: Uint8Array, maxFrame: number): number {
  const n = new DataView(prefix.buffer, prefix.byteOffset, FRAME_HEADER_BYTES).getUint32(0);
  if (n === 0 || n > maxFrame) throw new FrameLengthError(`frame length ${n} is not in 1..${maxFrame}`);
  return n;
}

function joinBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0].slice();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
