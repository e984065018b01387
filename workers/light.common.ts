/**
 * Column light job, the contract. Reads: the owner's voxel slabs and light palette, in place (SharedArrayBuffers,
 * never copied). Writes: nothing shared; returns each column's light computed on its own (column-light.ts) in one
 * transferable buffer, which the owner stores into the sections' light and merges with the neighbours
 * (engine/light/world-light.ts applyColumnLight). Writing in place would race with a column unloaded (and its
 * sections reused) while the job runs; the copy back costs 4 KiB per section.
 */
import type { LightPaletteHandles } from '../engine/light/light-palette.ts';
import type { SectionStoreHandles } from '../engine/voxel/section-store.ts';
import type { JobRef } from './pool.ts';

/** One column to light. */
export interface LightColumnRequest {
  /** Chunk x. */
  cx: number;
  /** Chunk z. */
  cz: number;
  /** The owner's token for this job (a result whose token is no longer the column's is dropped). */
  token: number;
  /** Its section ids bottom first; -1 (NO_SECTION) for all air. */
  sections: number[];
}

/** A batch of columns for one worker. */
export interface LightTask {
  /** The owner's voxel slabs (shared, not copied). */
  handles: SectionStoreHandles;
  /** The owner's light palette (shared, not copied). */
  palette: LightPaletteHandles;
  /** Columns, all of the world's height. */
  columns: LightColumnRequest[];
}

/** What a worker sends back for a {@link LightTask}. */
export interface LightResult {
  /** The requests, in order (cx, cz, token). */
  columns: { cx: number; cz: number; token: number }[];
  /** Column i's light at `i * sections * 4096`: `sky << 4 | block` per voxel. */
  light: Uint8Array;
  /** Milliseconds the worker spent. */
  ms: number;
}

/** The job: `lightColumns` in light.worker.ts. */
export const LIGHT_JOB: JobRef = {
  module: new URL('./light.worker.ts', import.meta.url).href,
  name: 'lightColumns',
};

/** The buffer of a result that a backend may transfer instead of copying (the comlink host transfers it anyway). */
export function lightResultTransferables(result: LightResult): ArrayBuffer[] {
  return result.light.byteLength > 0 ? [result.light.buffer as ArrayBuffer] : [];
}
