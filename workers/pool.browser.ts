/**
 * The browser backend of {@link WorkerPool}: Web Workers running `pool.browser-worker.ts` (column decoding and
 * meshing bundled in), driven over comlink.
 * Each task goes to the worker with the fewest tasks in flight. SharedArrayBuffers in tasks are shared (the page
 * must be cross-origin isolated for SABs to exist at all); other buffers are copied unless listed in `transfer`.
 */
import * as Comlink from 'comlink';
import type { PoolHost } from './pool.browser-host.ts';
import type { JobRef, WorkerPool } from './pool.ts';

/** A worker or anything else comlink can talk to (a MessagePort in tests). */
export type PoolEndpoint = Comlink.Endpoint & {
  /** Stops the worker (Worker.terminate); absent for ports. */
  terminate?(): void;
  /** Closes the port (MessagePort.close); absent for workers. */
  close?(): void;
};

/** Options of {@link createBrowserPool}. */
export interface BrowserPoolOptions {
  /** Workers, 1..64 (default: `navigator.hardwareConcurrency`, at most 8). */
  threads?: number;
  /** Starts one worker (default: {@link createHostWorker}). */
  createWorker?: () => PoolEndpoint;
}

/**
 * Starts a module worker running the engine's pool worker (`pool.browser-worker`). Written as
 * `new Worker(new URL('./file', import.meta.url), { type: 'module' })`, the form bundlers recognise (Vite, webpack 5):
 * they bundle the worker file with its imports and rewrite the URL, in the engine's sources and in the built package
 * alike, where the file is `pool.browser-worker.js` (scripts/package-check.ts checks Vite's build of an installed package).
 */
export function createHostWorker(): PoolEndpoint {
  return new Worker(new URL('./pool.browser-worker.ts', import.meta.url), { type: 'module', name: 'stratum-pool' });
}

/** Creates a comlink-backed pool; its workers start now and stay up until {@link WorkerPool.destroy}. */
export function createBrowserPool(options: BrowserPoolOptions = {}): WorkerPool {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
  const threads = options.threads ?? Math.min(8, cores);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new RangeError(`threads must be an integer in 1..64, got ${threads}`);
  }
  const create = options.createWorker ?? createHostWorker;
  const workers = Array.from({ length: threads }, () => {
    const endpoint = create();
    return { endpoint, remote: Comlink.wrap<PoolHost>(endpoint), inFlight: 0 };
  });
  let destroyed = false;
  const pending = new Set<(err: Error) => void>();
  return {
    threads,
    async run<T, R>(job: JobRef, task: T, transfer?: Transferable[]): Promise<R> {
      if (destroyed) throw new Error('pool destroyed');
      let w = workers[0];
      for (const c of workers) if (c.inFlight < w.inFlight) w = c;
      w.inFlight++;
      let reject!: (err: Error) => void;
      const stopped = new Promise<never>((_, r) => (reject = r));
      pending.add(reject);
      try {
        const sent = transfer?.length ? Comlink.transfer(task, transfer) : task;
        return (await Promise.race([w.remote.run(job.module, job.name, sent), stopped])) as R;
      } finally {
        w.inFlight--;
        pending.delete(reject);
      }
    },
    async destroy() {
      destroyed = true;
      for (const reject of pending) reject(new Error('pool destroyed'));
      for (const w of workers) {
        w.remote[Comlink.releaseProxy]();
        w.endpoint.terminate?.();
        w.endpoint.close?.();
      }
    },
  };
}
