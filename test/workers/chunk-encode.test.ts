import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeColumn } from '../../engine/codec/chunk-codec.ts';
import { createSectionScratch } from '../../engine/codec/section-encoder.ts';
import { createSectionStore } from '../../engine/voxel/section-store.ts';
import { encodeStoredColumns } from '../../workers/chunk-encode.worker.ts';
import { encodeColumnsInPool } from '../../workers/chunk-encode.main.ts';
import { createNodePool } from '../../workers/pool.node.ts';
import type { WorkerPool } from '../../workers/pool.ts';
import { firstDifference, loadCodecDeps } from '../support/codec-deps.ts';
import { storeColumn } from '../support/store-columns.ts';
import { generateColumn } from '../support/synthetic-terrain.ts';

let pool: WorkerPool;
beforeAll(() => {
  pool = createNodePool({ threads: 2 });
});
afterAll(async () => {
  await pool.destroy();
});

describe('chunk-encode job', () => {
  it('encodes columns from the shared slabs on the piscina pool, identically to the main thread', async () => {
    const { node } = await loadCodecDeps();
    const store = createSectionStore();
    const columns = Array.from({ length: 21 }, (_, i) => generateColumn(7, i, -i, { sections: 1 + (i % 20) }));
    const ids = columns.map((c) => storeColumn(store, c));
    const encoded = await encodeColumnsInPool(pool, store, ids, { batch: 4, level: 3 });
    const local = encodeStoredColumns(store, { handles: store.handles, columns: ids, level: 3 }, node, createSectionScratch());
    expect(encoded.length).toBe(columns.length);
    encoded.forEach((bytes, i) => {
      expect(firstDifference(decodeColumn(bytes, node).voxels, columns[i])).toBe(-1);
      expect(Buffer.from(bytes).equals(Buffer.from(local.encoded[i]))).toBe(true);
    });
  });

  it('sees writes to the shared sections (reads the slabs, not a copy)', async () => {
    const { node } = await loadCodecDeps();
    const store = createSectionStore();
    const column = generateColumn(3, 0, 0, { sections: 4 });
    const ids = storeColumn(store, column);
    const first = await encodeColumnsInPool(pool, store, [ids]);
    store.voxels[0][5] = 4242; // section ids[0] is slot 0 of slab 0
    column[5] = 4242;
    const second = await encodeColumnsInPool(pool, store, [ids]);
    expect(ids[0]).toBe(0);
    expect(firstDifference(decodeColumn(second[0], node).voxels, column)).toBe(-1);
    expect(Buffer.from(first[0]).equals(Buffer.from(second[0]))).toBe(false);
  });
});
