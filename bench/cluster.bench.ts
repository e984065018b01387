/**
 * Cluster bench, "cluster S shards N bots in two regions superflat view 4" (docs/cluster.md, "How the figures extend
 * to N machines"): for each shard count S, a fresh cluster (bench/cluster-procs.ts: local nats-server, S shard
 * processes, a gateway in this process) and, for each bot count N, N bots over WebTransport through the gateway
 * (bench/scale-bots.ts `regions` mode): half wander in region r0_0 (x > 0), half in r-1_0 (x < 0), and a few crossers
 * walk back and forth across x = 0, so that with two shards players are handed off all the time. Over a window it
 * reads each shard's tick p50/p99 (its /metrics histogram), its NATS messages and bytes per tick (the nats-server's
 * /connz for the shard's named connection), the gateway's hand-off times, and how many bots stayed joined.
 * "Players held" is the largest N for which every shard ran 99% of its ticks within 25 ms (the histogram's bucket
 * bound, so p99 <= 25 ms) and 95% of the bots stayed joined.
 * All processes share this machine's cores.
 */
import { writeFileSync } from 'node:fs';
import type { Bench } from '../game/commands/bench.ts';
import { OptionError, formatHelp, parseOptions } from '../game/options.ts';
import { formatReasons } from './scale-reasons.ts';
import { joinBots, mergeReasons, type BotsProc } from './scale-procs.ts';
import { startBenchCluster, type BenchCluster } from './cluster-procs.ts';
import {
  histogramDelta, histogramQuantile, percentile, readConnz, scrapeShard, shareAtMost, trafficDelta, type NatsTraffic,
} from './cluster-figures.ts';

const OPTIONS = {
  'shards-list': { kind: 'string', default: '1,2', help: 'comma-separated shard counts' },
  clients: { kind: 'string', default: '20,40,80', help: 'comma-separated bot counts (crossers included)' },
  crossers: { kind: 'int', default: 4, min: 0, max: 100, help: 'bots that walk back and forth across x = 0' },
  seconds: { kind: 'int', default: 10, min: 2, max: 600, help: 'measurement window per count' },
  warmup: { kind: 'int', default: 15, min: 0, max: 600, help: 'seconds after the joins before the window (the bots walk to their regions)' },
  'world-radius': { kind: 'int', default: 20, min: 2, max: 64, help: 'world radius, chunks (superflat): 20 gives 4 x 4 regions' },
  'view-distance': { kind: 'int', default: 4, min: 2, max: 16, help: 'view distance, chunks' },
  'bots-per-process': { kind: 'int', default: 50, min: 1, max: 500, help: 'most bots in one bots process' },
  'join-rate': { kind: 'int', default: 25, min: 1, max: 1000, help: 'bots starting to join per second, over all bots processes' },
  json: { kind: 'string', help: 'write the figures to this JSON file' },
} as const;

/** The tick p99 a shard must stay under for its players to count as held, seconds (a bound of TICK_BUCKETS). */
const TICK_TARGET_S = 0.025;
/** The share of the bots that must stay joined for a count to be held. */
const HELD_JOINED = 0.95;
/** Ticks per second. */
const TICK_HZ = 20;

/** One shard's figures over a window. */
interface ShardRow {
  id: string;
  /** Players on it at the end of the window. */
  players: number;
  /** Ticks it ran in the window. */
  ticks: number;
  /** Its process's CPU in the window, % of one core. */
  cpuPercent: number;
  /** Ticks it dropped in the window, having fallen behind. */
  droppedTicks: number;
  /** Tick p50 and p99, ms, interpolated inside the histogram's buckets; null past its last bound (100 ms). */
  tickP50Ms: number | null; tickP99Ms: number | null;
  /** Share of its ticks at most 25 ms. */
  ticksWithinTarget: number;
  /** NATS traffic per tick: published (in, as the server counts) and delivered (out). */
  natsPerTick: { msgsOut: number; msgsIn: number; kbOut: number; kbIn: number };
}

/** One (shards, clients) measurement. */
interface Run {
  shards: number; clients: number; joined: number;
  /** Bots still connected at the end of the window. */
  stayed: number;
  /** Of those, how many stood at x >= 0 (region column 0) and at x < 0 (column -1). */
  botsAt: { east: number; west: number };
  joinFailures: Record<string, number>;
  disconnects: Record<string, number>;
  perShard: ShardRow[];
  /** The gateway's NATS traffic per tick (of the first shard's ticks). */
  gatewayNatsPerTick?: { msgsOut: number; msgsIn: number; kbOut: number; kbIn: number };
  /** The bench process (the gateway, and the bench's polling) in the window, % of one core. */
  gatewayCpuPercent: number;
  /** Hand-offs in the window: count, failures, p50/p99 ms. */
  handoffs: { count: number; failed: number; p50Ms: number; p99Ms: number };
  /** Hand-offs from the joins to the end of the window (warm-up included). */
  handoffsAll: { count: number; failed: number; p50Ms: number; p99Ms: number };
  /** Every shard's tick p99 < 25 ms and 95% of the bots stayed joined. */
  held: boolean;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Seconds to ms; null past the histogram (Infinity), so that JSON keeps it. */
const ms = (s: number) => (s === Infinity ? null : s * 1000);

/** Count, failures and p50/p99 of moves. */
function moveFigures(moves: BenchCluster['moves']) {
  const ok = moves.filter((m) => m.ok).map((m) => m.ms);
  return { count: ok.length, failed: moves.length - ok.length, p50Ms: percentile(ok, 50), p99Ms: percentile(ok, 99) };
}

/** Traffic per tick, in messages and KB, both ways. */
function perTick(t: NatsTraffic, ticks: number) {
  return { msgsOut: t.inMsgs / ticks, msgsIn: t.outMsgs / ticks, kbOut: t.inBytes / 1024 / ticks, kbIn: t.outBytes / 1024 / ticks };
}

/** What the bench reads before and after the window. */
async function snapshot(c: BenchCluster) {
  const [scrapes, connz] = await Promise.all([Promise.all(c.shards.map((s) => scrapeShard(s.metricsUrl))), readConnz(c.monitorUrl)]);
  return { scrapes, connz, moves: c.moves.length, dropped: c.shards.map((s) => s.droppedTicks), cpu: process.cpuUsage(), at: performance.now() };
}

/** One count on a running cluster: join, warm up, measure over the window, stop the bots. */
async function runCount(c: BenchCluster, n: number, o: { seconds: number; warmup: number; crossers: number; perProcess: number; joinRate: number; log: (l: string) => void }): Promise<Run> {
  const row: Run = {
    shards: c.shards.length, clients: n, joined: 0, stayed: 0, gatewayCpuPercent: NaN, botsAt: { east: 0, west: 0 }, joinFailures: {}, disconnects: {}, perShard: [],
    handoffs: moveFigures([]), handoffsAll: moveFigures([]), held: false,
  };
  const procs: BotsProc[] = [];
  const movesFrom = c.moves.length;
  try {
    const j = await joinBots(c.pageUrl, n, o.perProcess, o.joinRate, 'regions', Math.min(o.crossers, n), procs);
    Object.assign(row, { joined: j.joined, joinFailures: j.joinFailures });
    o.log(`    ${j.joined}/${n} joined; warming up ${o.warmup} s (the bots walk to their regions)`);
    await sleep(o.warmup * 1000);
    const a = await snapshot(c);
    for (const p of procs) p.mark();
    await sleep(o.seconds * 1000);
    const b = await snapshot(c);
    const results = await Promise.all(procs.map((p) => p.report())) as Array<{ disconnects: Record<string, number>; connected: number; east: number; west: number }>;
    row.stayed = results.reduce((s, r) => s + r.connected, 0);
    row.botsAt = { east: results.reduce((s, r) => s + r.east, 0), west: results.reduce((s, r) => s + r.west, 0) };
    row.disconnects = mergeReasons(results.map((r) => r.disconnects));
    const windowS = (b.at - a.at) / 1000;
    row.gatewayCpuPercent = ((b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system) / 1e6 / windowS) * 100;
    row.perShard = c.shards.map((s, i) => {
      const tick = histogramDelta(a.scrapes[i].tick, b.scrapes[i].tick);
      const ticks = tick.count || o.seconds * TICK_HZ;
      const name = `shard ${s.id}`;
      return {
        id: s.id, players: b.scrapes[i].players, ticks: tick.count, droppedTicks: b.dropped[i] - a.dropped[i],
        cpuPercent: ((b.scrapes[i].cpuSeconds - a.scrapes[i].cpuSeconds) / windowS) * 100,
        tickP50Ms: ms(histogramQuantile(tick, 0.5)), tickP99Ms: ms(histogramQuantile(tick, 0.99)),
        ticksWithinTarget: shareAtMost(tick, TICK_TARGET_S),
        natsPerTick: perTick(trafficDelta(a.connz.get(name), b.connz.get(name)), ticks),
      };
    });
    const ticks0 = row.perShard[0]?.ticks || o.seconds * TICK_HZ;
    row.gatewayNatsPerTick = perTick(trafficDelta(a.connz.get(c.gatewayConnection), b.connz.get(c.gatewayConnection)), ticks0);
    row.handoffs = moveFigures(c.moves.slice(a.moves, b.moves));
    row.handoffsAll = moveFigures(c.moves.slice(movesFrom, b.moves));
    if (c.exited.length) throw new Error(`shard(s) exited: ${c.exited.join(', ')}`);
    row.held = row.perShard.every((s) => s.ticksWithinTarget >= 0.99) && row.stayed >= HELD_JOINED * n;
  } catch (e) {
    row.error = (e as Error).message;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await sleep(1500); // let the sessions close
  }
  return row;
}

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');
/** A tick time, ms ('>100' past the histogram). */
const tf = (x: number | null) => (x === null ? '>100' : f(x, 2));

/** The table: a line per shard of each run. */
function printTable(runs: readonly Run[]): void {
  console.log('shards  clients  joined  stayed  shard  players  cpu %  tick p50 ms  tick p99 ms  <=25 ms %  nats msg/tick out/in  nats KB/tick out/in  hand-offs  p50/p99 ms');
  for (const r of runs) {
    const rows = r.perShard.length ? r.perShard : [undefined];
    rows.forEach((s, i) => {
      const head = i === 0 ? `${String(r.shards).padStart(6)}  ${String(r.clients).padStart(7)}  ${String(r.joined).padStart(6)}  ${String(r.stayed).padStart(6)}`
        : ' '.repeat(6 + 2 + 7 + 2 + 6 + 2 + 6);
      const hand = i === 0 ? `  ${`${r.handoffs.count}${r.handoffs.failed ? ` (${r.handoffs.failed} failed)` : ''}`.padStart(9)}  ${`${f(r.handoffs.p50Ms, 0)}/${f(r.handoffs.p99Ms, 0)}`.padStart(10)}` : '';
      const shard = s ? `  ${s.id.padStart(5)}  ${String(s.players).padStart(7)}  ${f(s.cpuPercent, 0).padStart(5)}  ${tf(s.tickP50Ms).padStart(11)}  ${tf(s.tickP99Ms).padStart(11)}  ${f(s.ticksWithinTarget * 100).padStart(9)}` +
        `  ${`${f(s.natsPerTick.msgsOut)}/${f(s.natsPerTick.msgsIn)}`.padStart(20)}  ${`${f(s.natsPerTick.kbOut, 2)}/${f(s.natsPerTick.kbIn, 2)}`.padStart(19)}` : '';
      console.log(`${head}${shard}${hand}`);
    });
    if (r.gatewayNatsPerTick) {
      const g = r.gatewayNatsPerTick;
      console.log(`${' '.repeat(31)}gateway: nats msg/tick out/in ${f(g.msgsOut)}/${f(g.msgsIn)}, KB/tick ${f(g.kbOut, 2)}/${f(g.kbIn, 2)}; ` +
        `bench process (gateway) cpu ${f(r.gatewayCpuPercent, 0)}%; ticks dropped ${r.perShard.map((s) => s.droppedTicks).join('/')}; bots at x >= 0 / x < 0: ${r.botsAt.east}/${r.botsAt.west}; hand-offs since the joins ${r.handoffsAll.count} (p50/p99 ${f(r.handoffsAll.p50Ms, 0)}/${f(r.handoffsAll.p99Ms, 0)} ms)${r.held ? '; held' : ''}`);
    }
    if (r.error) console.log(`${' '.repeat(31)}failed: ${r.error}`);
    if (Object.keys(r.joinFailures).length) console.log(`${' '.repeat(31)}join failures: ${formatReasons(r.joinFailures)}`);
    if (Object.keys(r.disconnects).length) console.log(`${' '.repeat(31)}disconnects after joining: ${formatReasons(r.disconnects)}`);
  }
}

/** The `cluster` bench. */
export const clusterBench: Bench = {
  summary: 'one shard against two: tick p50/p99 per shard, NATS msgs and KB per tick per shard, hand-off p50/p99, players held at p99 < 25 ms',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel bench cluster [options]', 'A local cluster per shard count, bots through its gateway in two regions; figures per bot count.', OPTIONS));
      return 0;
    }
    const { values: o, positionals } = parseOptions(OPTIONS, argv);
    if (positionals.length) throw new OptionError(`unexpected argument '${positionals[0]}'`);
    const list = (name: string, text: string, max: number) => text.split(',').map((x) => {
      const v = Number(x);
      if (!Number.isInteger(v) || v < 1 || v > max) throw new OptionError(`--${name}: each must be an integer in 1..${max}; got ${x}`);
      return v;
    });
    const shardCounts = list('shards-list', o['shards-list'], 16);
    const counts = list('clients', o.clients, 500);
    const log = (line: string) => console.log(line);
    const runs: Run[] = [];
    const held: Record<number, number> = {};
    console.log(`cluster S shards N bots in two regions superflat view ${o['view-distance']}: world radius ${o['world-radius']}, ` +
      `${o.crossers} crossers, ${o.warmup} s warm-up and ${o.seconds} s window per count; gateway in the bench process`);
    for (const shards of shardCounts) {
      log(`  ${shards} shard(s): starting nats-server, shards, gateway...`);
      const cluster = await startBenchCluster({ shards, worldRadius: o['world-radius'], viewDistance: o['view-distance'], log });
      log(`  gateway at ${cluster.pageUrl}; ${cluster.shards.map((s) => `${s.id}: ${s.regions.join(' ')}`).join('; ')}`);
      try {
        for (const n of counts) {
          log(`  ${shards} shard(s), ${n} bots...`);
          const run = await runCount(cluster, n, {
            seconds: o.seconds, warmup: o.warmup, crossers: o.crossers, perProcess: o['bots-per-process'], joinRate: o['join-rate'], log,
          });
          runs.push(run);
          log(`    ${run.error ? `failed: ${run.error}` : `stayed ${run.stayed}/${n}; tick p99 ${run.perShard.map((s) => `${s.id} ${tf(s.tickP99Ms)} ms`).join(', ')}; ` +
            `${run.handoffs.count} hand-offs${run.held ? '; held' : ''}`}`);
          if (run.held) held[shards] = Math.max(held[shards] ?? 0, n);
          if (cluster.exited.length) {
            log(`  a shard exited: the larger counts of ${shards} shard(s) are skipped`);
            break;
          }
        }
      } finally {
        await cluster.stop();
      }
    }
    printTable(runs);
    for (const s of shardCounts) console.log(`players held (every shard ran 99% of its ticks within 25 ms, the histogram's bound; >= 95% stayed joined), ${s} shard(s): ${held[s] ?? 'none of the counts'}`);
    console.log('notes: the gateway runs in the bench process (it relays every byte; the bench itself only polls /metrics and /connz); ' +
      'nats out = published by the shard, in = delivered to it; per tick = per tick the shard ran in the window');
    if (o.json) {
      writeFileSync(o.json, JSON.stringify({
        workload: { shardsList: shardCounts, clients: counts, crossers: o.crossers, seconds: o.seconds, warmup: o.warmup, worldRadius: o['world-radius'], viewDistance: o['view-distance'] },
        playersHeld: Object.fromEntries(shardCounts.map((s) => [s, held[s] ?? 0])),
        runs,
      }, null, 2) + '\n');
    }
    return runs.some((r) => r.error) ? 1 : 0;
  },
};
