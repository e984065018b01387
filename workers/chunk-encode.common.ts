/**
 * The chunk-encode job's contract: a worker encodes columns with the chunk codec, reading their sections straight
 * from the SectionStore's SharedArrayBuffer slabs (no voxel data goes through postMessage), and returns the bytes.
 * Reads: the slabs, at the given section ids. Writes: nothing shared.
 */
import type { CodecProfile } from '../engine/codec/chunk-codec.ts';
import type { SectionStoreHandles } from '../engine/voxel/section-store.ts';
import type { JobRef } from './pool.ts';

/** One task: a batch of columns. */
export interface ChunkEncodeTask {
  /** The owner's section slabs (shared memory). */
  handles: SectionStoreHandles;
  /** Per column, its section ids bottom first ({@link NO_SECTION} for all air), 1..64 each. */
  columns: Int32Array[];
  /** zstd level, 1..22. */
  level: number;
}

/** What a task returns. */
export interface ChunkEncodeResult {
  /** Encoded columns, in task order. */
  encoded: Uint8Array[];
  /** Time per stage spent on this batch. */
  profile: CodecProfile;
}

/** The job: `encodeColumns` in `chunk-encode.worker.ts`. */
export const CHUNK_ENCODE_JOB: JobRef = {
  module: new URL('./chunk-encode.worker.ts', import.meta.url).href,
  name: 'encodeColumns',
};
