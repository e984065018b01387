/**
 * A shard's region edit writer on a real nats-server: a tick's edits become one batch per region, pipelined ticks
 * keep their order, loadRegion gives them back; an edit outside the shard's regions writes nothing; a writer whose
 * region another shard fenced is refused, and stays refused. Then a game server acknowledging through it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEditLog, StaleAppendError, type EditLog } from '../../../engine/cluster/edit-log.ts';
import { startNats, type NatsHandle } from '../../../engine/cluster/nats-server.ts';
import { createRegionEditWriter, type TickEdit } from '../../../engine/cluster/region-edit-writer.ts';
import { BlockActionKind } from '../../../engine/input.ts';
import { Channel } from '../../../engine/net/channels.ts';
import { MsgType, type BlockResult } from '../../../engine/protocol/messages.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { skipNats } from '../../support/nats.ts';
import { createStepper } from '../../support/stepper.ts';

/** An edit of tick `tick`: block x, z; y and block from the tick. */
const at = (x: number, z: number, tick: number): TickEdit => ({ x, y: tick % 200, z, block: tick % 50, tick });

describe.skipIf(skipNats('region-edit-writer.test.ts'))('region edit writer on nats-server', () => {
  let nats: NatsHandle;

  beforeEach(async () => {
    nats = await startNats({ env: { PATH: process.env.PATH } });
  });

  afterEach(async () => {
    await nats.stop();
  });

  async function openLog(): Promise<EditLog> {
    return openEditLog(await nats.connect());
  }

  it('writes one batch per region per tick, in order when ticks are written without waiting, and loadRegion has them', async () => {
    const log = await openLog();
    const owned = new Set(['r0_0', 'r-1_0']);
    const w = createRegionEditWriter(log, { owns: (r) => owned.has(r) });
    w.adopt('r0_0', 0);
    w.adopt('r-1_0', 0);
    const ticks = Array.from({ length: 12 }, (_, i) => {
      const tick = 10 + i;
      // Every tick edits r0_0 twice; every third one also r-1_0.
      return [at(i, 3, tick), ...(i % 3 === 0 ? [at(-1 - i, 5, tick)] : []), at(i + 1, 4, tick)];
    });
    await Promise.all(ticks.map((edits) => w.write(edits, edits[0].tick)));

    const strip = ({ x, y, z, block }: TickEdit) => ({ x, y, z, block });
    const r0 = await log.loadRegion('r0_0');
    expect(r0.batches.map(({ tick, edits }) => ({ tick, edits }))).toEqual(ticks.map((edits) => ({
      tick: edits[0].tick, edits: edits.filter((e) => e.x >= 0).map(strip),
    })));
    const rm = await log.loadRegion('r-1_0');
    expect(rm.batches.map((b) => b.tick)).toEqual([10, 13, 16, 19]);
    expect(rm.batches.flatMap((b) => b.edits)).toEqual(ticks.flat().filter((e) => e.x < 0).map(strip));
    expect(w.lastSeq('r0_0')).toBe(r0.lastSeq);
    expect(w.lastSeq('r-1_0')).toBe(rm.lastSeq);
  });

  it('refuses a tick with an edit in a region the shard does not own or has not adopted, and writes none of it', async () => {
    const log = await openLog();
    const w = createRegionEditWriter(log, { owns: (r) => r === 'r0_0' || r === 'r1_0' });
    w.adopt('r0_0', 0);
    await expect(w.write([at(1, 1, 5), at(-1, 1, 5)], 5))
      .rejects.toThrow('edit at (-1, 5, 1) of tick 5 is in region r-1_0, which this shard does not own; nothing of the tick was written');
    await expect(w.write([at(1, 1, 6), at(300, 1, 6)], 6)).rejects.toThrow(/region r1_0, which this shard has not adopted/);
    expect(await log.lastSeq('r0_0')).toBe(0);
    w.forget('r0_0');
    await expect(w.write([at(1, 1, 7)], 7)).rejects.toThrow(/region r0_0, which this shard has not adopted/);
    expect(() => w.adopt('r0_0', -1)).toThrow('lastSeq must be an integer >= 0, got -1');
  });

  it('a writer whose region another shard fenced is refused, and every later write to the region too', async () => {
    const logA = await openLog();
    const logB = await openLog();
    const a = createRegionEditWriter(logA, { owns: () => true });
    const b = createRegionEditWriter(logB, { owns: () => true });
    a.adopt('r0_0', 0);
    a.adopt('r-1_0', 0);
    await a.write([at(1, 1, 1)], 1);
    // B takes the region over (A stalled): loads it, fences it, writes.
    const loaded = await logB.loadRegion('r0_0');
    const fence = await b.fence('r0_0', loaded.lastSeq, 2);
    expect(b.lastSeq('r0_0')).toBe(fence);
    await b.write([at(2, 2, 3)], 3);
    // A wakes up: refused (its batch in r-1_0 is stored: a tick's write is not atomic across regions), then refused
    // again without appending; its other regions still write.
    await expect(a.write([at(3, 3, 4), at(-3, 3, 4)], 4)).rejects.toBeInstanceOf(StaleAppendError);
    await expect(a.write([at(4, 4, 5)], 5)).rejects.toBeInstanceOf(StaleAppendError);
    await a.write([at(-4, 4, 6)], 6);
    expect((await logB.readRegion('r0_0')).map((x) => x.tick)).toEqual([1, 2, 3]);
    expect((await logB.readRegion('r-1_0')).map((x) => x.tick)).toEqual([4, 6]);
    // A stale fence is refused too.
    await expect(a.fence('r0_0', loaded.lastSeq, 7)).rejects.toBeInstanceOf(StaleAppendError);
  });

  it('a game server writing through it acknowledges an edit once the stream has it', async () => {
    const log = await openLog();
    const w = createRegionEditWriter(log, { owns: () => true });
    for (const r of ['r0_0', 'r-1_0', 'r0_-1', 'r-1_-1']) w.adopt(r, 0);
    const failures: Error[] = [];
    const st = await createStepper({ game: { durableEdits: w.write, onDurableFailure: (e) => failures.push(e) } });
    const actor = st.rawClient('actor');
    st.step(20);
    const t = st.server.world.tick + 2;
    actor.send(Channel.Input, {
      type: MsgType.InputBundle, clientTick: t, seq: 1, ackTick: 0,
      inputs: [{ tick: t, buttons: 0, yaw: 0, pitch: 0, block: { kind: BlockActionKind.Break, x: 1, y: 6, z: 1, face: 3 } }],
    });
    st.step(3);
    const results = () => actor.received.filter((m): m is BlockResult => m.type === MsgType.BlockResult);
    expect(results()).toEqual([]);
    await st.server.durableIdle();
    st.step(1);
    expect(results()).toEqual([expect.objectContaining({ tick: t, ok: true, block: Block.Air })]);
    expect((await log.loadRegion('r0_0')).batches).toEqual([expect.objectContaining({ tick: t, edits: [{ x: 1, y: 6, z: 1, block: Block.Air }] })]);
    expect(failures).toEqual([]);
    st.server.stop('done');
  });
});
