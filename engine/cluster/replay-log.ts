/**
 * What a gateway sent a shard on one client stream and the shard has not yet confirmed (its `got` messages): whole
 * frames, as the frame cutter passed them. When the session moves, the old shard says how many bytes it received; the
 * rest, from the last frame boundary at or before that count, is what the new shard must get. (A frame the old
 * shard received only part of never reached its game server, so it is sent again whole.)
 */

/** The unconfirmed part of one client stream on the current shard; offsets count from the link's first byte. */
export interface ReplayLog {
  /** Bytes sent on the current link. */
  readonly sent: number;
  /** Bytes the shard confirmed. */
  readonly confirmed: number;
  /** Bytes held: sent and not confirmed. */
  readonly unconfirmed: number;
  /** Records a chunk just sent: whole frames, led by the stream's header byte when `header`. */
  record(chunk: Uint8Array, header: boolean): void;
  /** The shard confirmed `bytes` more bytes; `confirmed + bytes` must not exceed `sent`. */
  confirm(bytes: number): void;
  /**
   * The chunks to send the next shard when the last one received `received` bytes (`confirmed..sent`): from the
   * frame boundary at or before it; a header byte is left out (the resuming open carries it). Empties the log for
   * the next link.
   */
  takeRest(received: number): Uint8Array[];
}

interface Chunk {
  at: number;
  bytes: Uint8Array;
  header: boolean;
}

/** Creates an empty {@link ReplayLog}. */
export function createReplayLog(): ReplayLog {
  let chunks: Chunk[] = [];
  let sent = 0;
  let confirmed = 0;

  return {
    get sent() { return sent; },
    get confirmed() { return confirmed; },
    get unconfirmed() { return sent - confirmed; },
    record(chunk, header) {
      chunks.push({ at: sent, bytes: chunk, header });
      sent += chunk.length;
    },
    confirm(bytes) {
      if (confirmed + bytes > sent) throw new RangeError(`confirmed ${confirmed + bytes} bytes of ${sent} sent`);
      confirmed += bytes;
      while (chunks.length > 0 && chunks[0].at + chunks[0].bytes.length <= confirmed) chunks.shift();
    },
    takeRest(received) {
      if (received < confirmed || received > sent) throw new RangeError(`received ${received} is not in ${confirmed}..${sent}`);
      const rest: Uint8Array[] = [];
      for (const c of chunks) {
        if (c.at + c.bytes.length <= received) continue;
        const from = rest.length === 0 ? boundaryBefore(c, received) : (c.header ? 1 : 0);
        if (from < c.bytes.length) rest.push(c.bytes.subarray(from));
      }
      chunks = [];
      sent = 0;
      confirmed = 0;
      return rest;
    },
  };
}

/** The offset in `c` of the last frame boundary at or before stream offset `received` (past a header byte). */
function boundaryBefore(c: Chunk, received: number): number {
  const view = new DataView(c.bytes.buffer, c.bytes.byteOffset, c.bytes.length);
  let pos = c.header ? 1 : 0;
  while (pos + 4 <= c.bytes.length) {
    const end = pos + 4 + view.getUint32(pos);
    if (c.at + end > received) break;
    pos = end;
  }
  return pos;
}
