/**
 * The browser path, run in Node: the package's WebSocket mapping (`WebTransportPonyfill`, what
 * `WebTransportPolyfill` falls back to) against the real server, pinging every channel. Node's WebSocket cannot pin
 * a certificate hash, so this test process (vitest runs each file in its own process) skips certificate checks for
 * its connections to 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus } from '../../../../engine/events.ts';
import { loadHasher } from '../../../../engine/hash.ts';
import { createRng } from '../../../../engine/rng.ts';
import { Channel } from '../../../../engine/net/channels.ts';
import type { NetClientEvents } from '../../../../engine/net/client.ts';
import { createNetClient } from '../../../../engine/net/client.ts';
import { createRealtimeScheduler } from '../../../../engine/net/scheduler.ts';
import type { WebTransportConstructor } from '../../../../engine/net/webtransport-client.ts';
import { webTransportConnector } from '../../../../engine/net/webtransport-client.ts';
import { localIdentity } from '../../../../engine/protocol/handshake.ts';
import { MsgType } from '../../../../engine/protocol/messages.ts';
import type { NodeNetServer } from '../../../../engine/platform/node/net-server.ts';
import { startNodeNetServer } from '../../../../engine/platform/node/net-server.ts';
import { waitFor } from '../../../../bench/net-workloads.ts';

let server: NodeNetServer;
let Ponyfill: WebTransportConstructor;

beforeAll(async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const entry = import.meta.resolve('@fails-components/webtransport').replace(/index\.node\.js$/, 'index.browser.js');
  Ponyfill = ((await import(entry)) as { WebTransportPonyfill: WebTransportConstructor }).WebTransportPonyfill;
  server = await startNodeNetServer({ log: () => {} });
});

afterAll(async () => {
  await server.close();
});

describe('WebSocket mapping (browser polyfill path)', () => {
  it('handshakes and pings every channel', async () => {
    const got: number[] = [];
    const client = createNetClient({
      connect: webTransportConnector({ url: server.wt.url, certHash: server.wt.cert.sha256, WebTransport: Ponyfill }),
      identity: localIdentity(await loadHasher()), name: 'browser', scheduler: createRealtimeScheduler(), rng: createRng(1),
      bus: createEventBus<NetClientEvents>(), reconnect: false, onMessage: (_c, m) => got.push(m.type),
    });
    client.start();
    try {
      await waitFor(() => client.state === 'active', 'handshake');
      const session = server.net.sessions.get(client.sessionId)!;
      const rtts = await Promise.all([
        client.ping(Channel.Control), client.ping(Channel.Input), client.ping(Channel.Chat), client.ping(Channel.Diagnostics),
        session.connection.ping(Channel.ChunkStream), session.connection.ping(Channel.EntityDelta),
      ]);
      for (const r of rtts) expect(r).toBeGreaterThanOrEqual(0);
      session.send(Channel.ChunkStream, { type: MsgType.ChunkUnload, cx: 1, cz: 1 });
      await waitFor(() => got.length === 1, 'chunk message');
      expect(got).toEqual([MsgType.ChunkUnload]);
    } finally {
      client.stop();
    }
  });
});
