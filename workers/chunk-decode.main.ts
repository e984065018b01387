/** How the client's main thread schedules chunk decoding on its pool (see `chunk-decode.common.ts`). */
import { CHUNK_DECODE_JOB, type ChunkDecodeResult, type ChunkDecodeTask } from './chunk-decode.common.ts';
import type { WorkerPool } from './pool.ts';

/** Options of {@link decodeColumnInPool}. */
export interface PoolDecodeOptions {
  /** Refuse columns with more sections, 1..64 (default 64). */
  maxSections?: number;
  /** Hand `bytes` over to the worker instead of copying it (it is unusable afterwards). Default false. */
  transfer?: boolean;
}

/** Decodes one encoded column on the pool. Rejects with the worker's error on bad input. */
export function decodeColumnInPool(pool: WorkerPool, bytes: Uint8Array, options: PoolDecodeOptions = {}): Promise<ChunkDecodeResult> {
  const task: ChunkDecodeTask = { bytes, maxSections: options.maxSections };
  const transfer = options.transfer && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : undefined;
  return pool.run<ChunkDecodeTask, ChunkDecodeResult>(CHUNK_DECODE_JOB, task, transfer);
}
