/**
 * The worker side of the browser pool ({@link createBrowserPool}): each Web Worker runs this module, which exposes
 * a {@link PoolHost} over comlink. A task names its job module and export; the module is imported on first use.
 * Top-level typed arrays of a job's result (over ArrayBuffer, not SharedArrayBuffer) are transferred back, not
 * copied.
 */
import * as Comlink from 'comlink';

/** What a pool worker exposes. */
export interface PoolHost {
  /** Runs export `name` of job module `module` (a URL) with `task`. */
  run(module: string, name: string, task: unknown): Promise<unknown>;
}

/** The ArrayBuffers behind a result's top-level typed-array fields (or the result itself when it is one). */
export function transferablesOf(result: unknown): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const add = (v: unknown) => {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer && !out.includes(v.buffer)) out.push(v.buffer);
  };
  add(result);
  if (result && typeof result === 'object' && !ArrayBuffer.isView(result)) for (const v of Object.values(result)) add(v);
  return out;
}

/** Creates a host that imports job modules with `importer` (default: dynamic `import()`). */
export function createPoolHost(importer: (url: string) => Promise<Record<string, unknown>> = (url) => import(url)): PoolHost {
  const modules = new Map<string, Promise<Record<string, unknown>>>();
  return {
    async run(module, name, task) {
      let m = modules.get(module);
      if (!m) {
        m = importer(module);
        modules.set(module, m);
      }
      const fn = (await m)[name];
      if (typeof fn !== 'function') throw new TypeError(`job ${module}#${name} is not an exported function`);
      const result: unknown = await fn(task);
      return Comlink.transfer(result, transferablesOf(result));
    },
  };
}

// Inside a dedicated worker, serve the pool; imported anywhere else (tests, Node), do nothing.
declare const WorkerGlobalScope: unknown;
if (typeof WorkerGlobalScope !== 'undefined' && typeof self !== 'undefined' && self instanceof (WorkerGlobalScope as typeof Object)) {
  Comlink.expose(createPoolHost());
}
