/**
 * HTTP/3 WebTransport on QUIC, end to end on 127.0.0.1: the game's NetServer behind the QUIC server and NetClients
 * through the QUIC connector. Handshake, ping on every channel (the datagram channels over real, unreliable QUIC
 * datagrams), a large chunk, close reasons both ways, the CONNECT checks (path, origin, session limit, pinned
 * certificate), GOAWAY on shutdown, and a connect/disconnect soak with bounded memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus } from '../../../../../engine/events.ts';
import { loadHasher } from '../../../../../engine/hash.ts';
import { createRng } from '../../../../../engine/rng.ts';
import { Channel } from '../../../../../engine/net/channels.ts';
import type { NetClient, NetClientEvents } from '../../../../../engine/net/client.ts';
import { createNetClient } from '../../../../../engine/net/client.ts';
import { createRealtimeScheduler } from '../../../../../engine/net/scheduler.ts';
import type { NetServer } from '../../../../../engine/net/server.ts';
import { createNetServer } from '../../../../../engine/net/server.ts';
import type { Connector, TransportSession } from '../../../../../engine/net/transport.ts';
import type { ProtocolIdentity } from '../../../../../engine/protocol/handshake.ts';
import { localIdentity } from '../../../../../engine/protocol/handshake.ts';
import type { Message } from '../../../../../engine/protocol/messages.ts';
import { MsgType } from '../../../../../engine/protocol/messages.ts';
import type { QuicWebTransportServer } from '../../../../../engine/platform/node/quic/webtransport-server.ts';
import { startQuicWebTransportServer } from '../../../../../engine/platform/node/quic/webtransport-server.ts';
import { quicWebTransportConnector } from '../../../../../engine/platform/node/quic/webtransport-client.ts';
import { getGc, settledMemoryMB, waitFor } from '../../../../../bench/net-workloads.ts';

const scheduler = createRealtimeScheduler();
let identity: ProtocolIdentity;
let server: QuicWebTransportServer;
let net: NetServer;
let connect: Connector;
const serverLogs: string[] = [];
const accepted: TransportSession[] = [];

function startClient(received: Array<[Channel, Message]> = [], name = 'quic'): { client: NetClient; events: string[]; reasons: string[] } {
  const bus = createEventBus<NetClientEvents>();
  const events: string[] = [];
  const reasons: string[] = [];
  bus.onAny((n) => events.push(n));
  bus.on('Disconnected', (d) => reasons.push(d.reason));
  const client = createNetClient({ connect, identity, name, scheduler, rng: createRng(1), bus, reconnect: false, onMessage: (c, m) => received.push([c, m]) });
  client.start();
  return { client, events, reasons };
}

const session = (c: Connector) => new Promise<TransportSession>((resolve, reject) => c((r) => (r instanceof Error ? reject(r) : resolve(r))));
const failure = (c: Connector) => new Promise<string>((resolve, reject) => c((r) => (r instanceof Error ? resolve(r.message) : reject(new Error('connected')))));

beforeAll(async () => {
  identity = localIdentity(await loadHasher());
  net = createNetServer({
    identity, scheduler, adminToken: 't', log: (l, m) => serverLogs.push(`${l} ${m}`), maxSessionsPerAddress: 1000,
    limits: { messages: { ping: { perSecond: 1e6, burst: 1e6 } } },
  });
  server = await startQuicWebTransportServer({ sink: (s) => { accepted.push(s); net.accept(s); } });
  connect = quicWebTransportConnector({ url: server.url, certHash: server.cert.sha256 });
});

afterAll(async () => {
  net.closeAll('test over');
  await server.close();
});

describe('QUIC WebTransport end to end', () => {
  it('connects without a Retry when not under load (the default policy), and ping works on every channel; datagrams are unreliable QUIC datagrams', async () => {
    const retriesBefore = server.stats.retries;
    const received: Array<[Channel, Message]> = [];
    const { client, events } = startClient(received);
    await waitFor(() => client.state === 'active', 'handshake');
    expect(events).toEqual(['Connected']);
    expect(server.stats.retries).toBe(retriesBefore);
    const s = net.sessions.get(client.sessionId)!;
    const transport = accepted.at(-1)!;
    expect(transport.reliableDatagrams).toBe(false);
    expect(transport.remoteAddress).toBe('127.0.0.1');
    expect(transport.maxDatagramSize).toBeGreaterThanOrEqual(1200);
    expect(client.connection!.maxDatagramSize).toBeGreaterThanOrEqual(1200);
    const rtts = await Promise.all([
      client.ping(Channel.Control), client.ping(Channel.Input), client.ping(Channel.Chat), client.ping(Channel.Diagnostics),
      s.connection.ping(Channel.ChunkStream), s.connection.ping(Channel.EntityDelta), s.connection.ping(Channel.Chat),
    ]);
    for (const r of rtts) expect(r).toBeGreaterThanOrEqual(0);
    s.send(Channel.ChunkStream, { type: MsgType.ChunkData, cx: 1, cz: 2, checksum: '00000000000000ff', data: new Uint8Array(300_000).fill(7) });
    await waitFor(() => received.length === 1, 'chunk');
    expect(received[0][1].type === MsgType.ChunkData && received[0][1].data.length).toBe(300_000);
    client.stop('done here');
    await waitFor(() => net.open === 0 && server.openSessions === 0, 'server-side close');
    expect(serverLogs.some((l) => l.includes('(quic) closed: remote: done here'))).toBe(true);
  });

  it('validates addresses with Retry always, never, or under load from the set number of handshakes in progress', async () => {
    const never = await startQuicWebTransportServer({ sink: () => {}, retry: 'never' });
    const loaded = await startQuicWebTransportServer({ sink: () => {}, retry: 'under-load', retryAbove: 3 });
    try {
      await session(quicWebTransportConnector({ url: never.url, certHash: never.cert.sha256 }));
      expect(never.stats.retries).toBe(0);
      expect(never.stats.accepted).toBe(1);
      // Eight clients at once: the first three handshakes go ahead, later ones must prove their address first.
      const to = quicWebTransportConnector({ url: loaded.url, certHash: loaded.cert.sha256 });
      const sessions = await Promise.all(Array.from({ length: 8 }, () => session(to)));
      expect(sessions).toHaveLength(8);
      expect(loaded.stats.retries).toBeGreaterThan(0);
      expect(loaded.stats.retries).toBeLessThanOrEqual(5);
      expect(loaded.stats.accepted).toBe(8);
    } finally {
      await Promise.all([never.close(), loaded.close()]);
    }
  });

  it('carries close reasons and codes both ways through the close capsule', async () => {
    const raw: TransportSession[] = [];
    const other = await startQuicWebTransportServer({ sink: (t) => raw.push(t) });
    const to = quicWebTransportConnector({ url: other.url, certHash: other.cert.sha256 });
    const ignore = { onDatagram: () => {}, onStream: () => {} };
    try {
      const fromServer = new Promise<{ code: number; reason: string }>((resolve) => {
        void session(to).then((c) => c.setHandlers({ ...ignore, onClose: resolve }));
      });
      await waitFor(() => raw.length === 1, 'first session');
      raw[0].setHandlers({ ...ignore, onClose: () => {} });
      raw[0].close({ code: 4242, reason: 'kicked: too many blocks' });
      expect(await fromServer).toEqual({ code: 4242, reason: 'kicked: too many blocks' });

      const client = await session(to);
      await waitFor(() => raw.length === 2, 'second session');
      const seen = new Promise<{ code: number; reason: string }>((resolve) => raw[1].setHandlers({ ...ignore, onClose: resolve }));
      client.setHandlers({ ...ignore, onClose: () => {} });
      client.close({ code: 7, reason: 'client leaving ✓' });
      expect(await seen).toEqual({ code: 7, reason: 'client leaving ✓' });
      await waitFor(() => other.openSessions === 0 && other.connections === 0, 'connections gone');
    } finally {
      await other.close();
    }
  });

  it('refuses a wrong pinned certificate, a wrong path, a foreign origin and sessions over the limit', async () => {
    const wrongPin = new Uint8Array(32).fill(1);
    expect(await failure(quicWebTransportConnector({ url: server.url, certHash: wrongPin }))).toMatch(/is not the pinned/);
    expect(await failure(quicWebTransportConnector({ url: server.url.replace('/stratum', '/other'), certHash: server.cert.sha256 }))).toMatch(/status 404/);

    const strict = await startQuicWebTransportServer({ sink: () => {}, origins: ['http://127.0.0.1:8080'], maxSessions: 1 });
    try {
      const at = (origin?: string) => quicWebTransportConnector({ url: strict.url, certHash: strict.cert.sha256, origin });
      expect(await failure(at('http://evil.example'))).toMatch(/status 403/);
      expect(await failure(at())).toMatch(/status 403/);
      const first = await session(at('http://127.0.0.1:8080'));
      first.setHandlers({ onDatagram: () => {}, onStream: () => {}, onClose: () => {} });
      expect(await failure(at('http://127.0.0.1:8080'))).toMatch(/status 503/);
    } finally {
      await strict.close();
    }
  });

  it('gives up on a port where nothing answers within the connect timeout', async () => {
    const { createSocket } = await import('node:dgram');
    const silent = createSocket('udp4'); // bound and silent: the Initial packets vanish, as when UDP is blocked
    await new Promise<void>((r) => silent.bind(0, '127.0.0.1', () => r()));
    const t0 = performance.now();
    const url = `https://127.0.0.1:${silent.address().port}/stratum`;
    const message = await failure(quicWebTransportConnector({ url, certHash: server.cert.sha256, connectTimeoutMs: 300 }));
    silent.close();
    expect(message).toMatch(/timed out/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('sends GOAWAY and closes sessions with "server stopped" on shutdown', async () => {
    const other = await startQuicWebTransportServer({ sink: () => {} });
    const s = await session(quicWebTransportConnector({ url: other.url, certHash: other.cert.sha256 }));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => s.setHandlers({ onDatagram: () => {}, onStream: () => {}, onClose: resolve }));
    await other.close();
    expect(await closed).toEqual({ code: 0, reason: 'server stopped' });
    expect(other.connections).toBe(0);
  });

  it('survives 100 connect/disconnect cycles with bounded memory and nothing left over', async () => {
    const gc = getGc();
    const cycle = async () => {
      const { client } = startClient();
      await waitFor(() => client.state === 'active', 'soak connect');
      client.stop();
    };
    for (let i = 0; i < 10; i++) await cycle();
    await waitFor(() => net.open === 0 && server.connections === 0, 'warm-up to close');
    const before = await settledMemoryMB(gc);
    for (let i = 0; i < 100; i++) await cycle();
    await waitFor(() => net.open === 0 && server.connections === 0, 'soak to close');
    const after = await settledMemoryMB(gc);
    expect(after.managed - before.managed).toBeLessThan(10);
    expect(server.openSessions).toBe(0);
  });
});
