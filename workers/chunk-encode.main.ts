/** How the owner thread schedules chunk encoding on a pool (see `chunk-encode.common.ts`). */
import { createCodecProfile, type CodecProfile } from '../engine/codec/chunk-codec.ts';
import { DEFAULT_ZSTD_LEVEL } from '../engine/codec/zstd.ts';
import type { SectionStore } from '../engine/voxel/section-store.ts';
import { CHUNK_ENCODE_JOB, type ChunkEncodeResult, type ChunkEncodeTask } from './chunk-encode.common.ts';
import type { WorkerPool } from './pool.ts';

/**
 * Columns per pool task by default. Each task costs the owner thread a message round trip; on this 2-core machine
 * (bench chunks, 1.18.2 corpus, 5 rounds) the pool ran 1.62x one thread with 8 columns per task, 1.67x with 16,
 * 1.75x with 32. 16 keeps a task near 4 ms, so a join's first columns do not wait long behind a big batch.
 */
export const DEFAULT_ENCODE_BATCH = 16;

/** Options of {@link encodeColumnsInPool}. */
export interface PoolEncodeOptions {
  /** zstd level, 1..22 (default {@link DEFAULT_ZSTD_LEVEL}). */
  level?: number;
  /** Columns per task, 1..1024 (default {@link DEFAULT_ENCODE_BATCH}): fewer messages against finer load balancing. */
  batch?: number;
  /** Accumulates the workers' stage times when given. */
  profile?: CodecProfile;
}

/**
 * Encodes columns (each its section ids in `store`, bottom first) on the pool; resolves to their bytes in the same
 * order. The sections must not change until the promise settles.
 */
export async function encodeColumnsInPool(
  pool: WorkerPool, store: SectionStore, columns: ReadonlyArray<Int32Array>, options: PoolEncodeOptions = {},
): Promise<Uint8Array[]> {
  const level = options.level ?? DEFAULT_ZSTD_LEVEL;
  const batch = options.batch ?? DEFAULT_ENCODE_BATCH;
  if (!Number.isInteger(batch) || batch < 1 || batch > 1024) throw new RangeError(`batch must be 1..1024, got ${batch}`);
  const tasks: Promise<ChunkEncodeResult>[] = [];
  for (let at = 0; at < columns.length; at += batch) {
    const task: ChunkEncodeTask = { handles: store.handles, columns: columns.slice(at, at + batch), level };
    tasks.push(pool.run<ChunkEncodeTask, ChunkEncodeResult>(CHUNK_ENCODE_JOB, task));
  }
  const results = await Promise.all(tasks);
  const profile = options.profile ?? createCodecProfile();
  for (const r of results) {
    profile.sections += r.profile.sections;
    profile.hash += r.profile.hash;
    profile.zstd += r.profile.zstd;
    profile.columns += r.profile.columns;
  }
  return results.flatMap((r) => r.encoded);
}
