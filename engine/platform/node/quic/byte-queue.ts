/**
 * Bytes received on a stream and not yet parsed: chunks are appended as they arrive and consumed from the front once
 * a whole unit (a frame, a capsule, a stream header) is there. Parsers look at {@link ByteQueue.view}, a contiguous
 * copy made only when more than one chunk is pending.
 */

/** A FIFO of bytes. Plain data; use the functions below. */
export interface ByteQueue {
  /** Pending chunks, oldest first; the first starts at `offset`. */
  chunks: Uint8Array[];
  /** Bytes of `chunks[0]` already consumed. */
  offset: number;
  /** Unconsumed bytes in total. */
  length: number;
}

/** An empty queue. */
export function createByteQueue(): ByteQueue {
  return { chunks: [], offset: 0, length: 0 };
}

/** Appends `bytes` (kept by reference: the caller must not reuse them). */
export function pushBytes(q: ByteQueue, bytes: Uint8Array): void {
  if (bytes.length === 0) return;
  q.chunks.push(bytes);
  q.length += bytes.length;
}

/** All unconsumed bytes as one array (merging the chunks if needed). */
export function viewBytes(q: ByteQueue): Uint8Array {
  if (q.chunks.length === 0) return new Uint8Array(0);
  if (q.chunks.length > 1) {
    const merged = new Uint8Array(q.length);
    let pos = 0;
    merged.set(q.chunks[0].subarray(q.offset), 0);
    pos = q.chunks[0].length - q.offset;
    for (let i = 1; i < q.chunks.length; i++) {
      merged.set(q.chunks[i], pos);
      pos += q.chunks[i].length;
    }
    q.chunks = [merged];
    q.offset = 0;
  }
  return q.chunks[0].subarray(q.offset);
}

/** Drops the first `n` bytes (n <= length). */
export function consumeBytes(q: ByteQueue, n: number): void {
  if (n > q.length) throw new RangeError(`consume ${n} of ${q.length} bytes`);
  q.length -= n;
  while (n > 0) {
    const head = q.chunks[0];
    const left = head.length - q.offset;
    if (n < left) {
      q.offset += n;
      return;
    }
    n -= left;
    q.chunks.shift();
    q.offset = 0;
  }
  if (q.length === 0) {
    q.chunks.length = 0;
    q.offset = 0;
  }
}
