/**
 * The region edit log on a real nats-server: acknowledged batches survive the writer's connection and come back in
 * order, per region; a snapshot plus the batches after it rebuilds what all the batches do; an append expecting an
 * old last sequence (a deposed shard) is refused, also right after a lease takeover.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { pack, unpack } from 'msgpackr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decodeEditSnapshot, encodeEditSnapshot, openEditLog, regionEdits, StaleAppendError, type BlockEdit, type EditBatch, type EditLog,
} from '../../../engine/cluster/edit-log.ts';
import { openLeases } from '../../../engine/cluster/leases.ts';
import { startNats, type NatsHandle } from '../../../engine/cluster/nats-server.ts';
import { skipNats } from '../../support/nats.ts';

/** Region r-1_2: blocks x in -256..-1, z in 512..767. */
const R = 'r-1_2';

/** Deterministic batches in region R. */
function batches(n: number, salt = 0): EditBatch[] {
  return Array.from({ length: n }, (_, i) => ({
    tick: 100 + i,
    edits: Array.from({ length: 1 + ((i + salt) % 4) }, (_, j): BlockEdit => ({
      x: -1 - ((i * 7 + j * 13 + salt) % 256), y: (i * 3 + j) % 256, z: 512 + ((i * 11 + j * 5) % 256), block: (i + j + salt) % 50,
    })),
  }));
}

/** The blocks a list of batches leaves, as "x,y,z" -> block (later edits win). */
function apply(state: Map<string, number>, list: readonly EditBatch[]): Map<string, number> {
  for (const b of list) for (const e of b.edits) state.set(`${e.x},${e.y},${e.z}`, e.block);
  return state;
}

describe.skipIf(skipNats('edit-log.test.ts'))('region edit log on nats-server', () => {
  let nats: NatsHandle;

  beforeEach(async () => {
    nats = await startNats({ env: { PATH: process.env.PATH } });
  });

  afterEach(async () => {
    await nats.stop();
  });

  async function openLog(): Promise<{ nc: NatsConnection; log: EditLog }> {
    const nc = await nats.connect();
    return { nc, log: await openEditLog(nc) };
  }

  it('acknowledged batches survive the connection and come back in order, each region its own', async () => {
    const { nc, log } = await openLog();
    const want = batches(60);
    const other = batches(5, 1).map((b) => ({ ...b, edits: b.edits.map((e) => ({ ...e, x: -e.x + 16 })) })); // r0_2
    let last = 0;
    const seqs: number[] = [];
    const t0 = performance.now();
    for (const [i, b] of want.entries()) {
      last = await log.appendEdits(R, b, { expectLastSeq: last });
      seqs.push(last);
      if (i % 12 === 0) await log.appendEdits('r0_2', other[i / 12]);
    }
    console.log(`${want.length} acknowledged appends in ${Math.round(performance.now() - t0)} ms`);
    expect(await log.lastSeq(R)).toBe(last);
    await nc.close();

    const { log: again } = await openLog();
    const loaded = await again.loadRegion(R);
    expect(loaded.snapshot).toBeUndefined();
    expect(loaded.lastSeq).toBe(last);
    expect(loaded.batches).toEqual(want.map((b, i) => ({ seq: seqs[i], ...b })));
    expect((await again.readRegion('r0_2')).map(({ tick, edits }) => ({ tick, edits }))).toEqual(other);
    expect(await again.readRegion(R, seqs[50])).toEqual(loaded.batches.slice(50));
    expect(await again.loadRegion('r9_9')).toEqual({ batches: [], lastSeq: 0 });
  });

  it('a snapshot plus the batches after it rebuilds the same blocks as every batch', async () => {
    const { log } = await openLog();
    const all = batches(30, 3);
    const seqs: number[] = [];
    for (const b of all.slice(0, 20)) seqs.push(await log.appendEdits(R, b));
    // The shard's own encoding of the region; here the block map after the first 20 batches.
    const upto = seqs[19];
    await log.saveSnapshot(R, pack([...apply(new Map(), all.slice(0, 20))]), upto);
    for (const b of all.slice(20)) seqs.push(await log.appendEdits(R, b));

    const loaded = await log.loadRegion(R);
    expect(loaded.snapshot?.uptoSeq).toBe(upto);
    expect(loaded.batches.map((b) => b.seq)).toEqual(seqs.slice(20));
    const rebuilt = apply(new Map(unpack(loaded.snapshot!.bytes) as [string, number][]), loaded.batches);
    expect([...rebuilt].sort()).toEqual([...apply(new Map(), all)].sort());
    expect(loaded.lastSeq).toBe(seqs[29]);

    // A newer snapshot replaces the old one; with nothing after it, loadRegion has no batches and the same lastSeq.
    await log.saveSnapshot(R, pack([...rebuilt]), seqs[29]);
    expect(await log.loadRegion(R)).toMatchObject({ snapshot: { uptoSeq: seqs[29] }, batches: [], lastSeq: seqs[29] });
  });

  it('snapshotRegion compacts the region to a snapshot when new batches came; regionEdits rebuilds the same blocks', async () => {
    const { log } = await openLog();
    const all = batches(30, 5);
    for (const b of all.slice(0, 20)) await log.appendEdits(R, b);
    expect(await log.snapshotRegion(R)).toBe(true);
    expect(await log.snapshotRegion(R)).toBe(false); // nothing new since
    for (const b of all.slice(20)) await log.appendEdits(R, b);
    const loaded = await log.loadRegion(R);
    expect(loaded.batches).toHaveLength(10);
    const snap = decodeEditSnapshot(loaded.snapshot!.bytes);
    const firstTwenty = apply(new Map(), all.slice(0, 20));
    expect(snap).toHaveLength(firstTwenty.size); // one row per position, its last block
    const rebuilt = new Map(regionEdits(loaded).map((e) => [`${e.x},${e.y},${e.z}`, e.block]));
    expect([...rebuilt].sort()).toEqual([...apply(new Map(), all)].sort());
    expect(() => decodeEditSnapshot(encodeEditSnapshot([]).subarray(0, 0))).toThrow();
    expect(() => decodeEditSnapshot(pack([[1, 2, 3]]))).toThrow('edit snapshot row 0 is not [x, y, z, block] integers');
  });

  it('refuses an append that expects an old last sequence, and an edit outside the region', async () => {
    const { log } = await openLog();
    const [b1, b2, b3] = batches(3);
    const s1 = await log.appendEdits(R, b1, { expectLastSeq: 0 });
    await expect(log.appendEdits(R, b2, { expectLastSeq: 0 })).rejects.toBeInstanceOf(StaleAppendError);
    const s2 = await log.appendEdits(R, b2, { expectLastSeq: s1 });
    const stale = log.appendEdits(R, b3, { expectLastSeq: s1 });
    await expect(stale).rejects.toThrow(`append to region ${R} refused: its last batch is no longer ${s1}`);
    expect((await log.readRegion(R)).map((b) => b.seq)).toEqual([s1, s2]);
    await expect(log.appendEdits(R, { tick: 1, edits: [{ x: 0, y: 0, z: 512, block: 1 }] }))
      .rejects.toThrow('edit at (0, 0, 512) is in region r0_2, not r-1_2');
    await expect(log.appendEdits('r1.2', b1)).rejects.toThrow(/not a region key/);
  });

  it('a deposed shard cannot append after the new owner took the lease and fenced the region', async () => {
    const a = await openLog();
    const b = await openLog();
    const leasesA = await openLeases(a.nc, { shard: 'A', ttlMs: 1000, renewMs: 250, autoRenew: false });
    const leasesB = await openLeases(b.nc, { shard: 'B', ttlMs: 1000, renewMs: 250 });
    const [e1, e2, e3] = batches(3);
    expect(await leasesA.acquire(R)).toBe(true);
    const aLast = await a.log.appendEdits(R, e1, { expectLastSeq: 0 });
    // A stalls (no renewals); B takes the region over, rebuilds it and fences it with an empty batch.
    while (!(await leasesB.acquire(R))) await new Promise((r) => setTimeout(r, 50));
    const rebuilt = await b.log.loadRegion(R);
    expect(rebuilt.batches.map((x) => x.seq)).toEqual([aLast]);
    const fence = await b.log.appendEdits(R, { tick: 200, edits: [] }, { expectLastSeq: rebuilt.lastSeq });
    const bLast = await b.log.appendEdits(R, e3, { expectLastSeq: fence });
    // A wakes up and appends what it had: refused.
    await expect(a.log.appendEdits(R, e2, { expectLastSeq: aLast })).rejects.toBeInstanceOf(StaleAppendError);
    expect((await a.log.readRegion(R)).map((x) => x.seq)).toEqual([aLast, fence, bLast]);
    await leasesA.close({ release: false });
    await leasesB.close();
  });
});
