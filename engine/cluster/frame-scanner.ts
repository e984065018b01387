/**
 * Follows one direction of a framed stream (the header byte, then `[u32 big-endian length][body]` frames, as in
 * engine/protocol/framing.ts) without keeping its bytes: where each chunk's last frame boundary is, and whether the
 * stream is at a boundary now. It reads only the header byte and the length prefixes, so a chunk costs its frame
 * count, not its size. The frame cutter builds on it; the gateway uses it alone on what shards write, to know
 * whether a lost shard left a stream between frames.
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

/** The position of one stream direction in its framing; see {@link createFrameScanner}. */
export interface FrameScanner {
  /**
   * Walks the next chunk; returns the offset in it just past the last boundary it reached (the header byte counts as
   * complete), or -1 when it reached none. Throws {@link FrameLengthError} for a declared length of 0 or over the
   * limit (the scanner is then unusable).
   */
  scan(chunk: Uint8Array): number;
  /** The stream's header byte, once seen. */
  readonly header: number | undefined;
  /** True when everything scanned so far ends on a boundary (also before the first byte). */
  readonly atBoundary: boolean;
}

/**
 * Creates a {@link FrameScanner} that refuses frames whose declared body length exceeds `maxFrame`. With
 * `withHeader` false the stream has no header byte (the answering side of a bidi stream): frames from the start.
 */
export function createFrameScanner(maxFrame = DEFAULT_MAX_FRAME, withHeader = true): FrameScanner {
  let header: number | undefined;
  let headerDone = !withHeader;
  const len = new Uint8Array(FRAME_HEADER_BYTES);
  let lenHave = 0;
  let need = 0; // body bytes still missing in the frame in progress (its length prefix complete)

  return {
    get header() { return header; },
    get atBoundary() { return headerDone && lenHave === 0; },
    scan(chunk) {
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
    },
  };
}

function lengthOf(prefix: Uint8Array, maxFrame: number): number {
  const n = new DataView(prefix.buffer, prefix.byteOffset, FRAME_HEADER_BYTES).getUint32(0);
  if (n === 0 || n > maxFrame) throw new FrameLengthError(`frame length ${n} is not in 1..${maxFrame}`);
  return n;
}
