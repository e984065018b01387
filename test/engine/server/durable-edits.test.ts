/**
 * Edits acknowledged only once durable (GameServerOptions.durableEdits), with a fake store whose writes the test
 * settles by hand: nothing of an edit (its BlockResult, a section update or column carrying it) reaches a client
 * before its write resolves; results go out in tick order whatever order the writes resolve in; a rejection sends
 * nothing more and tells onDurableFailure; refusals are never held.
 */
import { describe, expect, it } from 'vitest';
import { BlockActionKind, type PlayerInput } from '../../../engine/input.ts';
import { Channel } from '../../../engine/net/channels.ts';
import type { StoredEdit } from '../../../engine/platform/node/edit-store.ts';
import { MsgType, type BlockResult, type Message } from '../../../engine/protocol/messages.ts';
import { createGameServer } from '../../../engine/server/game-server.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { getBlock } from '../../../engine/voxel/voxel-world.ts';
import { createManualScheduler } from '../../../engine/net/scheduler.ts';
import { GAME_PROTOCOL } from '../../../game/protocol.ts';
import { loadCodecDeps } from '../../support/codec-deps.ts';
import { createStepper } from '../../support/stepper.ts';

/** One call of the fake store, settled by the test. */
interface Write {
  edits: StoredEdit[];
  tick: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

const idle = (): Omit<PlayerInput, 'tick'> => ({ buttons: 0, yaw: 0, pitch: 0 });
const breakAt = (x: number, y: number, z: number) => ({ kind: BlockActionKind.Break, x, y, z, face: 3 });
/** Lets promise callbacks (the releases) run. */
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

/** A stepper whose server writes through the fake store; an actor (raw client) and an observer (game client). */
async function withFakeStore(more: { durableMaxHeldEdits?: number } = {}) {
  const writes: Write[] = [];
  const failures: Array<[Error, number]> = [];
  const st = await createStepper({
    game: {
      ...more,
      durableEdits: (edits, tick) => new Promise<void>((resolve, reject) => { writes.push({ edits: [...edits], tick, resolve, reject }); }),
      onDurableFailure: (e, tick) => failures.push([e, tick]),
    },
  });
  const observer = st.addClient(idle);
  const actor = st.rawClient('actor');
  // Long enough for both to hold the columns around the origin (streaming starts a second after joining).
  st.step(40);
  let seq = 0;
  /** Sends a block action for tick `tick`. */
  const act = (tick: number, action: ReturnType<typeof breakAt>) => {
    actor.send(Channel.Input, { type: MsgType.InputBundle, clientTick: tick, seq: ++seq, ackTick: 0, inputs: [{ tick, buttons: 0, yaw: 0, pitch: 0, block: action }] });
  };
  const results = () => actor.received.filter((m): m is BlockResult => m.type === MsgType.BlockResult);
  /** Messages the actor got about column (0, 0) from index `from` on: results and section updates, in order. */
  const chunkStream = (from = 0) => actor.received.slice(from)
    .filter((m: Message) => m.type === MsgType.BlockResult || (m.type === MsgType.ChunkDiff && m.cx === 0 && m.cz === 0))
    .map((m) => (m.type === MsgType.BlockResult ? `result ${m.tick} ${m.ok}` : 'update'));
  const resyncs = () => [...st.server.players.values()].reduce((n, p) => n + p.metrics.resyncs, 0);
  return { st, writes, failures, observer, actor, act, results, chunkStream, resyncs };
}

describe('edits acknowledged once durable (durableEdits)', () => {
  it('sends no BlockResult, section update or column with the edit before the write resolves, then both, result first', async () => {
    const { st, writes, observer, actor, act, results, chunkStream, resyncs } = await withFakeStore();
    expect(actor.state).toBe('active');
    const t = st.server.world.tick + 2;
    const from = actor.received.length;
    act(t, breakAt(1, 6, 1));
    st.step(12); // two section-update flushes
    await settle();
    expect(getBlock(st.server.world.voxels, 1, 6, 1)).toBe(Block.Air); // the world has it
    expect(writes.map((w) => [w.tick, w.edits])).toEqual([[t, [{ x: 1, y: 6, z: 1, block: Block.Air, tick: t }]]]);
    expect(results()).toEqual([]);
    expect(chunkStream(from)).toEqual([]);
    expect(getBlock(observer.client.world.voxels, 1, 6, 1)).toBe(Block.Grass);
    expect(st.server.counters.editsStored).toBe(0);

    writes[0].resolve();
    await settle();
    st.step(6);
    expect(results()).toEqual([expect.objectContaining({ tick: t, ok: true, x: 1, y: 6, z: 1, block: Block.Air })]);
    expect(chunkStream(from)).toEqual([`result ${t} true`, 'update']);
    expect(getBlock(observer.client.world.voxels, 1, 6, 1)).toBe(Block.Air);
    expect(st.server.counters.editsStored).toBe(1);
    expect(resyncs()).toBe(0);
  });

  it('releases in tick order when a later write resolves first; a flush between them shows only the released edit', async () => {
    const { st, writes, observer, act, results, resyncs } = await withFakeStore();
    const t = st.server.world.tick + 2;
    act(t, breakAt(1, 6, 1));
    act(t + 1, breakAt(2, 6, 1)); // same section
    act(t + 2, breakAt(3, 6, 1));
    st.step(8);
    await settle();
    expect(writes.map((w) => w.tick)).toEqual([t, t + 1, t + 2]);
    writes[1].resolve();
    await settle();
    st.step(6);
    expect(results()).toEqual([]);

    // The first goes out, then the second behind it; the third still waits, and the flush must not show it.
    writes[0].resolve();
    await settle();
    st.step(1); // the loopback delivers on the clock
    expect(results().map((r) => [r.tick, r.ok])).toEqual([[t, true], [t + 1, true]]);
    st.step(6);
    expect(getBlock(observer.client.world.voxels, 1, 6, 1)).toBe(Block.Air);
    expect(getBlock(observer.client.world.voxels, 2, 6, 1)).toBe(Block.Air);
    expect(getBlock(observer.client.world.voxels, 3, 6, 1)).toBe(Block.Grass);
    expect(resyncs()).toBe(0); // the section update's checksum matched the section without the held edit

    writes[2].resolve();
    await st.server.durableIdle();
    st.step(6);
    expect(results().map((r) => r.tick)).toEqual([t, t + 1, t + 2]);
    expect(getBlock(observer.client.world.voxels, 3, 6, 1)).toBe(Block.Air);
    expect(resyncs()).toBe(0);
  });

  it('a rejected write sends none of its results nor later ones, calls onDurableFailure once; refusals still go out', async () => {
    const { st, writes, failures, observer, act, results } = await withFakeStore();
    const t = st.server.world.tick + 2;
    act(t, breakAt(1, 6, 1));
    act(t + 1, breakAt(2, 6, 1));
    st.step(4);
    await settle();
    const lost = new Error('region r0_0: lease lost');
    writes[0].reject(lost);
    writes[1].resolve(); // durable, but behind a failed tick: never acknowledged
    await settle();
    expect(failures).toEqual([[lost, t]]);
    expect(st.serverLog.some((l) => l.startsWith('error ') && l.includes('lease lost'))).toBe(true);

    // Later: a new edit is not written at all; a refusal (air cannot be broken) is answered at once.
    const u = st.server.world.tick + 2;
    act(u, breakAt(3, 6, 1));
    act(u + 1, breakAt(1, 6, 1));
    st.step(10);
    await settle();
    expect(writes).toHaveLength(2);
    expect(results().map((r) => [r.tick, r.ok])).toEqual([[u + 1, false]]);
    expect(st.server.counters.editsUnacknowledged).toBe(3);
    expect(st.server.counters.editsStored).toBe(0);
    expect(failures).toHaveLength(1);
    for (const x of [1, 2, 3]) expect(getBlock(observer.client.world.voxels, x, 6, 1)).toBe(Block.Grass);
    await st.server.durableIdle();
  });

  it('a client that subscribes while an edit is held gets its column only once the edit is released', async () => {
    const { st, writes, act } = await withFakeStore();
    act(st.server.world.tick + 2, breakAt(1, 6, 1));
    st.step(4);
    const late = st.rawClient('late');
    st.step(30);
    await settle();
    const columns = () => late.received.flatMap((m) => (m.type === MsgType.ChunkData ? [`${m.cx},${m.cz}`] : []));
    expect(columns().length).toBeGreaterThan(3);
    expect(columns()).not.toContain('0,0');
    writes[0].resolve();
    await settle();
    st.step(10);
    expect(columns()).toContain('0,0');
  });

  it('a rate-limited action is answered at once while the ok ones wait', async () => {
    const { st, writes, act, results } = await withFakeStore();
    const t = st.server.world.tick + 2;
    // 11 edits in 11 ticks: the 11th is over the limit of 10 per second.
    for (let i = 0; i <= 10; i++) act(t + i, breakAt(-3 + (i % 6), 6, -2 + Math.floor(i / 6)));
    st.step(14);
    await settle();
    expect(writes).toHaveLength(10);
    expect(results().map((r) => [r.tick, r.reason])).toEqual([[t + 10, 'rate-limited']]);
    for (const w of writes.slice().reverse()) w.resolve();
    await st.server.durableIdle();
    st.step(1);
    expect(results().map((r) => r.tick)).toEqual([t + 10, ...writes.map((w) => w.tick)]);
  });

  it('drops the held results of a player that left, and editBlock waits for durability too', async () => {
    const { st, writes, observer, actor, act, results } = await withFakeStore();
    const t = st.server.world.tick + 2;
    act(t, breakAt(1, 6, 1));
    st.step(3);
    await settle();
    actor.stop();
    st.step(2);
    expect(st.server.players.size).toBe(1);
    st.server.editBlock(4, 6, 4, Block.Stone);
    expect(writes.map((w) => w.edits.length)).toEqual([1, 1]);
    st.step(6);
    expect(getBlock(observer.client.world.voxels, 4, 6, 4)).toBe(Block.Grass);
    for (const w of writes) w.resolve();
    await st.server.durableIdle();
    st.step(6);
    expect(results()).toEqual([]);
    expect(getBlock(observer.client.world.voxels, 1, 6, 1)).toBe(Block.Air);
    expect(getBlock(observer.client.world.voxels, 4, 6, 4)).toBe(Block.Stone);
    expect(st.server.counters.editsStored).toBe(2);
  });

  it('more edits waiting than durableMaxHeldEdits is a failure naming the option', async () => {
    const { st, writes, failures, act } = await withFakeStore({ durableMaxHeldEdits: 1 });
    const t = st.server.world.tick + 2;
    act(t, breakAt(1, 6, 1));
    act(t + 1, breakAt(2, 6, 1));
    st.step(4);
    await settle();
    expect(writes).toHaveLength(1);
    expect(failures.map(([e, tick]) => [e.message, tick])).toEqual([
      ['2 edits would wait for durability, over the budget of 1 (durableMaxHeldEdits, an integer >= 1): the store is not keeping up', t + 1],
    ]);
    expect(st.server.counters.editsUnacknowledged).toBe(1);
  });

  it('refuses a durableMaxHeldEdits below 1', async () => {
    const codec = (await loadCodecDeps()).node;
    const make = (durableMaxHeldEdits: number) => createGameServer({
      scheduler: createManualScheduler(), protocol: GAME_PROTOCOL, codec, worldRadius: 1, store: null, adminToken: 'a', log: () => {},
      durableEdits: async () => {}, durableMaxHeldEdits,
    });
    expect(() => make(0)).toThrow('durableMaxHeldEdits must be an integer >= 1, got 0');
    expect(() => make(1.5)).toThrow(RangeError);
  });

  it('takes another server\'s edits (remote, never held) while its own wait: the remote one goes out, the held one waits', async () => {
    const { st, writes, failures, observer, act, chunkStream } = await withFakeStore();
    const t = st.server.world.tick + 2;
    const from = 0;
    act(t, breakAt(1, 6, 1));
    st.step(4);
    await settle();
    expect(writes).toHaveLength(1); // held, not yet durable
    // A neighbour's edit in another column (its region on a real shard): applied, replicated, nothing released.
    st.server.applyRemoteEdits([{ x: 17, y: 6, z: 17, block: Block.Air }]);
    st.step(12);
    await settle();
    expect(failures).toEqual([]);
    expect(getBlock(observer.client.world.voxels, 17, 6, 17)).toBe(Block.Air);
    expect(getBlock(observer.client.world.voxels, 1, 6, 1)).toBe(Block.Grass);
    expect(chunkStream(from)).toEqual([]);
    writes[0].resolve();
    await settle();
    st.step(6);
    expect(getBlock(observer.client.world.voxels, 1, 6, 1)).toBe(Block.Air);
  });
});
