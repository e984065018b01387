/**
 * The bots process of `stratum bench scale`: N scripted GameClients join the server at URL over WebTransport; once
 * all have joined and warmed up, an admin connection resets the server's stats window, waits, reads the stats, and
 * prints them as one JSON line (`{"result": ...}`). Progress goes to stderr.
 * Usage: node bench/scale-bots.ts URL CLIENTS SECONDS ADMIN_TOKEN
 */
import { createEventBus } from '../engine/events.ts';
import { hexToBytes, loadHasher } from '../engine/hash.ts';
import { Channel } from '../engine/net/channels.ts';
import { createNetClient, type NetClientEvents } from '../engine/net/client.ts';
import { createRealtimeScheduler } from '../engine/net/scheduler.ts';
import { nodeWebTransportConnector } from '../engine/platform/node/webtransport.ts';
import { nodeZstd } from '../engine/platform/node/zstd.ts';
import { localIdentity } from '../engine/protocol/handshake.ts';
import { MsgType } from '../engine/protocol/messages.ts';
import { createRng } from '../engine/rng.ts';
import { clientBot } from '../game/client/bot.ts';
import { createGameClient, type GameClient } from '../game/client/game-client.ts';
import { fetchConnectInfo } from '../game/commands/bot.ts';

const [url, clientsArg, secondsArg, token] = process.argv.slice(2);
const clients = Number(clientsArg), seconds = Number(secondsArg);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const hasher = await loadHasher();
const identity = localIdentity(hasher);
const info = await fetchConnectInfo(url);
const connect = await nodeWebTransportConnector({ url: info.webTransportUrl, certHash: hexToBytes(info.certHashHex) });
const scheduler = createRealtimeScheduler();
const bots: GameClient[] = [];
for (let i = 0; i < clients; i++) {
  const c = createGameClient({ connect, identity, scheduler, rng: createRng(i + 1), codec: { zstd: nodeZstd, hasher }, name: `bot${i + 1}`, input: clientBot(i + 1, 40), reconnect: false });
  c.start();
  bots.push(c);
  if (i % 10 === 9) await sleep(100); // join in waves, as players would
}
const t0 = performance.now();
while (bots.some((b) => !b.predictor) && performance.now() - t0 < 60_000) await sleep(100);
const joined = bots.filter((b) => b.predictor).length;
process.stderr.write(`  ${joined}/${clients} bots joined in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

// The admin connection: asks the server for its stats over the diagnostics channel.
let answer: (text: string) => void = () => {};
const admin = createNetClient({
  connect, identity, name: 'admin', scheduler, rng: createRng(999), bus: createEventBus<NetClientEvents>(), reconnect: false,
  onMessage: (_ch, msg) => { if (msg.type === MsgType.DiagnosticsResponse) answer(msg.text); },
});
admin.start();
while (admin.state !== 'active') await sleep(20);
const ask = (args: string[]) => new Promise<string>((resolve) => {
  answer = resolve;
  admin.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id: 1, token, command: 'stats', args });
});
await sleep(2000); // warm up
await ask(['reset']);
await sleep(seconds * 1000);
const stats = JSON.parse(await ask([]));
console.log(JSON.stringify({ result: { ...stats, clients, joined } }));
for (const b of bots) b.stop('bench finished');
admin.stop();
await sleep(200);
process.exit(0);
