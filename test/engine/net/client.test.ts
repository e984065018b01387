/** Client lifecycle on a manual clock: timeout under a blackout, reconnection with backoff, events in order. */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../engine/rng.ts';
import { backoffDelay } from '../../../engine/net/client.ts';
import { createHarness } from '../../support/loopback-harness.ts';

describe('client lifecycle', () => {
  it('times out when the link drops everything, then reconnects after a server restart', async () => {
    const h = await createHarness();
    const c = h.client({ link: {}, reconnect: { baseMs: 250, capMs: 4000 } });
    h.step(0);
    expect(c.client.state).toBe('active');
    h.step(5000); // heartbeats keep it alive
    expect(c.client.state).toBe('active');

    c.link!.setLink({ blackout: true });
    h.step(9000);
    expect(c.client.state).toBe('active');
    for (let i = 0; i < 40 && c.events.length === 1; i++) h.step(50);
    expect(c.events.map((e) => e[0])).toEqual(['Connected', 'TimedOut', 'Disconnected', 'Reconnecting']);
    expect(c.events[2][1]).toMatchObject({ kind: 'timeout' });
    expect(h.server.sessions.size).toBe(0); // the server timed the silent session out too

    // Server goes down before the reconnect attempt lands: attempts fail and back off.
    await h.stopServer();
    h.step(8000);
    const attempts = c.events.filter((e) => e[0] === 'Reconnecting').map((e) => e[1] as { attempt: number; delayMs: number });
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    attempts.forEach((a, i) => {
      expect(a.attempt).toBe(i + 1);
      const full = Math.min(4000, 250 * 2 ** i);
      expect(a.delayMs).toBeGreaterThanOrEqual(full / 2);
      expect(a.delayMs).toBeLessThanOrEqual(full);
    });
    expect(c.client.state).not.toBe('active');

    h.startServer();
    h.step(5000);
    expect(c.client.state).toBe('active');
    const names = c.events.map((e) => e[0]);
    expect(names.at(-1)).toBe('Connected');
    expect(names.filter((n) => n === 'Connected')).toHaveLength(2);
    expect(names.slice(4, -1).every((n) => n === 'Reconnecting')).toBe(true);
    expect(h.server.sessions.size).toBe(1);
  });

  it('reconnects when the server closes the session, and stops for good on stop()', async () => {
    const h = await createHarness();
    const c = h.client();
    h.step(0);
    await h.stopServer();
    h.step(0);
    expect(c.events.map((e) => e[0])).toEqual(['Connected', 'Disconnected', 'Reconnecting']);
    expect(c.events[1][1]).toMatchObject({ kind: 'remote', reason: 'server stopped' });
    h.startServer();
    h.step(1000);
    expect(c.client.state).toBe('active');
    c.client.stop('bye');
    h.step(60_000);
    expect(c.events.map((e) => e[0])).toEqual(['Connected', 'Disconnected', 'Reconnecting', 'Connected', 'Disconnected']);
    expect(h.server.open).toBe(0);
  });

  it('backoff grows exponentially to the cap, with jitter from the seeded rng', () => {
    const a = createRng(5), b = createRng(5);
    const seqA = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, 100, 1000, a));
    const seqB = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, 100, 1000, b));
    expect(seqA).toEqual(seqB);
    seqA.forEach((d, i) => {
      const full = Math.min(1000, 100 * 2 ** i);
      expect(d).toBeGreaterThanOrEqual(full / 2);
      expect(d).toBeLessThanOrEqual(full);
    });
  });

  it('treats a connect that never answers as failed and tries again', async () => {
    const h = await createHarness();
    let calls = 0;
    const real = h.network.connector('server');
    const c = h.client({
      connectTimeoutMs: 3000, reconnect: { baseMs: 100, capMs: 100 },
      // The first attempt vanishes (its answer never comes); later ones go through.
      connect: (done) => (++calls === 1 ? undefined : real(done)),
    });
    h.step(2999);
    expect(c.client.state).toBe('connecting');
    h.step(1);
    expect(c.events.map((e) => e[0])).toEqual(['Disconnected', 'Reconnecting']);
    expect(c.events[0][1]).toMatchObject({ kind: 'connect-failed', reason: 'connect timed out after 3000 ms' });
    h.step(200);
    expect(c.client.state).toBe('active');
    expect(calls).toBe(2);
  });
});
