/**
 * The worker-pool contract shared by both backends (piscina on Node, comlink in the browser). A job is named by
 * its worker module and an exported function; tasks carry SharedArrayBuffer handles, never copies of voxel or
 * component data.
 */

/** Names one job: the worker module (URL string, as from `new URL('./x.worker.ts', import.meta.url).href`) and export. */
export interface JobRef {
  /** URL of the `*.worker.ts` module. */
  module: string;
  /** Name of the exported function to run. */
  name: string;
}

/** A pool of worker threads. */
export interface WorkerPool {
  /** Worker threads in the pool. */
  readonly threads: number;
  /** Runs `job` with `task` on some worker; resolves with its result. */
  run<T, R>(job: JobRef, task: T, transfer?: Transferable[]): Promise<R>;
  /** Stops every worker; pending tasks reject. */
  destroy(): Promise<void>;
}
