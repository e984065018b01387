/** Ping bookkeeping: RTT from the scheduler clock, smoothing, timeouts, failure on close. */
import { describe, expect, it } from 'vitest';
import { createPinger } from '../../../engine/net/pinger.ts';
import { createManualScheduler } from '../../../engine/net/scheduler.ts';
import { MsgType } from '../../../engine/protocol/messages.ts';

describe('pinger', () => {
  it('measures, smooths, times out and fails on close', async () => {
    const s = createManualScheduler();
    const p = createPinger(s);
    expect(Number.isNaN(p.rttMs)).toBe(true);
    const a = p.start(1000, 'x');
    s.advance(40);
    p.onPong({ type: MsgType.Pong, nonce: a.nonce, sentMs: 0 });
    await expect(a.rtt).resolves.toBe(40);
    expect(p.rttMs).toBe(40);
    const b = p.start(1000, 'x');
    s.advance(120);
    p.onPong({ type: MsgType.Pong, nonce: b.nonce, sentMs: 40 });
    expect(p.rttMs).toBe(40 * 0.875 + 120 * 0.125);
    p.onPong({ type: MsgType.Pong, nonce: b.nonce, sentMs: 40 }); // duplicate: ignored
    const c = p.start(100, 'chat');
    s.advance(100);
    await expect(c.rtt).rejects.toThrow('ping on chat timed out');
    const d = p.start(100, 'x');
    p.failAll('bye');
    await expect(d.rtt).rejects.toThrow('connection closed: bye');
    expect(s.pending).toBe(0);
  });
});
