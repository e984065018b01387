/**
 * The custom game over the network, on the package's entry points only: its server on free ports, two headless
 * players join over WebTransport; both get their own Mana, both see the zombie wander, one casts a light and the
 * server confirms it. (test/examples/custom-game.test.ts in the repository covers the rules in detail.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SUPERFLAT, createRealtimeScheduler, loadHasher } from 'stratum-voxel';
import { connect, type Connection } from 'stratum-voxel/client';
import { createGameServer, listen, nodeConnector, nodeZstd, randomAdminToken } from 'stratum-voxel/server';
import { CUSTOM_PROTOCOL, CastLight } from './protocol.ts';
import { CUSTOM_SERVER, startCustomGame } from './server.ts';
import { CUSTOM_SYSTEMS } from './systems.ts';
import { customSimHash } from './sim.ts';

const server = createGameServer({
  ...CUSTOM_SERVER, scheduler: createRealtimeScheduler(), codec: { zstd: nodeZstd, hasher: await loadHasher() },
  terrain: DEFAULT_SUPERFLAT, worldRadius: 3, viewDistance: 2, store: null, adminToken: randomAdminToken(), log: () => {},
});
await server.init();
const net = await listen(server, { port: 0, httpPort: 0 });
server.start();
startCustomGame(server);
const players: Connection[] = [];
afterAll(async () => {
  for (const p of players) p.client.stop();
  server.stop('done');
  await net.close();
});

async function until(test: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !test(); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > end) throw new Error('timed out');
  }
}

describe('the custom game example over WebTransport', () => {
  it('two players join, each has its own Mana, both see the zombie, and CastLight is confirmed', async () => {
    for (const name of ['ann', 'bob']) {
      players.push(await connect(net.httpUrl, { protocol: CUSTOM_PROTOCOL, systems: CUSTOM_SYSTEMS, connector: nodeConnector, name }));
    }
    const results: boolean[] = [];
    players[0].client.bus.on('ActionResult', (r) => results.push(r.ok));
    const zombieSeen = (c: Connection) => [...c.client.remotes.values()].some((r) => r.kind === 3);
    // Predicting (act() needs it) starts once the column under the player is loaded.
    await until(() => players.every((p) => p.client.predictor !== undefined && p.client.own('Mana') !== undefined && zombieSeen(p)));
    expect(players[0].client.act(CastLight, { slot: 0 })).toEqual({ ok: true });
    await until(() => results.length > 0);
    expect(results).toEqual([true]);
  });

  it('its headless simulation gives the same state hash twice', async () => {
    expect(await customSimHash(3, 100)).toBe(await customSimHash(3, 100));
  });
});
