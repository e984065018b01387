/**
 * End to end over real WebTransport on 127.0.0.1: the server makes its certificate, a Node client pins its hash,
 * the handshake runs, and ping/pong works on every channel; a hostile session is closed alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus } from '../engine/events.ts';
import { loadHasher } from '../engine/hash.ts';
import { createRng } from '../engine/rng.ts';
import { Channel } from '../engine/net/channels.ts';
import type { NetClient, NetClientEvents } from '../engine/net/client.ts';
import { createNetClient } from '../engine/net/client.ts';
import { createRealtimeScheduler } from '../engine/net/scheduler.ts';
import type { NetServer } from '../engine/net/server.ts';
import { createNetServer } from '../engine/net/server.ts';
import type { Connector, TransportSession } from '../engine/net/transport.ts';
import { localIdentity } from '../engine/protocol/handshake.ts';
import type { ProtocolIdentity } from '../engine/protocol/handshake.ts';
import { encodeFrame } from '../engine/protocol/framing.ts';
import { makeHello } from '../engine/protocol/handshake.ts';
import { MsgType } from '../engine/protocol/messages.ts';
import type { Message } from '../engine/protocol/messages.ts';
import type { WebTransportServer } from '../engine/platform/node/webtransport.ts';
import { nodeWebTransportConnector, startWebTransportServer } from '../engine/platform/node/webtransport.ts';

const scheduler = createRealtimeScheduler();
let identity: ProtocolIdentity;
let wt: WebTransportServer;
let net: NetServer;
let connect: Connector;
const serverLogs: string[] = [];
const serverGot: Message[] = [];

function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const check = () => {
      if (cond()) return resolve();
      if (Date.now() - t0 > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 5);
    };
    check();
  });
}

function startClient(received: Array<[Channel, Message]> = []): { client: NetClient; events: string[] } {
  const bus = createEventBus<NetClientEvents>();
  const events: string[] = [];
  bus.onAny((n) => events.push(n));
  const client = createNetClient({ connect, identity, name: 'e2e', scheduler, rng: createRng(1), bus, reconnect: false, onMessage: (c, m) => received.push([c, m]) });
  client.start();
  return { client, events };
}

beforeAll(async () => {
  identity = localIdentity(await loadHasher());
  net = createNetServer({
    identity, scheduler, adminToken: 't', log: (l, m) => serverLogs.push(`${l} ${m}`), onMessage: (_s, _c, m) => serverGot.push(m),
    // The flow-control case sends 2,000 chat lines at once: a transport test, not one of the chat budget.
    limits: { messages: { chat: { perSecond: 10_000, burst: 10_000 } }, bytes: { perSecond: 1 << 20, burst: 4 << 20 } },
  });
  wt = await startWebTransportServer({ sink: net.accept });
  connect = await nodeWebTransportConnector({ url: wt.url, certHash: wt.cert.sha256 });
});

afterAll(async () => {
  net.closeAll('test over');
  await wt.close();
});

describe('WebTransport end to end', () => {
  it('uses a pinned ECDSA certificate valid for at most 14 days', () => {
    expect(wt.cert.sha256).toHaveLength(32);
    expect(wt.cert.notAfter.getTime() - wt.cert.notBefore.getTime()).toBeLessThanOrEqual(14 * 86_400_000);
    expect(wt.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/stratum$/);
  });

  it('connects, and ping/pong works on every channel in both directions', async () => {
    const received: Array<[Channel, Message]> = [];
    const { client, events } = startClient(received);
    await until(() => client.state === 'active', 'handshake');
    expect(events).toEqual(['Connected']);
    const session = net.sessions.get(client.sessionId)!;
    const rtts = await Promise.all([
      client.ping(Channel.Control), client.ping(Channel.Input), client.ping(Channel.Chat), client.ping(Channel.Diagnostics),
      session.connection.ping(Channel.ChunkStream), session.connection.ping(Channel.EntityDelta), session.connection.ping(Channel.Chat),
    ]);
    for (const r of rtts) expect(r).toBeGreaterThanOrEqual(0);
    // A chunk of real size on the chunk stream and a chat line back.
    session.send(Channel.ChunkStream, { type: MsgType.ChunkData, cx: 1, cz: 2, checksum: '00000000000000ff', data: new Uint8Array(200_000).fill(7) });
    client.send(Channel.Chat, { type: MsgType.ClientChat, text: 'hi' });
    await until(() => received.length === 1, 'chunk');
    const [ch, m] = received[0];
    expect(ch).toBe(Channel.ChunkStream);
    expect(m.type === MsgType.ChunkData && m.data.length).toBe(200_000);
    client.stop('done');
    await until(() => net.open === 0, 'server-side close');
  });

  it('closes a hostile session alone while another client keeps working', async () => {
    const { client } = startClient();
    await until(() => client.state === 'active', 'good client');
    const raw = await new Promise<TransportSession>((resolve, reject) => connect((r) => (r instanceof Error ? reject(r) : resolve(r))));
    const closed: string[] = [];
    raw.setHandlers({ onDatagram: () => {}, onStream: () => {}, onClose: (i) => closed.push(i.reason) });
    const control = raw.openStream('bidi');
    control.setHandlers({ onData: () => {}, onEnd: () => {} });
    control.write(Uint8Array.of(Channel.Control));
    control.write(encodeFrame([makeHello(identity, 'raw')]));
    await until(() => net.sessions.size === 2, 'raw handshake');
    control.write(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 1));
    await until(() => net.sessions.size === 1, 'hostile session closed');
    expect(serverLogs.some((l) => l.includes('(raw) closed: protocol: frame-too-large'))).toBe(true);
    await expect(client.ping(Channel.Chat)).resolves.toBeGreaterThanOrEqual(0);
    expect(client.state).toBe('active');
    client.stop();
  });

  it('refuses a client with another schema hash, naming both sides, logged on both sides', async () => {
    const bus = createEventBus<NetClientEvents>();
    const reasons: string[] = [];
    bus.on('Disconnected', (d) => reasons.push(d.reason));
    const clientLogs: string[] = [];
    const other = { ...identity, schemaHash: '0123456789abcdef' };
    const client = createNetClient({ connect, identity: other, name: 'old', scheduler, rng: createRng(2), bus, log: (l, m) => clientLogs.push(`${l} ${m}`) });
    client.start();
    await until(() => reasons.length === 1, 'refusal');
    const both = `schema hash: client 0123456789abcdef, server ${identity.schemaHash}`;
    expect(reasons[0]).toContain(both);
    expect(clientLogs.some((l) => l.startsWith('error') && l.includes(both))).toBe(true);
    expect(serverLogs.some((l) => l.startsWith('warn handshake: refused') && l.includes(both))).toBe(true);
    expect(client.state).toBe('disconnected');
  });

  it('carries far more than 16 KiB from client to server on a stream (flow-control window)', async () => {
    const { client } = startClient();
    await until(() => client.state === 'active', 'connect');
    serverGot.length = 0;
    const line = 'x'.repeat(256);
    for (let i = 0; i < 2000; i++) client.send(Channel.Chat, { type: MsgType.ClientChat, text: line }); // ~530 KB
    await until(() => serverGot.length === 2000, 'all chat lines');
    expect(serverGot.every((m) => m.type === MsgType.ClientChat && m.text === line)).toBe(true);
    client.stop();
  });
});
