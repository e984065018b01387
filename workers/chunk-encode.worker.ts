/** Body of the chunk-encode job (see `chunk-encode.common.ts`); runs in a piscina worker thread on the server. */
import { type ChunkCodecDeps, createCodecProfile, encodeColumn } from '../engine/codec/chunk-codec.ts';
import { createSectionScratch, type SectionScratch } from '../engine/codec/section-encoder.ts';
import { loadHasher } from '../engine/hash.ts';
import { nodeZstd } from '../engine/platform/node/zstd.ts';
import { attachSectionStore, type SectionStore, sectionViews } from '../engine/voxel/section-store.ts';
import type { ChunkEncodeResult, ChunkEncodeTask } from './chunk-encode.common.ts';

/** Encodes a batch of columns whose sections live in `store` (plain, synchronous; used by the job and by tests). */
export function encodeStoredColumns(store: SectionStore, task: ChunkEncodeTask, deps: ChunkCodecDeps, scratch: SectionScratch): ChunkEncodeResult {
  const profile = createCodecProfile();
  const encoded = task.columns.map((ids) => {
    const sections = sectionViews(store, ids);
    return encodeColumn(sections, deps, { level: task.level, scratch, profile });
  });
  return { encoded, profile };
}

// Per-thread encoder memory, reused across tasks (tasks on one thread never run concurrently).
let threadScratch: SectionScratch | undefined;

/** The job entry point. */
export async function encodeColumns(task: ChunkEncodeTask): Promise<ChunkEncodeResult> {
  const deps = { zstd: nodeZstd, hasher: await loadHasher() };
  threadScratch ??= createSectionScratch();
  return encodeStoredColumns(attachSectionStore(task.handles), task, deps, threadScratch);
}
