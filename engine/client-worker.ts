/**
 * The engine's public API for a browser pool worker: the job functions a page's worker bundles in.
 * Applications import the engine only through this file and its siblings (index, server, client, browser, worker,
 * web).
 *
 * @packageDocumentation
 */
export * from '../workers/chunk-decode.common.ts';
export * from '../workers/chunk-decode.worker.ts';
export * from '../workers/light.common.ts';
export * from '../workers/light.worker.ts';
export * from '../workers/mesh.common.ts';
export * from '../workers/mesh.worker.ts';
// Types only: that module serves a generic pool host as a side effect when loaded inside a worker.
export type { PoolHost } from '../workers/pool.browser-host.ts';
export { globalScopeName, BROWSER_WORKER_JOBS, type WorkerStamp } from '../workers/pool.browser-worker.ts';
