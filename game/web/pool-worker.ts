/**
 * The page's pool worker: a {@link PoolHost} over comlink whose jobs are bundled in (looked up by export name, so
 * the bundler sees every job module statically; a job's module URL names a source file that a built page lacks).
 * Mesh results transfer their one arena buffer back instead of copying it.
 */
import * as Comlink from 'comlink';
import {
  meshResultTransferables, type MeshResult, type MeshTask, meshSections, type ChunkDecodeTask, decodeChunk,
  type PoolHost,
} from '../../engine/client-worker.ts';

/** Jobs this worker runs, by export name; each returns its result wrapped for transfer. */
const JOBS: Record<string, (task: unknown) => Promise<unknown> | unknown> = {
  async decodeChunk(task) {
    // Column decoding off the page's thread; the voxel arrays move back to the page without a copy.
    const column = await decodeChunk(task as ChunkDecodeTask);
    return Comlink.transfer(column, [column.voxels.buffer as ArrayBuffer, column.uniform.buffer as ArrayBuffer]);
  },
  meshSections(task) {
    const result: MeshResult & WorkerStamp = { ...meshSections(task as MeshTask), scope: globalScopeName() };
    return Comlink.transfer(result, meshResultTransferables(result));
  },
};

/** Added to results so that the page can check where the work ran. */
export interface WorkerStamp {
  /** Constructor name of the global scope the job ran in ("DedicatedWorkerGlobalScope" in a pool worker). */
  scope: string;
}

/** The constructor name of this thread's global scope. */
export function globalScopeName(): string {
  return (globalThis as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
}

const host: PoolHost = {
  async run(_module, name, task) {
    const job = JOBS[name];
    if (!job) throw new TypeError(`pool worker: no job named ${name}`);
    return job(task);
  },
};

Comlink.expose(host);
