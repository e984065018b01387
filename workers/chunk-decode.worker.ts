/**
 * Body of the chunk-decode job (see `chunk-decode.common.ts`). Runs in a browser worker under the comlink pool, and
 * in Node for tests: it uses only fzstd and xxhash-wasm. A bad column rejects with a ChunkDecodeError.
 */
import { decodeColumn } from '../engine/codec/chunk-codec.ts';
import { loadHasher } from '../engine/hash.ts';
import { browserZstd } from '../engine/platform/browser/zstd.ts';
import type { ChunkDecodeResult, ChunkDecodeTask } from './chunk-decode.common.ts';

/** The job entry point. */
export async function decodeChunk(task: ChunkDecodeTask): Promise<ChunkDecodeResult> {
  const hasher = await loadHasher();
  return decodeColumn(task.bytes, { zstd: browserZstd, hasher }, { maxSections: task.maxSections });
}
