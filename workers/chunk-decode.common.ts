/**
 * The chunk-decode job's contract: a browser worker decodes one encoded column (fzstd, full validation) and returns
 * its voxels, which the pool host transfers back (no copy). Reads: the bytes in the task. Writes: nothing shared.
 */
import type { DecodedColumn } from '../engine/codec/chunk-codec.ts';
import type { JobRef } from './pool.ts';

/** One task. */
export interface ChunkDecodeTask {
  /** An encoded column (`encodeColumn` output). */
  bytes: Uint8Array;
  /** Refuse columns with more sections, 1..64 (default 64). */
  maxSections?: number;
}

/** What a task returns: the decoded column (its `voxels` and `uniform` arrays are transferred). */
export type ChunkDecodeResult = DecodedColumn;

/** The job: `decodeChunk` in `chunk-decode.worker.ts`. */
export const CHUNK_DECODE_JOB: JobRef = {
  module: new URL('./chunk-decode.worker.ts', import.meta.url).href,
  name: 'decodeChunk',
};
