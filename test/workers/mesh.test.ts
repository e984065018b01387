import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { createMeshPalette } from '../../engine/mesh/mesh-palette.ts';
import type { SectionMesh } from '../../engine/mesh/section-mesh.ts';
import { Block } from '../../engine/voxel/blocks.ts';
import { getSectionFlags } from '../../engine/voxel/section-store.ts';
import { DIRTY_MESH } from '../../engine/voxel/section.ts';
import { chunkKey, removeColumn, setBlock, type VoxelWorld } from '../../engine/voxel/voxel-world.ts';
import { MESH_JOB, meshResultTransferables, type MeshedSection } from '../../workers/mesh.common.ts';
import { meshSections } from '../../workers/mesh.worker.ts';
import {
  markColumnNeighboursForMesh, meshDirtySections, meshDirtySectionsSync, meshRequestsInPool, meshSectionSync, takeDirtySections,
} from '../../workers/mesh.main.ts';
import { createNodePool } from '../../workers/pool.node.ts';
import type { WorkerPool } from '../../workers/pool.ts';
import { checkSectionMesh } from '../support/mesh-check.ts';
import { terrainWorld } from '../support/worlds.ts';

const w0Section = (w: VoxelWorld, cx: number, sy: number, cz: number): number => w.columns.get(chunkKey(cx, cz))!.sections[sy];
const noiseWorld = (): VoxelWorld => terrainWorld(1, { kind: 'noise', seed: 1 }, 8);

function bytesOf(m: SectionMesh): number[] {
  const views = [m.colors, m.positions, m.faces, m.ao, m.indices];
  return views.flatMap((v) => Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)));
}

function same(a: MeshedSection[], b: MeshedSection[]): void {
  expect(a.map((m) => [m.cx, m.sy, m.cz, m.mesh.quads])).toEqual(b.map((m) => [m.cx, m.sy, m.cz, m.mesh.quads]));
  for (let i = 0; i < a.length; i++) expect(bytesOf(a[i].mesh), `section ${i}`).toEqual(bytesOf(b[i].mesh));
}

describe('mesh job', () => {
  const pool = createNodePool({ threads: 2 });
  afterAll(() => pool.destroy());

  it('meshes in the pool exactly what it meshes synchronously, on worker threads', async () => {
    const a = noiseWorld(), b = noiseWorld();
    const palette = createMeshPalette(a.blocks);
    const viaPool = await meshDirtySections(pool, a, { palette, batchSize: 4 });
    const inline = meshDirtySectionsSync(b, { palette });
    expect(viaPool.length).toBeGreaterThan(9);
    expect(viaPool.reduce((n, m) => n + m.mesh.quads, 0)).toBeGreaterThan(1000);
    same(viaPool, inline);
    // Each mesh is right, not only the same both ways.
    for (const m of viaPool.filter((_, i) => i % 7 === 0)) expect(checkSectionMesh(a, palette, m.cx, m.sy, m.cz, m.mesh)).toEqual([]);

    // Proof of where the work ran: every batch reports a worker thread id, never this thread's.
    const c = noiseWorld();
    const results = await meshRequestsInPool(pool, c, takeDirtySections(c), { palette, batchSize: 2 });
    const threads = new Set(results.map((r) => r.threadId));
    expect(results.length).toBeGreaterThan(4);
    for (const t of threads) expect(t === threadId || t < 0, `thread ${t}`).toBe(false);
    expect(results.reduce((n, r) => n + r.profile.sections, 0)).toBe(viaPool.length);
    expect(viaPool.every((m) => m.section === w0Section(a, m.cx, m.sy, m.cz))).toBe(true);
    await expect(pool.run(MESH_JOB, { handles: a.store.handles, palette: palette.handles, sections: [{ cx: 0, sy: 0, cz: 0, section: 5, neighbours: [1, 2] }] }))
      .rejects.toThrow(/27 neighbour ids/);
    // A batch comes back as one buffer (the arena) that all its meshes view.
    for (const r of results) for (const m of r.meshes) expect(m.mesh.positions.buffer).toBe(r.arena.buffer);
  });

  it('sends only SAB handles and ids, and a result moves as one transferred buffer', () => {
    const w = noiseWorld();
    const palette = createMeshPalette(w.blocks);
    const requests = takeDirtySections(w);
    const task = { handles: w.store.handles, palette: palette.handles, sections: requests };
    expect(task.handles.slabs.every((b) => b instanceof SharedArrayBuffer) && task.palette.buffer instanceof SharedArrayBuffer).toBe(true);
    expect(JSON.stringify(requests).length).toBeLessThan(requests.length * 200); // numbers only, no voxel data
    const result = meshSections(task);
    const expected = result.meshes.map((m) => bytesOf(m.mesh));
    const moved = structuredClone(result, { transfer: meshResultTransferables(result) });
    expect(result.arena.byteLength).toBe(0); // detached: moved, not copied
    expect(moved.meshes.map((m) => bytesOf(m.mesh))).toEqual(expected);
    expect(moved.meshes.every((m) => m.mesh.indices.buffer === moved.arena.buffer)).toBe(true);
  });

  it('takes dirty sections in column key order then y, clears the flags, and remeshes only edits', async () => {
    const w = noiseWorld();
    const palette = createMeshPalette(w.blocks);
    const first = await meshDirtySections(pool, w, { palette });
    const order = first.map((m) => chunkKey(m.cx, m.cz) * 64 + m.sy);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    for (const col of w.columns.values()) for (const id of col.sections) if (id >= 0) expect(getSectionFlags(w.store, id) & DIRTY_MESH).toBe(0);
    expect(await meshDirtySections(pool, w, { palette })).toEqual([]);

    // An edit in the middle of a section dirties that section; one on a corner dirties its neighbours too.
    setBlock(w, 5, 40, 5, Block.Glass);
    const one = await meshDirtySections(pool, w, { palette });
    expect(one.map((m) => [m.cx, m.sy, m.cz])).toEqual([[0, 2, 0]]);
    expect(one[0].mesh.quads).toBeGreaterThan(0);
    expect(bytesOf(one[0].mesh)).toEqual(bytesOf(meshSectionSync(w, 0, 2, 0, { palette })));
    setBlock(w, 0, 48, 15, Block.Air);
    const corner = await meshDirtySections(pool, w, { palette });
    expect(corner.map((m) => `${m.cx},${m.sy},${m.cz}`)).toEqual(['-1,3,0', '0,2,0', '0,3,0', '0,3,1']);
  });

  it('remeshes the columns around one that was unloaded, so the wall it exposed is drawn', () => {
    const w = noiseWorld();
    const palette = createMeshPalette(w.blocks);
    meshDirtySectionsSync(w, { palette });
    const before = meshSectionSync(w, 0, 3, 0, { palette });
    removeColumn(w, 1, 0);
    expect(meshDirtySectionsSync(w, { palette })).toEqual([]);
    markColumnNeighboursForMesh(w, 1, 0);
    const again = meshDirtySectionsSync(w, { palette });
    expect(new Set(again.map((m) => `${m.cx},${m.cz}`))).toEqual(new Set(['0,-1', '0,0', '0,1', '1,-1', '1,1']));
    const after = again.find((m) => m.cx === 0 && m.cz === 0 && m.sy === 3)!.mesh;
    expect(after.quads).toBeGreaterThan(before.quads);
    expect(checkSectionMesh(w, palette, 0, 3, 0, after)).toEqual([]);
  });

  it('marks the sections dirty again when the pool fails', async () => {
    const w = noiseWorld();
    const failing: WorkerPool = { threads: 1, run: () => Promise.reject(new Error('worker died')), destroy: async () => {} };
    const count = takeDirtySections(noiseWorld()).length;
    await expect(meshDirtySections(failing, w)).rejects.toThrow('worker died');
    expect(takeDirtySections(w).length).toBe(count);
  });
});
