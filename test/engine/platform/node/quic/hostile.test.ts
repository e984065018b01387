/**
 * Hostile input against a running QUIC WebTransport server with a player connected: 10,000 malformed UDP packets,
 * then connections that break HTTP/3 (frames, SETTINGS, QPACK, capsules, datagrams, random stream bytes). Each bad
 * connection is closed alone with its HTTP/3 error code and a reason; the player keeps playing throughout.
 */
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEventBus } from '../../../../../engine/events.ts';
import { loadHasher } from '../../../../../engine/hash.ts';
import { createRng } from '../../../../../engine/rng.ts';
import { Channel } from '../../../../../engine/net/channels.ts';
import type { NetClient, NetClientEvents } from '../../../../../engine/net/client.ts';
import { createNetClient } from '../../../../../engine/net/client.ts';
import { createRealtimeScheduler } from '../../../../../engine/net/scheduler.ts';
import type { NetServer } from '../../../../../engine/net/server.ts';
import { createNetServer } from '../../../../../engine/net/server.ts';
import { localIdentity } from '../../../../../engine/protocol/handshake.ts';
import { H3Code } from '../../../../../engine/platform/node/quic/h3-error.ts';
import { FrameType, encodeFrame } from '../../../../../engine/platform/node/quic/h3-frame.ts';
import { encodeSettings, localSettings } from '../../../../../engine/platform/node/quic/h3-settings.ts';
import { encodeFieldSection } from '../../../../../engine/platform/node/quic/qpack.ts';
import { connectRequestFields } from '../../../../../engine/platform/node/quic/connect-request.ts';
import { concatBytes, encodeVarint } from '../../../../../engine/platform/node/quic/varint.ts';
import type { QuicWebTransportServer } from '../../../../../engine/platform/node/quic/webtransport-server.ts';
import { startQuicWebTransportServer } from '../../../../../engine/platform/node/quic/webtransport-server.ts';
import { quicWebTransportConnector } from '../../../../../engine/platform/node/quic/webtransport-client.ts';
import type { RawQuic } from '../../../../support/raw-quic.ts';
import { openRawQuic } from '../../../../support/raw-quic.ts';
import { waitFor } from '../../../../../bench/net-workloads.ts';

const scheduler = createRealtimeScheduler();
let server: QuicWebTransportServer;
let net: NetServer;
let player: NetClient;
const logs: string[] = [];

const control = concatBytes([encodeVarint(0), encodeFrame(FrameType.Settings, encodeSettings(localSettings()))]);
const connectHeaders = encodeFrame(FrameType.Headers, encodeFieldSection(connectRequestFields('127.0.0.1', '/stratum')));

/** Opens a raw connection, lets `act` misbehave, and returns the HTTP/3 error code the server closed it with. */
async function closedWith(act: (raw: RawQuic) => void): Promise<number> {
  const raw = await openRawQuic(server.port);
  act(raw);
  const info = await raw.closed;
  expect(info.by).toBe('peer');
  expect(info.reason.length).toBeGreaterThan(0);
  return info.code;
}

/** Writes a control stream with SETTINGS and a CONNECT; returns the CONNECT stream id. */
function openSession(raw: RawQuic): number {
  raw.quic.writeStream(raw.quic.nextStreamId('uni'), control);
  const id = raw.quic.nextStreamId('bidi');
  raw.quic.writeStream(id, connectHeaders);
  return id;
}

async function playerStillPlays(): Promise<void> {
  expect(player.state).toBe('active');
  await expect(player.ping(Channel.Input, 2000)).resolves.toBeGreaterThanOrEqual(0);
  await expect(player.ping(Channel.Chat, 2000)).resolves.toBeGreaterThanOrEqual(0);
}

beforeAll(async () => {
  const identity = localIdentity(await loadHasher());
  net = createNetServer({ identity, scheduler, adminToken: 't', maxSessionsPerAddress: 1000 });
  server = await startQuicWebTransportServer({ sink: net.accept, log: (l, m) => logs.push(`${l} ${m}`) });
  const bus = createEventBus<NetClientEvents>();
  player = createNetClient({
    connect: quicWebTransportConnector({ url: server.url, certHash: server.cert.sha256 }),
    identity, name: 'player', scheduler, rng: createRng(1), bus, reconnect: false,
  });
  player.start();
  await waitFor(() => player.state === 'active', 'player');
});

afterAll(async () => {
  player.stop();
  net.closeAll('over');
  await server.close();
});

describe('QUIC server under hostile input', () => {
  it('drops at least 10,000 malformed UDP packets and keeps serving the player', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
    const rng = createRng(42);
    const byte = () => Math.floor(rng.next() * 256);
    const before = server.stats.packetsIn;
    for (let i = 0; i < 14_000; i++) {
      const kind = i % 4;
      const len = kind === 2 ? 1200 + Math.floor(rng.next() * 150) : 1 + Math.floor(rng.next() * 300);
      const p = Uint8Array.from({ length: len }, byte);
      if (kind === 1) p[0] = 0x40 | (p[0] & 0x3f); // a short header with a random connection id
      if (kind === 2) { p[0] = 0xc0; p.set([0, 0, 0, 1], 1); p[5] = 8; } // an Initial-looking long header, garbage after
      if (kind === 3) p[0] |= 0x80; // other long headers, random versions
      socket.send(p, server.port, '127.0.0.1');
      if (i % 20 === 19) await new Promise((r) => setImmediate(r)); // let the server read: the socket buffer is finite
    }
    // A few may be lost in the kernel's socket buffer (this process sends and receives); 10,000 must arrive.
    await waitFor(() => server.stats.packetsIn - before >= 10_000, 'packets to arrive', 20_000);
    socket.close();
    expect(server.stats.accepted).toBe(1); // only the player
    expect(server.connections).toBe(1); // no state kept for garbage behind Initial-looking headers
    expect(server.openSessions).toBe(1);
    await playerStillPlays();
  });

  it('closes connections that break HTTP/3, each with its error code and a reason', async () => {
    expect(await closedWith((r) => r.quic.writeStream(r.quic.nextStreamId('uni'), concatBytes([encodeVarint(0), encodeFrame(FrameType.Data, new Uint8Array(3))])))).toBe(H3Code.MissingSettings);
    const dupSettings = concatBytes([encodeVarint(0), encodeFrame(FrameType.Settings, Uint8Array.of(1, 0, 1, 0))]);
    expect(await closedWith((r) => r.quic.writeStream(r.quic.nextStreamId('uni'), dupSettings))).toBe(H3Code.SettingsError);
    expect(await closedWith((r) => {
      r.quic.writeStream(r.quic.nextStreamId('uni'), control);
      r.quic.writeStream(r.quic.nextStreamId('uni'), control);
    })).toBe(H3Code.StreamCreationError);
    expect(await closedWith((r) => r.quic.writeStream(r.quic.nextStreamId('bidi'), encodeFrame(FrameType.Headers, Uint8Array.of(5, 0, 0x80))))).toBe(H3Code.QpackDecompressionFailed);
    expect(await closedWith((r) => r.quic.writeStream(r.quic.nextStreamId('bidi'), encodeFrame(FrameType.Data, Uint8Array.of(1))))).toBe(H3Code.FrameUnexpected);
    expect(await closedWith((r) => r.quic.writeStream(r.quic.nextStreamId('bidi'), Uint8Array.from([...encodeVarint(FrameType.Headers), ...encodeVarint(1 << 30)])))).toBe(H3Code.ExcessiveLoad);
    expect(await closedWith((r) => {
      const id = openSession(r);
      r.quic.writeStream(id, encodeFrame(FrameType.Data, Uint8Array.from([...encodeVarint(0x2843), 2, 0, 0]))); // close capsule, 2-byte value
    })).toBe(H3Code.MessageError);
    expect(await closedWith((r) => {
      openSession(r);
      setTimeout(() => r.quic.sendDatagram(Uint8Array.of(0x40)), 50); // a datagram with a cut quarter stream id
    })).toBe(H3Code.DatagramError);
    expect(logs.filter((l) => l.startsWith('warn HTTP/3 error')).length).toBeGreaterThanOrEqual(8);
    await playerStillPlays();
  });

  it('survives random bytes on random streams of many connections', async () => {
    const cases = fc.sample(fc.record({
      uni: fc.boolean(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }), settingsFirst: fc.boolean(),
    }), { numRuns: 30, seed: 7 });
    for (const c of cases) {
      const raw = await openRawQuic(server.port);
      if (c.settingsFirst) raw.quic.writeStream(raw.quic.nextStreamId('uni'), control);
      raw.quic.writeStream(raw.quic.nextStreamId(c.uni ? 'uni' : 'bidi'), c.bytes, true);
      const outcome = await Promise.race([raw.closed.then((i) => i.code), new Promise<string>((r) => setTimeout(() => r('open'), 100))]);
      if (outcome === 'open') raw.quic.close(true, 0x100, 'done');
      else expect(Number(outcome)).toBeGreaterThanOrEqual(0x100);
    }
    await waitFor(() => server.openSessions <= 1, 'bad sessions to end');
    await playerStillPlays();
    await waitFor(() => server.connections === 1, 'only the player connection left', 10_000);
  });
});
