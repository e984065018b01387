/**
 * The Node WebTransport backend: a 100-cycle connect/disconnect soak with a memory bound (the 1,000-cycle one is in
 * `stratum bench net`), and a client that reconnects after the server restarts on the same port and certificate.
 */
import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../../../engine/events.ts';
import { loadHasher } from '../../../../engine/hash.ts';
import { createRng } from '../../../../engine/rng.ts';
import { Channel } from '../../../../engine/net/channels.ts';
import type { NetClientEvents } from '../../../../engine/net/client.ts';
import { createNetClient } from '../../../../engine/net/client.ts';
import { createRealtimeScheduler } from '../../../../engine/net/scheduler.ts';
import { createNetServer } from '../../../../engine/net/server.ts';
import type { ConditionedSession } from '../../../../engine/net/conditioner.ts';
import { conditionConnector } from '../../../../engine/net/conditioner.ts';
import { localIdentity } from '../../../../engine/protocol/handshake.ts';
import { nodeWebTransportConnector, startWebTransportServer } from '../../../../engine/platform/node/webtransport.ts';
import { soak, startRig, waitFor } from '../../../../bench/net-workloads.ts';

describe('Node WebTransport backend', () => {
  it('survives 100 connect/disconnect cycles with bounded memory and no leftover sessions', async () => {
    const rig = await startRig();
    try {
      const s = await soak(rig, 100);
      expect(s.cycles).toBe(100);
      expect(s.memoryGrowthMB).toBeLessThan(20);
      expect(rig.net.open).toBe(0);
      expect(rig.wt.openSessions).toBe(0);
    } finally {
      await rig.close();
    }
  });

  it('reconnects after a server restart on the same port and certificate; events arrive in order', async () => {
    const scheduler = createRealtimeScheduler();
    const identity = localIdentity(await loadHasher());
    let net = createNetServer({ identity, scheduler, adminToken: 't' });
    let wt = await startWebTransportServer({ sink: net.accept });
    const { port, cert } = wt;
    const bus = createEventBus<NetClientEvents>();
    const events: string[] = [];
    bus.onAny((n) => events.push(n));
    const client = createNetClient({
      connect: await nodeWebTransportConnector({ url: wt.url, certHash: cert.sha256 }),
      identity, name: 'r', scheduler, rng: createRng(3), bus, reconnect: { baseMs: 50, capMs: 400 },
    });
    client.start();
    try {
      await waitFor(() => client.state === 'active', 'first connect');
      net.closeAll('restart');
      await wt.close();
      await waitFor(() => events.includes('Reconnecting'), 'reconnecting');
      net = createNetServer({ identity, scheduler, adminToken: 't' });
      wt = await startWebTransportServer({ sink: net.accept, port, cert });
      await waitFor(() => client.state === 'active', 'reconnect', 15_000);
      expect(events[0]).toBe('Connected');
      expect(events[1]).toBe('Disconnected');
      expect(events.at(-1)).toBe('Connected');
      expect(events.slice(2, -1).every((e) => e === 'Reconnecting')).toBe(true);
      await expect(client.ping(Channel.Chat)).resolves.toBeGreaterThanOrEqual(0);
    } finally {
      client.stop();
      net.closeAll('over');
      await wt.close();
    }
  });

  it('times out through a blacked-out conditioner on the real transport, then reconnects', async () => {
    const scheduler = createRealtimeScheduler();
    const identity = localIdentity(await loadHasher());
    const net = createNetServer({ identity, scheduler, adminToken: 't' });
    const wt = await startWebTransportServer({ sink: net.accept });
    const links: ConditionedSession[] = [];
    const connect = conditionConnector(await nodeWebTransportConnector({ url: wt.url, certHash: wt.cert.sha256 }),
      scheduler, createRng(9), { latencyMs: 1 }, (s) => links.push(s));
    const bus = createEventBus<NetClientEvents>();
    const events: string[] = [];
    bus.onAny((n) => events.push(n));
    const client = createNetClient({
      connect, identity, name: 'c', scheduler, rng: createRng(4), bus, heartbeatMs: 100, timeoutMs: 1500, reconnect: { baseMs: 20, capMs: 100 },
    });
    client.start();
    try {
      await waitFor(() => client.state === 'active', 'connect');
      // Black out the link in use (under heavy load an earlier session may already have been replaced).
      const mark = events.length;
      const linksBefore = links.length;
      links[linksBefore - 1].setLink({ blackout: true });
      await waitFor(() => events.slice(mark).includes('TimedOut'), 'timeout', 20_000);
      await waitFor(() => client.state === 'active' && events.at(-1) === 'Connected', 'reconnect', 20_000);
      expect(events[0]).toBe('Connected');
      expect(events.slice(mark, mark + 4)).toEqual(['TimedOut', 'Disconnected', 'Reconnecting', 'Connected']);
      expect(links.length).toBe(linksBefore + 1);
      await expect(client.ping(Channel.Input)).resolves.toBeGreaterThanOrEqual(0);
    } finally {
      client.stop();
      net.closeAll('over');
      await wt.close();
    }
  });
});
