/** The column light job: the pool lights columns exactly as this thread does, and drops results made stale. */
import { afterAll, describe, expect, it } from 'vitest';
import { lightHash, updateLight } from '../../engine/light/world-light.ts';
import { loadHasher } from '../../engine/hash.ts';
import { Block } from '../../engine/voxel/blocks.ts';
import { setBlock } from '../../engine/voxel/voxel-world.ts';
import { updateLightInPool } from '../../workers/light.main.ts';
import { LIGHT_JOB, lightResultTransferables, type LightResult, type LightTask } from '../../workers/light.common.ts';
import { createPoolHost } from '../../workers/pool.browser-host.ts';
import { enableLight, applyColumnLight } from '../../engine/light/world-light.ts';
import { chunkKey } from '../../engine/voxel/voxel-world.ts';
import { createNodePool } from '../../workers/pool.node.ts';
import { terrainWorld } from '../support/worlds.ts';
const NOISE = { kind: 'noise', seed: 3 } as const;

const pool = createNodePool({ threads: 2 });
afterAll(() => pool.destroy());

function decorated() {
  const w = terrainWorld(2, NOISE, 6);
  for (let i = 0; i < 40; i++) setBlock(w, (i * 7) % 80 - 32, 40 + (i % 5), (i * 13) % 80 - 32, i % 3 ? Block.Torch : Block.Stone);
  return w;
}

describe('light job', () => {
  it('lights in the pool exactly what updateLight lights on this thread', async () => {
    const hasher = await loadHasher();
    const a = decorated(), b = decorated();
    updateLight(a);
    const r = await updateLightInPool(pool, b);
    expect(r).toEqual({ edits: 0, columns: 25, dropped: 0 });
    expect(lightHash(hasher, b)).toBe(lightHash(hasher, a));
    setBlock(a, 3, 50, 3, Block.Torch);
    setBlock(b, 3, 50, 3, Block.Torch);
    expect((await updateLightInPool(pool, b)).edits).toBe(1);
    expect(lightHash(hasher, b)).toBe(lightHash(hasher, a));
  });

  it('runs through the browser pool host too (job looked up by module and name), its one buffer transferable', async () => {
    const hasher = await loadHasher();
    const a = decorated(), b = decorated();
    updateLight(a);
    const state = enableLight(b);
    const columns = [...b.columns.values()].map((c, i) => ({ cx: c.cx, cz: c.cz, token: i + 1, sections: Array.from(c.sections) }));
    const task: LightTask = { handles: b.store.handles, palette: state.palette.handles, columns };
    const result = await createPoolHost().run(LIGHT_JOB.module, LIGHT_JOB.name, task) as LightResult;
    expect(lightResultTransferables(result)).toEqual([result.light.buffer]);
    const per = b.columnSections * 4096;
    result.columns.forEach((c, i) => applyColumnLight(b, state, b.columns.get(chunkKey(c.cx, c.cz))!, result.light.subarray(i * per, (i + 1) * per)));
    expect(lightHash(hasher, b)).toBe(lightHash(hasher, a));
  });

  it('drops a column edited while the pool lit it, and lights it again next time', async () => {
    const hasher = await loadHasher();
    const a = decorated(), b = decorated();
    const pending = updateLightInPool(pool, b);
    setBlock(b, 5, 45, 5, Block.Torch); // column (0, 0) changes under the job
    setBlock(a, 5, 45, 5, Block.Torch);
    const first = await pending;
    expect(first.dropped).toBe(1);
    expect((await updateLightInPool(pool, b)).columns).toBe(1);
    updateLight(a);
    expect(lightHash(hasher, b)).toBe(lightHash(hasher, a));
  });
});
