/**
 * The custom game for real: a server with WebTransport over HTTP/2 on 127.0.0.1 and one Node client that joins it,
 * uses the lamp slot (UseItem), casts CastLight and reads its Mana and the zombie; prints what happens and exits.
 * `node examples/custom-game/play.ts`. docs/build-your-own-game.md walks through it.
 */
import { DEFAULT_SUPERFLAT, createEventBus, createRealtimeScheduler, createRng, loadHasher, storeOf } from 'stratum-voxel';
import { createGameServer, nodeWebTransportConnector, nodeZstd, startWebTransportServer } from 'stratum-voxel/server';
import { createGameClient, type ClientEvents } from 'stratum-voxel/client';
import { CastLight, CUSTOM_PROTOCOL, Mana, UseItem } from './protocol.ts';
import { CUSTOM_SERVER, startCustomGame } from './server.ts';

/** Polls `ready` every 50 ms until it holds; false after `ms`. */
async function until(ready: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; !ready(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() > end) return false;
  return true;
}

// The server: the game's options plus what running it takes (clock, codecs, terrain, storage, logging).
const codec = { zstd: nodeZstd, hasher: await loadHasher() };
const scheduler = createRealtimeScheduler();
const server = createGameServer({
  ...CUSTOM_SERVER, scheduler, codec, terrain: DEFAULT_SUPERFLAT, worldRadius: 4, store: null,
  adminToken: 'change-me', log: (level, line) => console.log(`server ${level}: ${line}`),
});
await server.init();
const wt = await startWebTransportServer({ sink: (session) => server.net.accept(session), port: 0 });
server.start();
startCustomGame(server, (line) => console.log(`game: ${line}`));

// A client built from the same definition.
const bus = createEventBus<ClientEvents>();
const client = createGameClient({
  connect: await nodeWebTransportConnector({ url: wt.url, certHash: wt.cert.sha256 }),
  protocol: CUSTOM_PROTOCOL, scheduler, rng: createRng(1), codec, name: 'alice',
  input: () => ({ buttons: 0, yaw: 0, pitch: 0 }), bus,
});
let answered = false;
bus.on('ActionResult', (r) => { answered = true; console.log(`client: ActionResult ${r.name} ok=${r.ok}${r.reason ? ` (${r.reason})` : ''}`); });
client.start();

// Joined: its own player exists (localEid) and the server has sent its own state (Mana among it).
let ok = await until(() => client.localEid !== 0 && client.own('Mana') !== undefined, 15_000);
if (ok) {
  console.log(`client: joined, Mana ${JSON.stringify(client.own('Mana'))}`);
  client.send(UseItem, { slot: 0 });
  const mana = () => storeOf(client.world.ecs, Mana).current[client.localEid];
  const before = mana();
  console.log(`client: act CastLight -> ${JSON.stringify(client.act(CastLight, { slot: 0 }))}`);
  console.log(`client: predicted Mana ${before} -> ${mana()} at once (cost ${before - mana()})`);
  ok = await until(() => answered, 5000);
  await new Promise((r) => setTimeout(r, 200)); // the server's next own-state update
  console.log(`client: Mana ${JSON.stringify(client.own('Mana'))}`);
  console.log(`client: zombies in view ${[...client.remotes.values()].filter((r) => r.kind === 3).length}`);
}
client.stop('done');
server.stop('done');
await wt.close();
process.exit(ok ? 0 : 1);
