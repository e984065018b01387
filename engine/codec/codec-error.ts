/** Malformed or truncated bytes in a non-chunk codec (entity deltas, entity updates). Chunk data has ChunkDecodeError. */
export class CodecError extends Error {
  override name = 'CodecError';
}
