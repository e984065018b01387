/**
 * The page's pool worker: a {@link PoolHost} over comlink whose jobs are bundled in (looked up by export name, so
 * the bundler sees every job module statically; a job's module URL names a source file that a built page lacks).
 * Mesh results transfer their one arena buffer back instead of copying it.
 */
import * as Comlink from 'comlink';
import { meshResultTransferables, type MeshTask } from '../../workers/mesh.common.ts';
import { meshSections } from '../../workers/mesh.worker.ts';
import type { PoolHost } from '../../workers/pool.browser-host.ts';

/** Jobs this worker runs, by export name; each returns its result wrapped for transfer. */
const JOBS: Record<string, (task: unknown) => unknown> = {
  meshSections(task) {
    const result = meshSections(task as MeshTask);
    return Comlink.transfer(result, meshResultTransferables(result));
  },
};

const host: PoolHost = {
  async run(_module, name, task) {
    const job = JOBS[name];
    if (!job) throw new TypeError(`pool worker: no job named ${name}`);
    return job(task);
  },
};

Comlink.expose(host);
