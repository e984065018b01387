/** startNodeNetServer: logs URL, certificate hash and admin token; the token unlocks diagnostics over WebTransport. */
import { describe, expect, it } from 'vitest';
import { createEventBus } from '../../../../engine/events.ts';
import { loadHasher } from '../../../../engine/hash.ts';
import { createRng } from '../../../../engine/rng.ts';
import { Channel } from '../../../../engine/net/channels.ts';
import type { NetClientEvents } from '../../../../engine/net/client.ts';
import { createNetClient } from '../../../../engine/net/client.ts';
import { createRealtimeScheduler } from '../../../../engine/net/scheduler.ts';
import { localIdentity } from '../../../../engine/protocol/handshake.ts';
import type { Message } from '../../../../engine/protocol/messages.ts';
import { MsgType } from '../../../../engine/protocol/messages.ts';
import { startNodeNetServer } from '../../../../engine/platform/node/net-server.ts';
import { nodeWebTransportConnector } from '../../../../engine/platform/node/webtransport.ts';
import { waitFor } from '../../../../bench/net-workloads.ts';

describe('startNodeNetServer', () => {
  it('prints the admin token, which diagnostics then require', async () => {
    const logs: string[] = [];
    const server = await startNodeNetServer({ log: (l, m) => logs.push(`${l} ${m}`) });
    const received: Message[] = [];
    const client = createNetClient({
      connect: await nodeWebTransportConnector({ url: server.wt.url, certHash: server.wt.cert.sha256 }),
      identity: localIdentity(await loadHasher()), name: 'admin', scheduler: createRealtimeScheduler(), rng: createRng(1),
      bus: createEventBus<NetClientEvents>(), reconnect: false, onMessage: (_c, m) => received.push(m),
    });
    try {
      expect(server.adminToken).toMatch(/^[0-9a-f]{32}$/);
      expect(logs).toContain(`info admin token ${server.adminToken}`);
      expect(logs.some((l) => l.includes(server.wt.cert.sha256Hex) && l.includes(server.wt.url))).toBe(true);
      client.start();
      await waitFor(() => client.state === 'active', 'connect');
      client.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id: 1, token: 'wrong', command: 'status', args: [] });
      client.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id: 2, token: server.adminToken, command: 'status', args: [] });
      await waitFor(() => received.length === 2, 'answers');
      expect(received.map((m) => m.type === MsgType.DiagnosticsResponse && [m.id, m.ok])).toEqual([[1, false], [2, true]]);
      expect(logs.some((l) => l.startsWith('warn diagnostics: refused'))).toBe(true);
    } finally {
      client.stop();
      await server.close();
    }
  });
});
