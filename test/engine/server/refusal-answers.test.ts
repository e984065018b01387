import { describe, expect, it } from 'vitest';
import { BlockActionKind, type PlayerInput } from '../../../engine/input.ts';
import { Channel } from '../../../engine/net/channels.ts';
import { MsgType, type BlockResult } from '../../../engine/protocol/messages.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { getBlock } from '../../../engine/voxel/voxel-world.ts';
import { MAX_INPUT_LEAD } from '../../../engine/server/input-queue.ts';
import { ANSWER_BURST, ANSWERS_PER_TICK } from '../../../engine/server/refusal-answers.ts';
import { createStepper } from '../../support/stepper.ts';

const breakAt = (x: number, y: number, z: number) => ({ kind: BlockActionKind.Break, x, y, z, face: 3 });

/** A stepper with a bare client that has joined; `bundle` sends inputs for consecutive ticks ending at `tick`. */
async function withRawClient(warmTicks = 20) {
  const st = await createStepper();
  const raw = st.rawClient('raw');
  st.step(warmTicks);
  let seq = 0;
  const bundle = (tick: number, count: number, action = breakAt(1, 6, 1)) => {
    const inputs: PlayerInput[] = [];
    for (let t = tick - count + 1; t <= tick; t++) inputs.push({ tick: t, buttons: 0, yaw: 0, pitch: 0, block: action });
    raw.send(Channel.Input, { type: MsgType.InputBundle, clientTick: tick, seq: ++seq, ackTick: 0, inputs });
  };
  const results = () => raw.received.filter((m): m is BlockResult => m.type === MsgType.BlockResult);
  return { st, raw, bundle, results };
}

describe('every block action refused on arrival is answered, once', () => {
  it(`an action more than ${MAX_INPUT_LEAD} ticks ahead is answered with a refusal, and never runs later`, async () => {
    const { st, bundle, results } = await withRawClient();
    const t = st.server.world.tick + MAX_INPUT_LEAD + 20;
    bundle(t, 1);
    st.step(2);
    expect(results()).toEqual([expect.objectContaining({ tick: t, ok: false, reason: 'too-far', x: 1, y: 6, z: 1, block: Block.Grass })]);
    // Repeated in later bundles (as clients repeat inputs) once it is within the lead: still the one answer, no edit.
    st.step(25);
    for (let k = 1; k <= 4; k++) bundle(t + k, k + 1);
    st.step(30);
    expect(results().filter((r) => r.tick === t)).toHaveLength(1);
    expect(getBlock(st.server.world.voxels, 1, 6, 1)).toBe(Block.Grass);
    expect(st.server.counters.inputsTooFar).toBe(1);
  });

  it('older inputs of a bundle whose earlier bundle was lost are answered as late; repeats of a tick are answered once', async () => {
    const { st, raw, bundle, results } = await withRawClient();
    const t = st.server.world.tick;
    // The bundles carrying ticks t-6..t-1 never came; this one repeats them, with the ticks to come.
    bundle(t + 1, 8);
    st.step(1);
    // Honest clients repeat the last few inputs in every bundle.
    for (let k = 0; k < 10; k++) bundle(t + 1, 8);
    st.step(3);
    const late = results().filter((r) => r.reason === 'late').map((r) => r.tick).sort((a, b) => a - b);
    expect(late).toEqual([t - 6, t - 5, t - 4, t - 3, t - 2, t - 1]);
    // The inputs in time ran: the first breaks the grass, the next is refused by the rules; one answer per tick.
    const ran = results().filter((r) => r.reason !== 'late');
    expect(ran.map((r) => r.tick)).toEqual([t, t + 1]);
    expect(ran.map((r) => r.ok)).toEqual([true, false]);
    expect(raw.state).toBe('active');
  });

  it('a flood of late block actions gets a bounded number of answers, then the session is closed for flooding', async () => {
    const { st, raw, bundle, results } = await withRawClient(400);
    const t0 = st.server.world.tick;
    // 48,000 late actions for distinct made-up ticks within one tick (the attacker of the issue sent 48,250 in 10 s).
    for (let i = 0; i < 6000; i++) bundle(8 + (i % (t0 - 20)), 8);
    st.step(40);
    expect(results().length).toBeGreaterThan(0);
    expect(results().length).toBeLessThanOrEqual(ANSWER_BURST + ANSWERS_PER_TICK * 2);
    expect(raw.state).toBe('disconnected');
    expect(st.serverLog.some((l) => /closed: local: flooding: block actions refused on arrival/.test(l))).toBe(true);
    expect(st.server.players.size).toBe(0);
  });

  it('an honest stream of late actions (one per tick, repeated in bundles of 4) is answered once each and not closed', async () => {
    const { st, raw, bundle, results } = await withRawClient(200);
    // A client 30 ticks behind the server: each of its actions is late, for 10 s.
    for (let k = 0; k < 200; k++) {
      bundle(st.server.world.tick - 30, 4);
      st.step(1);
    }
    st.step(5);
    const ticks = results().map((r) => r.tick);
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks.length).toBeGreaterThanOrEqual(200);
    expect(raw.state).toBe('active');
  });
});
