/** Server and client over loopback on a manual scheduler: handshake, every channel, pings, determinism. */
import { describe, expect, it } from 'vitest';
import { Channel } from '../../../engine/net/channels.ts';
import { MsgType } from '../../../engine/protocol/messages.ts';
import type { InputBundle } from '../../../engine/protocol/messages.ts';
import { createHarness } from '../../support/loopback-harness.ts';

describe('loopback connection', () => {
  it('handshakes, then carries every channel in both directions', async () => {
    const h = await createHarness();
    const c = h.client();
    expect(c.client.state).toBe('connecting');
    h.step(0);
    expect(c.client.state).toBe('active');
    expect(c.events.map((e) => e[0])).toEqual(['Connected']);
    const s = h.session(c.client.sessionId);

    c.client.send(Channel.Input, { type: MsgType.InputBundle, clientTick: 5, seq: 1, ackTick: 0, inputs: [{ tick: 5, buttons: 1, yaw: 3, pitch: 0 }] });
    c.client.send(Channel.Chat, { type: MsgType.ClientChat, text: 'hello' });
    c.client.send(Channel.Control, { type: MsgType.ChunkAck, cx: 1, cz: -2 });
    s.send(Channel.ChunkStream, [{ type: MsgType.ChunkUnload, cx: 3, cz: 4 }, { type: MsgType.EntityDespawn, entity: 9 }]);
    s.send(Channel.EntityDelta, { type: MsgType.EntityDelta, tick: 7, baselineTick: 0, data: Uint8Array.of(1, 2) });
    s.send(Channel.Chat, { type: MsgType.ServerChat, from: '', text: 'welcome' });
    h.step(0);
    expect(h.serverReceived.map(([, ch, m]) => [ch, m.type])).toEqual([
      [Channel.Input, MsgType.InputBundle], [Channel.Chat, MsgType.ClientChat], [Channel.Control, MsgType.ChunkAck],
    ]);
    expect(c.received.map(([ch, m]) => [ch, m.type])).toEqual([
      [Channel.ChunkStream, MsgType.ChunkUnload], [Channel.ChunkStream, MsgType.EntityDespawn],
      [Channel.EntityDelta, MsgType.EntityDelta], [Channel.Chat, MsgType.ServerChat],
    ]);
  });

  it('answers pings on every channel, from either side', async () => {
    const h = await createHarness();
    const c = h.client({ link: { latencyMs: 10 } });
    h.step(100);
    const s = h.session(c.client.sessionId);
    const rtts: Array<Promise<number>> = [
      c.client.ping(Channel.Control), c.client.ping(Channel.Input), c.client.ping(Channel.Chat), c.client.ping(Channel.Diagnostics),
      s.connection.ping(Channel.ChunkStream), s.connection.ping(Channel.EntityDelta), s.connection.ping(Channel.Control),
    ];
    h.step(100);
    for (const rtt of await Promise.all(rtts)) expect(rtt).toBe(20); // 10 ms each way on the manual clock
  });

  it('drops stale input bundles and entity deltas', async () => {
    const h = await createHarness();
    const c = h.client({ link: { reorder: 1, reorderDelayMs: 5 } });
    h.step(50);
    const s = h.session(c.client.sessionId);
    const input = (seq: number): InputBundle => ({ type: MsgType.InputBundle, clientTick: 10 + seq, seq, ackTick: 0, inputs: [{ tick: 10 + seq, buttons: 0, yaw: 0, pitch: 0 }] });
    c.client.send(Channel.Input, input(2));
    h.step(1);
    c.client.send(Channel.Input, input(1)); // overtaken: arrives after 2
    c.client.send(Channel.Input, input(3));
    h.step(50);
    expect(h.serverReceived.map(([, , m]) => (m.type === MsgType.InputBundle ? m.seq : -1))).toEqual([2, 3]);
    expect(s.connection.stats.staleDropped).toBe(1);
  });

  it('repeats exactly for the same seed under loss and jitter', async () => {
    const run = async () => {
      const h = await createHarness();
      const c = h.client({ link: { latencyMs: 20, jitterMs: 15, loss: 0.3, duplicate: 0.1, reorder: 0.1 } });
      h.step(100);
      for (let i = 1; i <= 100; i++) {
        c.client.send(Channel.Input, { type: MsgType.InputBundle, clientTick: i, seq: i, ackTick: 0, inputs: [{ tick: i, buttons: 1, yaw: 0, pitch: 0 }] });
        h.step(7);
      }
      h.step(200);
      return h.serverReceived.map(([, , m]) => (m.type === MsgType.InputBundle ? m.seq : -1)).join(',');
    };
    const a = await run();
    expect(a).toBe(await run());
    const n = a.split(',').length;
    expect(n).toBeGreaterThan(40);
    expect(n).toBeLessThan(90);
  });
});

describe('loopback send limits and buffering', () => {
  it('refuses datagrams over the session size and reports stream bytes not yet delivered', async () => {
    const h = await createHarness();
    const c = h.client();
    h.step(0);
    const s = h.session(c.client.sessionId);
    expect(() => s.send(Channel.EntityDelta, { type: MsgType.EntityDelta, tick: 1, baselineTick: 0, data: new Uint8Array(2000) })).toThrow(/exceeds/);
    expect(() => c.client.send(Channel.Chat, { type: MsgType.ServerChat, from: '', text: 'x' } as never)).toThrow(RangeError);
    s.send(Channel.ChunkStream, { type: MsgType.ChunkData, cx: 0, cz: 0, checksum: '0000000000000000', data: new Uint8Array(3000) });
    expect(s.connection.bufferedBytes(Channel.ChunkStream)).toBeGreaterThan(3000);
    h.step(0);
    expect(s.connection.bufferedBytes(Channel.ChunkStream)).toBe(0);
    expect(c.received).toHaveLength(1);
  });
});
