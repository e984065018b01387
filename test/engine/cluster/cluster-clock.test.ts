/**
 * The cluster clock on a real nats-server: every shard that joins reads the same tick epoch (the first one's, a whole
 * second), and every process start takes its own block of network ids, so ids stay cluster-wide even for a shard
 * restarted after a crash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NET_ID_BLOCKS, NET_ID_BLOCK, joinClusterClock } from '../../../engine/cluster/cluster-clock.ts';
import { startNats, type NatsHandle } from '../../../engine/cluster/nats-server.ts';
import { skipNats } from '../../support/nats.ts';

describe.skipIf(skipNats('cluster clock test'))('joinClusterClock', () => {
  let nats: NatsHandle;
  beforeAll(async () => { nats = await startNats({ env: { PATH: process.env.PATH } }); });
  afterAll(async () => { await nats?.stop(); });

  it('gives every joiner the first epoch and its own id block, also when they join at once', async () => {
    const ncs = await Promise.all([0, 1, 2, 3].map(() => nats.connect()));
    try {
      const wall = 1_700_000_000_123;
      const clocks = await Promise.all(ncs.map((nc, i) => joinClusterClock(nc, () => wall + i * 5000)));
      const epochs = new Set(clocks.map((c) => c.tickEpochMs));
      expect(epochs.size).toBe(1);
      const [epoch] = epochs;
      expect(epoch % 1000).toBe(0);
      expect(epoch).toBeGreaterThanOrEqual(wall);
      const bases = clocks.map((c) => c.netIdBase).sort((a, b) => a - b);
      expect(bases).toEqual([1, 1 + NET_ID_BLOCK, 1 + 2 * NET_ID_BLOCK, 1 + 3 * NET_ID_BLOCK]);
      // A later start (a restarted shard) keeps the epoch and takes the next block.
      const again = await joinClusterClock(ncs[0]);
      expect(again).toEqual({ tickEpochMs: epoch, netIdBase: 1 + 4 * NET_ID_BLOCK });
      expect(MAX_NET_ID_BLOCKS * NET_ID_BLOCK).toBeLessThanOrEqual(2 ** 30);
    } finally {
      await Promise.all(ncs.map((nc) => nc.close()));
    }
  });
});
