/**
 * The minimal game with headless players: the server on free ports, two clients join over WebTransport as a page
 * would (reading /connect.json; QUIC on Node), load the world around them and see each other.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROTOCOL } from 'stratum-voxel';
import { connect, type Connection } from 'stratum-voxel/client';
import { nodeConnector } from 'stratum-voxel/server';
import { startMinimal } from './server.ts';

const running = await startMinimal({ port: 0, httpPort: 0 });
const clients: Connection[] = [];
afterAll(async () => {
  for (const c of clients) c.client.stop();
  await running.stop();
});

/** Resolves once `test()` holds, polling every 50 ms; rejects after `ms`. */
async function until(test: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !test(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) throw new Error('timed out');
  }
}

describe('the minimal example', () => {
  it('serves its connect info, and two headless players join, load chunks and see each other', async () => {
    const info = await (await fetch(new URL('/connect.json', running.net.httpUrl))).json() as { transports: string[] };
    expect(info.transports.length).toBeGreaterThan(0);
    for (const name of ['ann', 'bob']) {
      clients.push(await connect(running.net.httpUrl, { protocol: DEFAULT_PROTOCOL, connector: nodeConnector, name }));
    }
    const chunks = clients.map(() => 0);
    clients.forEach((c, i) => c.client.bus.on('ChunkLoaded', () => { chunks[i]++; }));
    await until(() => clients.every((c) => c.client.remotes.size === 1) && chunks.every((n) => n > 0));
    expect(running.server.players.size).toBe(2);
    expect(clients.map((c) => c.transport())).toEqual(['node', 'node']);
  });
});
