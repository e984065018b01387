/**
 * Cuts one direction of a framed stream (the header byte, then `[u32 big-endian length][body]` frames, as in
 * engine/protocol/framing.ts) at frame boundaries: bytes come in arbitrary chunks and go out only as whole frames.
 * The session bridge uses it on client-to-shard stream data, so that moving a session to another shard never cuts a
 * frame in two: what a shard receives always ends on a boundary, and the rest is held for the next shard.
 */
import { DEFAULT_MAX_FRAME } from '../protocol/framing.ts';
import { createFrameScanner, FrameLengthError } from './frame-scanner.ts';

export { FrameLengthError };

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
  const scanner = createFrameScanner(maxFrame, withHeader);
  let held: Uint8Array[] = [];
  let heldBytes = 0;

  return {
    get header() { return scanner.header; },
    get held() { return heldBytes; },
    push(chunk) {
      const boundary = scanner.scan(chunk);
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

function joinBytes(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0].slice();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
