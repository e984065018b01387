/**
 * The browser pool's worker (what {@link createBrowserPool} starts by default): a {@link PoolHost} over comlink whose
 * jobs are bundled in, looked up by export name, so that a bundler (Vite, esbuild, webpack) sees every job module
 * statically; a job's module URL names a file that a bundled page lacks. Runs column decoding, column light and
 * section meshing; mesh results carry the name of the global scope they ran in and transfer their one arena buffer
 * back.
 */
import * as Comlink from 'comlink';
import { decodeChunk } from './chunk-decode.worker.ts';
import type { ChunkDecodeTask } from './chunk-decode.common.ts';
import { lightResultTransferables, type LightTask } from './light.common.ts';
import { lightColumns } from './light.worker.ts';
import { meshResultTransferables, type MeshResult, type MeshTask } from './mesh.common.ts';
import { meshSections } from './mesh.worker.ts';
import type { PoolHost } from './pool.browser-host.ts';

/** Jobs this worker runs, by export name; each returns its result wrapped for transfer. */
const JOBS: Record<string, (task: unknown) => Promise<unknown> | unknown> = {
  async decodeChunk(task) {
    // Column decoding off the page's thread; the voxel arrays move back to the page without a copy.
    const column = await decodeChunk(task as ChunkDecodeTask);
    return Comlink.transfer(column, [column.voxels.buffer as ArrayBuffer, column.uniform.buffer as ArrayBuffer]);
  },
  lightColumns(task) {
    // Light for whole columns, read in place from the shared slabs; the light comes back in transferred buffers.
    const result = lightColumns(task as LightTask);
    return Comlink.transfer(result, lightResultTransferables(result));
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

/** The jobs of this worker, by export name. */
export const BROWSER_WORKER_JOBS: readonly string[] = Object.keys(JOBS);

const host: PoolHost = {
  async run(_module, name, task) {
    const job = JOBS[name];
    if (!job) throw new TypeError(`pool worker: no job named ${name}`);
    return job(task);
  },
};

// Inside a dedicated worker, serve the pool; imported anywhere else (tests, types), do nothing.
declare const WorkerGlobalScope: unknown;
if (typeof WorkerGlobalScope !== 'undefined' && typeof self !== 'undefined' && self instanceof (WorkerGlobalScope as typeof Object)) {
  Comlink.expose(host);
}
