import { describe, expect, it } from 'vitest';
import { columnChecksum } from '../../../engine/codec/chunk-codec.ts';
import { BlockActionKind, type PlayerInput } from '../../../engine/input.ts';
import { sectionViews } from '../../../engine/voxel/section-store.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { getBlock, setBlock, type VoxelWorld } from '../../../engine/voxel/voxel-world.ts';
import type { GameClient } from '../../../engine/client/game-client.ts';
import type { Hasher } from '../../../engine/hash.ts';
import { createNodePool } from '../../../workers/pool.node.ts';
import { createStepper } from '../../support/stepper.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });

/** Columns of `client` whose content differs from the server's. */
function columnsDiffering(client: VoxelWorld, server: VoxelWorld, hasher: Hasher): number[] {
  const sum = (w: VoxelWorld, key: number) => columnChecksum(sectionViews(w.store, w.columns.get(key)!.sections), hasher);
  return [...client.columns.keys()].filter((key) => !server.columns.has(key) || sum(client, key) !== sum(server, key));
}

describe('column resync', () => {
  it('a section update that does not match (a wrong block in the local copy) makes the client ask for the column again; it ends equal to the server, still connected', async () => {
    const st = await createStepper();
    const a = st.addClient(idle, { latencyMs: 50 });
    st.step(60);
    expect(a.client.world.voxels.columns.size).toBe(25);
    // A wrong block in A's copy of column (0, 0): air on the server.
    setBlock(a.client.world.voxels, 3, 9, 3, Block.Stone);
    // Any change of that section on the server now comes as an update A cannot apply.
    st.server.editBlock(5, 7, 5, Block.Planks);
    st.step(40);
    const resyncs = a.events.filter(([n]) => n === 'Resync').map(([, p]) => p as { cx: number; cz: number; reason: string });
    expect(resyncs).toEqual([{ cx: 0, cz: 0, reason: expect.stringContaining('checksum mismatch') }]);
    expect(a.logs.some((l) => l.startsWith('warn resync of column (0, 0)') && l.includes('checksum mismatch'))).toBe(true);
    expect(a.client.stats.resyncs).toBe(1);
    expect(getBlock(a.client.world.voxels, 3, 9, 3)).toBe(Block.Air);
    expect(getBlock(a.client.world.voxels, 5, 7, 5)).toBe(Block.Planks);
    expect(columnsDiffering(a.client.world.voxels, st.server.world.voxels, st.codec.hasher)).toEqual([]);
    expect(a.client.net.state).toBe('active');
    expect(a.events.filter(([n]) => n === 'Disconnected')).toEqual([]);
    expect([...st.server.players.values()][0].metrics.resyncs).toBe(1);
  });

  it('the same with columns encoded and decoded in worker pools (the production path)', async () => {
    const pool = createNodePool({ threads: 1 });
    try {
      const st = await createStepper({ pool });
      const a = st.addClient(idle, { latencyMs: 50 }, 1, pool);
      // Pool results arrive between ticks (real threads, real time): step and give them time.
      const run = async (ticks: number) => { for (let i = 0; i < ticks; i++) { st.step(1); await new Promise((r) => setTimeout(r, 5)); } };
      await run(60);
      expect(a.client.world.voxels.columns.size).toBe(25);
      setBlock(a.client.world.voxels, 3, 9, 3, Block.Stone);
      st.server.editBlock(5, 7, 5, Block.Planks);
      await run(60);
      expect(a.client.stats.resyncs).toBe(1);
      expect(getBlock(a.client.world.voxels, 3, 9, 3)).toBe(Block.Air);
      expect(columnsDiffering(a.client.world.voxels, st.server.world.voxels, st.codec.hasher)).toEqual([]);
      expect(a.client.net.state).toBe('active');
    } finally {
      await pool.destroy();
    }
  });

  it("the client's pending edits in the column stay consistent through the resync", async () => {
    const st = await createStepper();
    let placeAt = -1;
    let pendingAtResync = -1;
    const a = st.addClient((c: GameClient) => {
      if (placeAt < 0 || c.tick !== placeAt) return idle();
      // The moment A predicts its place, its copy goes wrong and the server changes the section.
      setBlock(c.world.voxels, 3, 9, 3, Block.Stone);
      st.server.editBlock(5, 7, 5, Block.Planks);
      return { ...idle(), block: { kind: BlockActionKind.Place, x: 2, y: 6, z: 2, face: 3 } };
    }, { latencyMs: 50 });
    a.client.bus.on('Resync', () => { pendingAtResync = a.client.pending.size; });
    st.step(60);
    placeAt = a.client.tick + 3;
    st.step(40);
    expect(a.client.stats.resyncs).toBe(1);
    expect(pendingAtResync).toBe(1); // the place was still waiting for its answer when the column was asked for
    expect(a.client.stats.confirmed).toBe(1);
    expect(a.client.pending.size).toBe(0);
    expect(getBlock(a.client.world.voxels, 2, 7, 2)).toBe(Block.Planks);
    expect(columnsDiffering(a.client.world.voxels, st.server.world.voxels, st.codec.hasher)).toEqual([]);
    expect(a.client.net.state).toBe('active');
  });

  it('a column that still cannot be applied after 3 resyncs closes the connection with the reason', async () => {
    const st = await createStepper();
    const a = st.addClient(idle, { latencyMs: 50 });
    let resyncsAtClose = -1;
    a.client.bus.on('Disconnected', () => { if (resyncsAtClose < 0) resyncsAtClose = a.client.stats.resyncs; });
    st.step(60);
    // Every update of section (0, 0, 0) fails: the local copy is made wrong again after each whole column.
    a.client.bus.on('ChunkLoaded', ({ cx, cz }) => { if (cx === 0 && cz === 0) setBlock(a.client.world.voxels, 3, 9, 3, Block.Stone); });
    setBlock(a.client.world.voxels, 3, 9, 3, Block.Stone);
    for (let i = 0; i < 8; i++) {
      st.server.editBlock(5, 7, 5, i % 2 ? Block.Air : Block.Planks);
      st.step(40);
    }
    expect(resyncsAtClose).toBe(3);
    expect(a.logs.some((l) => l.startsWith('error bad chunk data from the server: column (0, 0) still cannot be applied after 3 resyncs'))).toBe(true);
    expect(a.events.some(([n, p]) => n === 'Disconnected' && (p as { reason: string }).reason.startsWith('bad chunk data: column (0, 0)'))).toBe(true);
  });
});
