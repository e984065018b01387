import * as Comlink from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeColumn } from '../../engine/codec/chunk-codec.ts';
import { ChunkDecodeError } from '../../engine/codec/chunk-decode-error.ts';
import { decodeColumnInPool } from '../../workers/chunk-decode.main.ts';
import { decodeChunk } from '../../workers/chunk-decode.worker.ts';
import { createPoolHost, transferablesOf } from '../../workers/pool.browser-host.ts';
import { createBrowserPool } from '../../workers/pool.browser.ts';
import type { WorkerPool } from '../../workers/pool.ts';
import { firstDifference, loadCodecDeps } from '../support/codec-deps.ts';
import { columnSections, generateColumn } from '../support/synthetic-terrain.ts';

/** A comlink pool whose "workers" are pool hosts on MessageChannels in this thread: the whole comlink path, no Worker. */
function channelPool(threads: number): WorkerPool {
  return createBrowserPool({
    threads,
    createWorker: () => {
      const { port1, port2 } = new MessageChannel();
      Comlink.expose(createPoolHost(), port2 as unknown as Comlink.Endpoint);
      return port1 as unknown as Comlink.Endpoint & { close(): void };
    },
  });
}

let pool: WorkerPool | undefined;
afterEach(async () => {
  await pool?.destroy();
  pool = undefined;
});

describe('chunk-decode job', () => {
  it('decodes with fzstd in the plain worker body', async () => {
    const { node } = await loadCodecDeps();
    const column = generateColumn(11, 2, 2);
    const got = await decodeChunk({ bytes: encodeColumn(columnSections(column), node) });
    expect(firstDifference(got.voxels, column)).toBe(-1);
    await expect(decodeChunk({ bytes: new Uint8Array([1, 2, 3]) })).rejects.toBeInstanceOf(ChunkDecodeError);
    await expect(decodeChunk({ bytes: encodeColumn(columnSections(column), node), maxSections: 8 })).rejects.toThrow(/24 sections/);
  });

  it('runs through the comlink pool, transferring the voxels back, and rejects bad columns', async () => {
    const { node } = await loadCodecDeps();
    pool = channelPool(2);
    const columns = Array.from({ length: 6 }, (_, i) => generateColumn(5, i, 1, { sections: 16 }));
    const results = await Promise.all(columns.map((c) => decodeColumnInPool(pool!, encodeColumn(columnSections(c), node), { transfer: true })));
    results.forEach((r, i) => expect(firstDifference(r.voxels, columns[i])).toBe(-1));
    await expect(decodeColumnInPool(pool, new Uint8Array(40))).rejects.toThrow(/magic/);
  });

  it('transfers only the non-shared top-level buffers of a result', () => {
    const a = new Uint16Array(4), b = new Int32Array(2), shared = new Uint8Array(new SharedArrayBuffer(4));
    expect(transferablesOf({ a, b, shared, n: 1 })).toEqual([a.buffer, b.buffer]);
    expect(transferablesOf(a)).toEqual([a.buffer]);
    expect(transferablesOf(7)).toEqual([]);
  });
});
