/**
 * Chunk streaming over the stepper: nearest columns first, unloads beyond the view distance, single-block edits as
 * small section updates, a warm cache after a reconnect, and the per-client bandwidth budget.
 */
import { describe, expect, it } from 'vitest';
import { BlockActionKind, Button, type PlayerInput } from '../engine/input.ts';
import { chunkOf } from '../engine/replication/interest.ts';
import { Block } from '../engine/voxel/blocks.ts';
import { getBlock, sortedColumnKeys, chunkFromKey } from '../engine/voxel/voxel-world.ts';
import type { GameClient } from '../engine/client/game-client.ts';
import { createStepper } from './support/stepper.ts';
import { createNodePool } from '../workers/pool.node.ts';
import { columnChecksum } from '../engine/codec/chunk-codec.ts';
import { sectionViews } from '../engine/voxel/section-store.ts';

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });
const loads = (events: Array<[string, unknown]>) => events.filter(([n]) => n === 'ChunkLoaded').map(([, p]) => p as { cx: number; cz: number });

describe('chunk streaming', () => {
  it('sends the nearest columns first and compresses them well', async () => {
    const st = await createStepper({ terrain: { kind: 'noise', seed: 5 }, worldRadius: 4, viewDistance: 3, columnSections: 8 });
    const a = st.addClient(idle);
    st.step(40);
    const order = loads(a.events);
    expect(order.length).toBe(49); // 7 x 7 columns in view of the origin
    const d2 = order.map(({ cx, cz }) => cx * cx + cz * cz);
    for (let i = 1; i < d2.length; i++) expect(d2[i], `column ${i}`).toBeGreaterThanOrEqual(d2[i - 1]);
    const p = [...st.server.players.values()][0];
    const ratio = 1 - p.metrics.bytes.chunk / p.metrics.chunkRawBytes;
    console.log(`chunk compression on generated terrain: ${(ratio * 100).toFixed(2)}% (${p.metrics.bytes.chunk} bytes on the wire for ${p.metrics.chunkRawBytes} raw)`);
    expect(ratio).toBeGreaterThan(0.8);
  });

  it('encodes columns in the server\'s worker pool and decodes them in the client\'s, without either tick waiting', async () => {
    const pool = createNodePool({ threads: 2 });
    try {
      const st = await createStepper({ terrain: { kind: 'noise', seed: 5 }, worldRadius: 3, viewDistance: 3, columnSections: 8, pool });
      const a = st.addClient(idle, undefined, 1, pool); // the client decodes in a pool too
      // Pool results arrive between ticks (real threads, real time): step and give them time.
      for (let i = 0; i < 100 && loads(a.events).length < 49; i++) { st.step(1); await new Promise((r) => setTimeout(r, 10)); }
      expect(loads(a.events)).toHaveLength(49);
      const hasher = st.codec.hasher;
      const cols = (w: typeof a.client.world.voxels, key: number) => sectionViews(w.store, w.columns.get(key)!.sections);
      for (const key of a.client.world.voxels.columns.keys()) {
        expect(columnChecksum(cols(a.client.world.voxels, key), hasher)).toBe(columnChecksum(cols(st.server.world.voxels, key), hasher));
      }
    } finally {
      await pool.destroy();
    }
  });

  it('unloads columns beyond the view distance as the player walks, and loads the new ones', async () => {
    const st = await createStepper({ worldRadius: 6, viewDistance: 2 });
    const a = st.addClient(() => ({ buttons: Button.Forward | Button.Sprint, yaw: 768, pitch: 0 })); // towards +x
    st.step(20 * 12);
    const c = a.client;
    const x = c.world.ecs.stores.Transform.x[c.localEid];
    expect(x).toBeGreaterThan(40);
    const pcx = chunkOf(x);
    const held = sortedColumnKeys(c.world.voxels).map(chunkFromKey);
    expect(held.length).toBeGreaterThan(0);
    for (const [cx, cz] of held) expect(Math.max(Math.abs(cx - pcx), Math.abs(cz))).toBeLessThanOrEqual(2);
    expect(a.events.some(([n]) => n === 'ChunkUnloaded')).toBe(true);
    expect(held.some(([cx]) => cx === pcx + 2)).toBe(true);
  });

  it('a single-block edit reaches another client as a section update under 32 bytes on the wire', async () => {
    const st = await createStepper();
    let sent = false;
    const builder = (c: GameClient): Omit<PlayerInput, 'tick'> => {
      const b = c.predictor?.body;
      if (!b || sent || c.tick < 40) return idle();
      sent = true;
      return { ...idle(), block: { kind: BlockActionKind.Place, x: Math.floor(b.x) + 2, y: 6, z: Math.floor(b.z), face: 3 } };
    };
    st.addClient(builder);
    const b = st.addClient(idle);
    st.step(80);
    const viewer = [...st.server.players.values()].find((p) => p.session.name === 'p2')!;
    expect(viewer.metrics.bytes.diff).toBeGreaterThan(0);
    expect(viewer.metrics.bytes.diff).toBeLessThan(32);
    console.log(`single-block section update: ${viewer.metrics.bytes.diff} bytes on the wire (frame included)`);
    const changed = b.events.filter(([n]) => n === 'BlockChanged').map(([, p]) => p as { x: number; y: number; z: number; block: number });
    expect(changed).toHaveLength(1);
    expect(getBlock(b.client.world.voxels, changed[0].x, changed[0].y, changed[0].z)).toBe(Block.Planks);
  });

  it('a reconnecting client with a warm cache gets no column data for unchanged columns', async () => {
    const st = await createStepper({ worldRadius: 2, viewDistance: 2 });
    const a = st.addClient(idle);
    st.step(40);
    expect(loads(a.events)).toHaveLength(25);
    // Change one column while the client is away.
    const first = [...st.server.players.values()][0];
    first.session.close('test: drop the connection');
    st.step(2);
    st.server.editBlock(20, 10, 20, Block.Stone); // column (1, 1) changes while the client is away
    st.step(60);
    const second = [...st.server.players.values()][0];
    expect(second.session.id).not.toBe(first.session.id);
    expect(second.metrics.chunkCacheHits).toBe(24);
    expect(second.metrics.chunksSent).toBe(1); // only the changed column
    expect(second.chunks.size).toBe(25);
    expect(getBlock(a.client.world.voxels, 20, 10, 20)).toBe(Block.Stone);
  });

  it('with a tight budget (64 KB/s) and many columns pending, no 1-second window exceeds the budget plus one message', async () => {
    const BUDGET = 64_000;
    const st = await createStepper({ terrain: { kind: 'noise', seed: 9, treeChance: 0.05 }, worldRadius: 9, viewDistance: 9, columnSections: 16, budgetBytesPerSecond: BUDGET });
    const a = st.addClient(() => ({ buttons: Button.Forward, yaw: 300, pitch: 0 }), { latencyMs: 20 });
    const received: number[] = [];
    for (let t = 0; t < 20 * 12; t++) {
      st.step(1);
      received.push(a.client.net.connection?.stats.bytesIn ?? 0);
    }
    const p = [...st.server.players.values()][0];
    let peak = 0;
    for (let t = 20; t < received.length; t++) peak = Math.max(peak, received[t] - received[t - 20]);
    const largest = p.metrics.largestMessage;
    console.log(`budget 64 KB/s: peak 1-second window ${peak} bytes; ${p.metrics.chunksSent} columns sent, ${p.chunkQueue.length} still queued`);
    expect(p.metrics.chunksSent).toBeGreaterThan(20);
    expect(peak).toBeGreaterThan(BUDGET * 0.8); // the budget is really used
    expect(peak).toBeLessThanOrEqual(BUDGET + largest);
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThan(BUDGET / 4);
  });
});
