import { describe, expect, it } from 'vitest';
import { Channel } from '../../../engine/net/channels.ts';
import { MsgType, type ChunkData } from '../../../engine/protocol/messages.ts';
import { chunkFromKey } from '../../../engine/voxel/voxel-world.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { ENCODE_WAIT_TICKS, MAX_WAITING_RESYNCS, RESYNC_BURST, RESYNCS_PER_SECOND } from '../../../engine/server/replicator.ts';
import { createNodePool } from '../../../workers/pool.node.ts';
import { createStepper } from '../../support/stepper.ts';

describe('replicator: resync requests', () => {
  it(`re-sends a column asked for again, whole; a burst of ${RESYNC_BURST}, then ${RESYNCS_PER_SECOND} per second; repeats of a request cost nothing`, async () => {
    const st = await createStepper();
    const raw = st.rawClient('raw');
    st.step(60);
    const columns = () => raw.received.filter((m): m is ChunkData => m.type === MsgType.ChunkData);
    const first = columns().length;
    expect(first).toBe(25);
    const keys = [...st.server.world.voxels.columns.keys()];
    // The same column asked for 50 times in a row: one re-send.
    for (let i = 0; i < 50; i++) raw.send(Channel.Control, { type: MsgType.ChunkResync, cx: 0, cz: 0 });
    st.step(5);
    expect(columns().length - first).toBe(1);
    expect(columns().at(-1)).toMatchObject({ cx: 0, cz: 0 });
    // Every column at once, well beyond the budget left (7): those wait and go out as the budget refills.
    st.step(20 * 10); // a full bucket again
    const before = columns().length;
    for (const key of keys) { const [cx, cz] = chunkFromKey(key); raw.send(Channel.Control, { type: MsgType.ChunkResync, cx, cz }); }
    st.step(5);
    expect(columns().length - before).toBe(RESYNC_BURST);
    st.step(20 * 2);
    expect(columns().length - before).toBe(RESYNC_BURST + 2 * RESYNCS_PER_SECOND);
    st.step(20 * 10);
    expect(columns().length - before).toBe(keys.length);
    const p = [...st.server.players.values()][0];
    expect(p.metrics.resyncs).toBe(1 + keys.length);
    expect(raw.state).toBe('active');
  });

  it('a column the client does not hold is not sent', async () => {
    const st = await createStepper();
    const raw = st.rawClient('raw');
    st.step(60);
    const n = raw.received.length;
    raw.send(Channel.Control, { type: MsgType.ChunkResync, cx: 40, cz: -40 });
    st.step(10);
    expect(raw.received.slice(n).filter((m) => m.type === MsgType.ChunkData)).toEqual([]);
    expect(raw.state).toBe('active');
  });

  it(`a client asking for more than ${MAX_WAITING_RESYNCS} columns beyond the budget is closed`, async () => {
    const st = await createStepper({ worldRadius: 5, viewDistance: 5 });
    const raw = st.rawClient('raw');
    st.step(100);
    const held = raw.received.filter((m): m is ChunkData => m.type === MsgType.ChunkData);
    expect(held.length).toBe(121);
    for (const c of held) raw.send(Channel.Control, { type: MsgType.ChunkResync, cx: c.cx, cz: c.cz });
    st.step(5);
    expect(raw.state).toBe('disconnected');
    expect(st.serverLog.some((l) => l.includes('closed: local: resync flood'))).toBe(true);
  });

  it('a column edited every tick still goes out whole (encoded on the main thread when the pool never keeps up)', async () => {
    const pool = createNodePool({ threads: 1 });
    try {
      const st = await createStepper({ pool });
      const raw = st.rawClient('raw');
      const run = async (ticks: number, each?: (i: number) => void) => {
        for (let i = 0; i < ticks; i++) { each?.(i); st.step(1); await new Promise((r) => setTimeout(r, 5)); }
      };
      await run(60);
      const count = () => raw.received.filter((m) => m.type === MsgType.ChunkData && m.cx === 0 && m.cz === 0).length;
      expect(count()).toBe(1);
      raw.send(Channel.Control, { type: MsgType.ChunkResync, cx: 0, cz: 0 });
      // Every tick the column changes, so a pool encoding is stale by the time the column could go out.
      await run(3 * ENCODE_WAIT_TICKS, (i) => st.server.editBlock(3, 7, 3, i % 2 ? Block.Air : Block.Planks));
      expect(count()).toBe(2);
    } finally {
      await pool.destroy();
    }
  });
});
