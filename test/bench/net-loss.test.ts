/**
 * bench net's lossy link (a network namespace joined by bench/tun-link.py): a short comparison whose delay and loss
 * show in both transports' figures. Skipped where the link cannot be built (no root, ip or python3).
 */
import { describe, expect, it } from 'vitest';
import { lossComparison } from '../../bench/net-loss.ts';

describe('bench net loss comparison', () => {
  it('delays every packet of both transports; QUIC loses datagrams, HTTP/2 delivers them all', async (ctx) => {
    const r = await lossComparison({ delayMs: 30, loss: 0.1, seconds: 4, hz: 20 });
    if ('skipped' in r) return ctx.skip();
    // One-way latency is at least the delay (timers and relays never deliver early); no wall-clock upper bounds here.
    expect(r.quic.p50Ms).toBeGreaterThanOrEqual(29);
    expect(r.http2.p50Ms).toBeGreaterThanOrEqual(29);
    expect(r.quic.received).toBeGreaterThan(20);
    expect(r.quic.missing).toBeGreaterThan(0); // 10% of each packet: some of ~80 updates are gone for good
    expect(r.http2.missing).toBe(0); // TCP retransmits them
    expect(r.http2.received).toBeGreaterThan(20);
  }, 60_000);
});
