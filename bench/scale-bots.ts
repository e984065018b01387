/**
 * A bots process of `stratum-voxel bench scale`: COUNT GameClients (named bot<FIRST+1>...) join the server at URL over
 * WebTransport, in waves of 10 every WAVE_MS. The bench runs several such processes so that no one event loop
 * carries every bot. Talks to the bench as JSON lines on stdout; progress and every bot's disconnect (kind and
 * reason) go to stderr.
 *
 * - When every bot joined or gave up (or 60 s passed), prints `{"joined": ...}`: how many joined, why the others did
 *   not (their first close, by reason), join times, and this process's own CPU and event-loop delay meanwhile.
 * - In `idle` mode the bots stand still; once their column counts stopped changing, prints `{"settled": ...}`.
 * - In `regions` mode (the cluster bench), bots 1..CROSSERS of the whole run cross x = 0 back and forth
 *   (game/client/crosser-bot.ts); the others go, one each in turn, to a spot in region r0_0 (x > 0) and in r-1_0
 *   (x < 0), and wander there.
 * - On the stdin line `mark`, starts counting closes anew; on `report`, prints `{"result": ...}` (closes of joined
 *   bots by reason, since joining and since the mark; how many are connected, at x >= 0 and x < 0); on `stop` (or
 *   the end of stdin), stops the bots and exits.
 *
 * Usage: node bench/scale-bots.ts URL FIRST COUNT WAVE_MS [play|idle|regions [CROSSERS]]
 */
import { createInterface } from 'node:readline';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { cpuUsage } from 'node:process';
import { hexToBytes, loadHasher } from '../engine/hash.ts';
import { createRealtimeScheduler } from '../engine/net/scheduler.ts';
import { nodeWebTransportConnector } from '../engine/platform/node/webtransport.ts';
import { nodeZstd } from '../engine/platform/node/zstd.ts';
import { GAME_PROTOCOL } from '../game/protocol.ts';
import { createRng } from '../engine/rng.ts';
import { clientBot, type GroundPoint } from '../game/client/bot.ts';
import { crosserBot } from '../game/client/crosser-bot.ts';
import { createGameClient, type GameClient } from '../engine/client/game-client.ts';
import { fetchConnectInfo } from '../game/commands/bot.ts';
import { countReasons, reasonKey } from './scale-reasons.ts';

const [url, firstArg, countArg, waveArg, mode = 'play', crossersArg = '0'] = process.argv.slice(2);
const first = Number(firstArg), count = Number(countArg), waveMs = Number(waveArg), crossers = Number(crossersArg);
const idle = mode === 'idle';
/** `regions` mode: the spots in regions r0_0 and r-1_0 (256 x 256 blocks each), well inside both; bots wander within 12 blocks. */
const SPOTS: readonly GroundPoint[] = [{ x: 40, z: 24 }, { x: -40, z: 24 }];
/** `regions` mode: crossers turn at x = +-12. */
const CROSS_SPAN = 12;
/**
 * `regions` mode: no block edits within this many blocks of x = 0. No bot then edits a block of the region across
 * the border, which its shard does not own (walking to its spot, a bot crosses it), nor walls in the crossers' lane
 * (|x| <= CROSS_SPAN, and a block or two of overshoot; the reach is under 6 blocks), which would stop them crossing.
 */
const NO_EDITS_NEAR_BORDER = CROSS_SPAN + 8;
/** The input function of bot index i (0-based over the whole run). */
const behaviour = (i: number) => {
  if (idle) return () => ({ buttons: 0, yaw: 0, pitch: 0 });
  if (mode !== 'regions') return clientBot(i + 1, 40);
  if (i < crossers) return crosserBot(CROSS_SPAN, i % 2 === 0); // half set off each way: hand-offs come apart
  const wander = clientBot(i + 1, 12, SPOTS[(i - crossers) % SPOTS.length]);
  return (c: GameClient) => {
    const { block, ...input } = wander(c);
    return block && Math.abs(c.predictor?.body.x ?? 0) >= NO_EDITS_NEAR_BORDER ? { ...input, block } : input;
  };
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (o: object) => process.stdout.write(`${JSON.stringify(o)}\n`);
/** How long the bots have to join, ms. */
const JOIN_WAIT_MS = 60_000;

/** What happened to one bot. */
interface BotRecord {
  client: GameClient;
  /** ms after the first start when it began predicting (joined), or NaN. */
  joinedMs: number;
  /** Its disconnects, keyed by reason, in order. */
  closes: string[];
}

const hasher = await loadHasher();
const info = await fetchConnectInfo(url);
const log = (name: string) => (level: string, m: string) => {
  if (level !== 'info' || m.startsWith('disconnected')) process.stderr.write(`  [${name}] ${level}: ${m}\n`);
};
const connect = await nodeWebTransportConnector({ url: info.webTransportUrl, certHash: hexToBytes(info.certHashHex), log: log(`bots ${first + 1}..${first + count}`) });
const scheduler = createRealtimeScheduler();

// This process's own load while the bots join: a starved event loop delays TLS handshakes and heartbeats.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const cpu0 = cpuUsage();
const t0 = performance.now();
const bots: BotRecord[] = [];
for (let i = first; i < first + count; i++) {
  const name = `bot${i + 1}`;
  const c = createGameClient({
    connect, protocol: GAME_PROTOCOL, scheduler, rng: createRng(i + 1), codec: { zstd: nodeZstd, hasher }, name, reconnect: false,
    input: behaviour(i), log: log(name),
  });
  const rec: BotRecord = { client: c, joinedMs: NaN, closes: [] };
  c.bus.on('Disconnected', ({ kind, reason }) => { rec.closes.push(reasonKey(kind, reason)); });
  c.start();
  bots.push(rec);
  if ((i - first) % 10 === 9) await sleep(waveMs); // join in waves, as players would
}
const joinedNow = () => {
  const now = performance.now() - t0;
  for (const b of bots) if (Number.isNaN(b.joinedMs) && b.client.predictor) b.joinedMs = now;
  return bots.filter((b) => !Number.isNaN(b.joinedMs)).length;
};
// Until every bot joined or gave up (disconnected before joining), or the wait is over.
while (joinedNow() < count && bots.some((b) => Number.isNaN(b.joinedMs) && b.client.net.state !== 'disconnected')
  && performance.now() - t0 < JOIN_WAIT_MS) await sleep(100);
const joined = joinedNow();
loopDelay.disable();
const joinCpu = cpuUsage(cpu0);
/** Why each bot that never joined did not: its first disconnect, or where it stood when the wait ended. */
const joinFailures = countReasons(bots.filter((b) => Number.isNaN(b.joinedMs)).map((b) => b.closes[0]
  ?? `not joined within ${JOIN_WAIT_MS / 1000} s: ${b.client.net.state}, ${b.client.world.voxels.columns.size} columns`));
const botsLoad = {
  cpuPercent: ((joinCpu.user + joinCpu.system) / 1000 / (performance.now() - t0)) * 100,
  loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6,
};
process.stderr.write(`  bots ${first + 1}..${first + count}: ${joined}/${count} joined in ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
  `(this process: cpu ${botsLoad.cpuPercent.toFixed(0)}%, event-loop delay p99 ${botsLoad.loopDelayP99Ms.toFixed(0)} ms, max ${botsLoad.loopDelayMaxMs.toFixed(0)} ms)` +
  `${joined < count ? `; not joined: ${JSON.stringify(joinFailures)}` : ''}\n`);
say({ joined: { joined, joinFailures, botsLoad, joinMs: bots.map((b) => b.joinedMs).filter((x) => !Number.isNaN(x)) } });

if (idle) {
  // Idle bots get their columns once; wait until the total stopped changing for 3 s.
  let last = -1;
  for (let stable = 0; stable < 3 && performance.now() - t0 < JOIN_WAIT_MS * 2; await sleep(1000)) {
    const total = bots.reduce((n, b) => n + b.client.world.voxels.columns.size, 0);
    stable = total === last ? stable + 1 : 0;
    last = total;
  }
  say({ settled: { columns: last } });
}

let marked = bots.map((b) => b.closes.length);
const stop = async () => {
  for (const b of bots) b.client.stop('bench finished');
  await sleep(200);
  process.exit(0);
};
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line === 'mark') marked = bots.map((b) => b.closes.length);
  else if (line === 'report') {
    const ofJoined = bots.filter((b) => !Number.isNaN(b.joinedMs));
    say({ result: {
      disconnects: countReasons(ofJoined.flatMap((b) => b.closes)),
      disconnectsSinceMark: countReasons(bots.flatMap((b, i) => b.closes.slice(marked[i]))),
      connected: bots.filter((b) => b.client.net.state === 'active').length,
      // Where the connected bots stand (the cluster bench checks that they spread over both sides of x = 0).
      east: bots.filter((b) => b.client.net.state === 'active' && (b.client.predictor?.body.x ?? 0) >= 0).length,
      west: bots.filter((b) => b.client.net.state === 'active' && (b.client.predictor?.body.x ?? 0) < 0).length,
    } });
  } else if (line === 'stop') void stop();
});
lines.on('close', () => void stop());
