/**
 * The Node backend of {@link WorkerPool}: one piscina pool whose tasks name their worker module, so every job
 * trio shares the same threads.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { JobRef, WorkerPool } from './pool.ts';

/** Options of {@link createNodePool}. */
export interface NodePoolOptions {
  /** Worker threads, 1..64 (default: available cores). */
  threads?: number;
}

/** Creates a piscina-backed pool. Threads start on demand and stay up while the pool lives. */
export function createNodePool(options: NodePoolOptions = {}): WorkerPool {
  const threads = options.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new RangeError(`threads must be an integer in 1..64, got ${threads}`);
  }
  const piscina = new Piscina({ minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  return {
    threads,
    run<T, R>(job: JobRef, task: T, transfer?: Transferable[]): Promise<R> {
      return piscina.run(task, { filename: job.module, name: job.name, transferList: transfer as never }) as Promise<R>;
    },
    destroy: () => piscina.destroy(),
  };
}
