/**
 * The bots process of `stratum bench scale`: N GameClients join the server at URL over WebTransport, and an admin
 * connection reads the server's stats over the diagnostics channel. Prints one JSON line (`{"result": ...}`);
 * progress and every bot's disconnect (kind and reason) go to stderr.
 *
 * Modes:
 * - `play`: scripted bots (walk and build); once the joins are over and a warm-up passed, the stats window is reset,
 *   and read after SECONDS. Reports how many joined, and join failures and later disconnects by reason.
 * - `idle`: bots that join and stand still; the server's RSS is read before the first join and once every bot holds
 *   its columns and a settling time passed, and the difference per bot is reported (`idleRssPerClientMB`).
 *
 * Usage: node bench/scale-bots.ts URL CLIENTS SECONDS ADMIN_TOKEN [play|idle]
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
import { countReasons, reasonKey } from './scale-reasons.ts';

const [url, clientsArg, secondsArg, token, modeArg = 'play'] = process.argv.slice(2);
const clients = Number(clientsArg), seconds = Number(secondsArg);
const idle = modeArg === 'idle';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How long the bots have to join, ms. */
const JOIN_WAIT_MS = 60_000;

/** What happened to one bot. */
interface BotRecord {
  client: GameClient;
  /** ms after the first start when it began predicting (joined), or NaN. */
  joinedMs: number;
  /** Its disconnects, keyed by reason, in order. */
  closes: string[];
  /** Columns it held when it first disconnected. */
  columnsAtClose: number;
}

const hasher = await loadHasher();
const identity = localIdentity(hasher);
const info = await fetchConnectInfo(url);
const connect = await nodeWebTransportConnector({ url: info.webTransportUrl, certHash: hexToBytes(info.certHashHex) });
const scheduler = createRealtimeScheduler();

// The admin connection: asks the server for its stats over the diagnostics channel.
let answer: (text: string) => void = () => {};
const admin = createNetClient({
  connect, identity, name: 'admin', scheduler, rng: createRng(999), bus: createEventBus<NetClientEvents>(), reconnect: false,
  log: (level, m) => { if (level !== 'info' || m.startsWith('disconnected')) process.stderr.write(`  [admin] ${m}\n`); },
  onMessage: (_ch, msg) => { if (msg.type === MsgType.DiagnosticsResponse) answer(msg.text); },
});
admin.start();
while (admin.state !== 'active') {
  if (admin.state === 'disconnected' && performance.now() > 20_000) throw new Error('the admin connection did not connect');
  await sleep(20);
}
const ask = (args: string[]) => new Promise<string>((resolve) => {
  answer = resolve;
  admin.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id: 1, token, command: 'stats', args });
});
const serverStats = async () => JSON.parse(await ask([])) as { rssMB: number; players: number; [k: string]: unknown };

const rssBefore = idle ? await settledRss() : NaN;

const t0 = performance.now();
const bots: BotRecord[] = [];
for (let i = 0; i < clients; i++) {
  const name = `bot${i + 1}`;
  const c = createGameClient({
    connect, identity, scheduler, rng: createRng(i + 1), codec: { zstd: nodeZstd, hasher }, name, reconnect: false,
    input: idle ? () => ({ buttons: 0, yaw: 0, pitch: 0 }) : clientBot(i + 1, 40),
    log: (level, m) => { if (level !== 'info' || m.startsWith('disconnected')) process.stderr.write(`  [${name}] ${level}: ${m}\n`); },
  });
  const rec: BotRecord = { client: c, joinedMs: NaN, closes: [], columnsAtClose: -1 };
  c.bus.on('Disconnected', ({ kind, reason }) => {
    if (rec.closes.length === 0) rec.columnsAtClose = c.world.voxels.columns.size;
    rec.closes.push(reasonKey(kind, reason));
  });
  c.start();
  bots.push(rec);
  if (i % 10 === 9) await sleep(100); // join in waves, as players would
}
const joinedNow = () => {
  const now = performance.now() - t0;
  for (const b of bots) if (Number.isNaN(b.joinedMs) && b.client.predictor) b.joinedMs = now;
  return bots.filter((b) => !Number.isNaN(b.joinedMs)).length;
};
// Until every bot joined or gave up (disconnected before joining), or the wait is over.
while (joinedNow() < clients && bots.some((b) => Number.isNaN(b.joinedMs) && b.client.net.state !== 'disconnected')
  && performance.now() - t0 < JOIN_WAIT_MS) await sleep(100);
const joined = joinedNow();
/** Why each bot that never joined did not: its first disconnect, or where it stood when the wait ended. */
const joinFailures = countReasons(bots.filter((b) => Number.isNaN(b.joinedMs)).map((b) => b.closes[0]
  ?? `not joined within ${JOIN_WAIT_MS / 1000} s: ${b.client.net.state}, ${b.client.world.voxels.columns.size} columns`));
const joinMs = bots.map((b) => b.joinedMs).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
process.stderr.write(`  ${joined}/${clients} bots joined in ${((performance.now() - t0) / 1000).toFixed(1)} s` +
  `${joined < clients ? `; not joined: ${JSON.stringify(joinFailures)}` : ''}\n`);

let result: Record<string, unknown>;
if (idle) {
  // Idle bots get their columns once (view distance 4: 81); wait until every joined bot's count stopped changing.
  let last = -1;
  for (let stable = 0; stable < 3 && performance.now() - t0 < JOIN_WAIT_MS * 2; await sleep(1000)) {
    const total = bots.reduce((n, b) => n + b.client.world.voxels.columns.size, 0);
    stable = total === last ? stable + 1 : 0;
    last = total;
  }
  const rssAfter = await settledRss();
  const stats = await serverStats();
  result = {
    clients, joined, joinFailures, players: stats.players, rssBeforeMB: rssBefore, rssAfterMB: rssAfter,
    idleRssPerClientMB: joined ? (rssAfter - rssBefore) / joined : NaN,
  };
} else {
  await sleep(2000); // warm up
  const dropsBefore = bots.reduce((n, b) => n + b.closes.length, 0);
  await ask(['reset']);
  await sleep(seconds * 1000);
  const stats = await serverStats();
  const disconnects = countReasons(bots.filter((b) => !Number.isNaN(b.joinedMs)).flatMap((b) => b.closes));
  result = {
    ...stats, clients, joined, joinFailures, disconnects, disconnectsInWindow: bots.reduce((n, b) => n + b.closes.length, 0) - dropsBefore,
    joinP50Ms: joinMs[Math.floor(joinMs.length / 2)] ?? NaN, joinMaxMs: joinMs.at(-1) ?? NaN,
    columnsAtClose: bots.filter((b) => b.columnsAtClose >= 0).map((b) => b.columnsAtClose),
  };
}
console.log(JSON.stringify({ result }));
for (const b of bots) b.client.stop('bench finished');
admin.stop('bench finished');
await sleep(200);
process.exit(0);

/** The server's RSS in MB: the mean of 5 readings a second apart, after 3 s of quiet. */
async function settledRss(): Promise<number> {
  await sleep(3000);
  let sum = 0;
  for (let i = 0; i < 5; i++) { sum += (await serverStats()).rssMB; await sleep(1000); }
  return sum / 5;
}
