/**
 * A shard started on a NATS that already holds a cluster's edits (a restarted cluster, NATS_URL): it loads every
 * region's edits, its own and the others', before it serves, and fences its own regions so that an old owner's late
 * append is refused.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openEditLog, StaleAppendError } from '../../engine/cluster/edit-log.ts';
import { startNats, type NatsHandle } from '../../engine/cluster/nats-server.ts';
import { createLogger } from '../../engine/platform/node/json-logger.ts';
import { getBlock } from '../../engine/voxel/voxel-world.ts';
import { Block } from '../../engine/voxel/blocks.ts';
import { startShard, type RunningShard } from '../../game/cluster/shard.ts';
import { SERVER_OPTIONS, type ServerConfig } from '../../game/server/config.ts';
import { parseOptions } from '../../game/options.ts';
import { until } from '../support/headless.ts';
import { skipNats } from '../support/nats.ts';

const stops: Array<() => Promise<void>> = [];
afterAll(async () => { for (const s of stops.reverse()) await s(); });

describe.skipIf(skipNats('cluster-shard.test.ts'))('a shard starting on kept edits', () => {
  it('has every region\'s stored edits in its world, and its fence refuses the old owner', async () => {
    const nats: NatsHandle = await startNats({ env: { PATH: process.env.PATH } });
    stops.push(() => nats.stop());
    const nc = await nats.connect();
    stops.push(() => nc.close());
    const log = await openEditLog(nc);
    // Edits a previous cluster stored: one in the shard's own region r0_0, one in r-1_0 (another shard's).
    const own = await log.appendEdits('r0_0', { tick: 5, edits: [{ x: 3, y: 7, z: 3, block: Block.Planks }] });
    await log.appendEdits('r-1_0', { tick: 6, edits: [{ x: -3, y: 7, z: 3, block: Block.Glass }] });
    expect(await log.snapshotRegion('r-1_0')).toBe(true); // the other region from a snapshot
    const config = { ...parseOptions(SERVER_OPTIONS, []).values, 'world-radius': 3, 'view-distance': 2, 'column-sections': 4, threads: 1, storage: 'none' } as ServerConfig;
    const logger = createLogger({ level: 'error', out: { write: () => true } as unknown as NodeJS.WritableStream });
    const shard: RunningShard = await startShard({ id: 's9', natsUrl: nats.url, regions: ['r0_0'], config, metricsPort: 0, logger });
    stops.push(() => shard.stop());
    // The edits apply at the start of the shard's first tick, which the cluster's tick epoch sets (up to a second away).
    await until(() => shard.server.counters.ticks > 0, 30_000, 'the shard\'s first tick');
    const world = shard.server.world.voxels;
    expect(getBlock(world, 3, 7, 3)).toBe(Block.Planks);
    expect(getBlock(world, -3, 7, 3)).toBe(Block.Glass);
    // The previous owner, appending as if nothing happened, is refused by the new owner's fence.
    await expect(log.appendEdits('r0_0', { tick: 9, edits: [{ x: 4, y: 7, z: 4, block: Block.Stone }] }, { expectLastSeq: own })).rejects.toBeInstanceOf(StaleAppendError);
  }, 60_000);
});
