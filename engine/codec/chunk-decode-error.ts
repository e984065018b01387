/**
 * The one error type of the chunk codecs: every malformed, truncated or hostile input to a decoder ends in a
 * {@link ChunkDecodeError}, never in a RangeError from a typed array or an unbounded allocation.
 */

/** Decoding chunk bytes failed; the message says which check failed. */
export class ChunkDecodeError extends Error {
  override name = 'ChunkDecodeError';
}
