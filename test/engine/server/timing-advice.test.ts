/**
 * Input-timing advice (ServerState) travels in datagrams: each advice is numbered and sent on ADVICE_COPIES ticks, so
 * one lost datagram does not lose it, and the client applies each number once.
 */
import { describe, expect, it } from 'vitest';
import { Button, TARGET_INPUT_LEAD } from '../../../engine/input.ts';
import { Channel } from '../../../engine/net/channels.ts';
import { createInputSender } from '../../../engine/net/input-channel.ts';
import { MsgType, type Message, type ServerState } from '../../../engine/protocol/messages.ts';
import { ADVICE_COPIES, ADVICE_EVERY } from '../../../engine/server/replicator.ts';
import { createStepper } from '../../support/stepper.ts';

const walk = () => ({ buttons: Button.Forward, yaw: 0, pitch: 0 });

describe('timing advice', () => {
  it('each advice has its own number; one to change the timing is sent on ADVICE_COPIES consecutive ticks, one of 0 once', async () => {
    const st = await createStepper();
    const states = (c: { received: Message[] }) => c.received.filter((m): m is ServerState => m.type === MsgType.ServerState);
    const ticksBySeq = (list: ServerState[]) => {
      const bySeq = new Map<number, number[]>();
      for (const s of list) bySeq.set(s.adviceSeq, [...(bySeq.get(s.adviceSeq) ?? []), s.tick]);
      return bySeq;
    };
    // A watcher sends no inputs (its timing is never wrong); a laggard's inputs always arrive a tick late.
    const watcher = st.rawClient('watcher');
    const laggard = st.rawClient('laggard');
    const sender = createInputSender();
    st.step(5);
    for (let i = 0; i < 100; i++) {
      laggard.send(Channel.Input, sender.next({ tick: st.server.world.tick - 1, buttons: 0, yaw: 0, pitch: 0 }, 0));
      st.step(1);
    }
    const quiet = ticksBySeq(states(watcher));
    expect(quiet.size).toBeGreaterThanOrEqual(8);
    const seqs = [...quiet.keys()];
    seqs.forEach((seq, i) => { if (i > 0) expect(seq).toBe(seqs[i - 1] + 1); });
    for (const ticks of quiet.values()) {
      expect(ticks).toHaveLength(1);
      expect(ticks[0] % ADVICE_EVERY).toBe(0);
    }
    const late = states(laggard).filter((s) => s.adjust > 0);
    expect(late.length).toBeGreaterThan(0);
    for (const ticks of [...ticksBySeq(late).values()].slice(0, -1)) {
      expect(ticks).toHaveLength(ADVICE_COPIES);
      expect(ticks[0] % ADVICE_EVERY).toBe(0);
      ticks.forEach((t, i) => expect(t).toBe(ticks[0] + i));
    }
  });

  it('a client far behind (300 ms RTT) jumps ahead once per advice, not once per copy, and its inputs stop arriving late', async () => {
    const st = await createStepper();
    const a = st.addClient(walk, { latencyMs: 150 });
    st.step(20 * 10);
    const lateAt10s = st.server.counters.inputsLate;
    st.step(20 * 10);
    expect(st.server.counters.inputsLate).toBe(lateAt10s);
    // Ahead of the server by the one-way delay (3 ticks) plus the target lead, give or take the advice's hysteresis;
    // applying each of the copies would have put it several advices further ahead.
    const lead = a.client.tick - st.server.world.tick;
    expect(lead).toBeGreaterThanOrEqual(3 + TARGET_INPUT_LEAD);
    expect(lead).toBeLessThanOrEqual(3 + TARGET_INPUT_LEAD + 4);
  });

  it('with half of all datagrams lost, the advice still arrives and late inputs stop', async () => {
    const st = await createStepper();
    st.addClient(walk, { latencyMs: 150, loss: 0.5 });
    st.step(20 * 15);
    const lateAt15s = st.server.counters.inputsLate;
    st.step(20 * 10);
    expect(st.server.counters.inputsLate).toBe(lateAt15s);
  });
});
