/** Input loss tolerance end to end over a lossy loopback link: repeats recover lost bundles. */
import { describe, expect, it } from 'vitest';
import { Channel } from '../../../engine/net/channels.ts';
import { createInputReceiver, createInputSender } from '../../../engine/net/input-channel.ts';
import type { PlayerInput } from '../../../engine/input.ts';
import { MsgType } from '../../../engine/protocol/messages.ts';
import { createHarness } from '../../support/loopback-harness.ts';

const walk = (tick: number): PlayerInput => ({ tick, buttons: 1, yaw: tick % 1024, pitch: 0 });

describe('input channel', () => {
  it('sends consecutive ticks, restarting after a jump, and refuses old ticks', () => {
    const s = createInputSender(2);
    expect(s.next(walk(1), 0).inputs.map((p) => p.tick)).toEqual([1]);
    s.next(walk(2), 0);
    const b = s.next(walk(3), 0);
    expect(b.inputs.map((p) => p.tick)).toEqual([1, 2, 3]);
    expect(s.next(walk(4), 0).inputs.map((p) => p.tick)).toEqual([2, 3, 4]);
    expect(s.next(walk(9), 0).inputs.map((p) => p.tick)).toEqual([9]);
    expect(s.next(walk(10), 0).seq).toBe(6);
    expect(() => s.next(walk(10), 0)).toThrow(RangeError);
  });

  it('recovers inputs from repeats under 25% datagram loss', async () => {
    const h = await createHarness();
    const c = h.client({ link: { loss: 0.25, latencyMs: 30, jitterMs: 10 } });
    h.step(100);
    const sender = createInputSender(3);
    const receiver = createInputReceiver();
    const got: number[] = [];
    for (let t = 0; t < 400; t++) {
      c.client.send(Channel.Input, sender.next(walk(t), 0));
      h.step(50);
      for (const [, , m] of h.serverReceived.splice(0)) {
        if (m.type === MsgType.InputBundle) got.push(...receiver.accept(m).map((p) => p.tick));
      }
    }
    expect(c.link!.stats.dropped).toBeGreaterThan(60); // the link really lost bundles
    expect(receiver.recovered).toBeGreaterThan(50); // ... which repeats brought back
    for (let i = 1; i < got.length; i++) expect(got[i]).toBeGreaterThan(got[i - 1]);
    expect(got.length + receiver.missed).toBe(receiver.lastTick + 1);
    expect(receiver.missed).toBeLessThan(10);
  });
});
