/**
 * Scale bench, "scale N bots superflat view 4": a server process (`stratum-voxel serve`) and, for each N, N scripted
 * clients over WebTransport on 127.0.0.1, spread over bots processes of at most `--bots-per-process` each. Reports
 * the server's tick p50/p99, CPU, memory (RSS) and KB/s per client over a measurement window, as N grows; how many
 * bots joined, and why the others did not (the bots' close reasons and the server's session-close log lines, counted
 * by reason). Then, on a fresh server, idle bots join and stand still: the server's RSS growth per joined idle client.
 * The server and the bots share this machine's cores.
 */
import { writeFileSync } from 'node:fs';
import type { Bench } from '../game/commands/bench.ts';
import { OptionError, formatHelp, parseOptions } from '../game/options.ts';
import { countReasons, formatReasons } from './scale-reasons.ts';
import { connectAdmin, joinBots, mergeReasons, startServer, type BotsProc, type ServerProc } from './scale-procs.ts';

const OPTIONS = {
  clients: { kind: 'string', default: '10,25,50,100', help: 'comma-separated bot counts' },
  seconds: { kind: 'int', default: 10, min: 2, max: 600, help: 'measurement window per count' },
  idle: { kind: 'int', default: 100, min: 0, max: 500, help: 'idle bots for the memory-per-client phase (0: skip it)' },
  'bots-per-process': { kind: 'int', default: 50, min: 1, max: 500, help: 'most bots in one bots process' },
  'join-rate': { kind: 'int', default: 25, min: 1, max: 1000, help: 'bots starting to join per second, over all bots processes' },
  json: { kind: 'string', help: 'write the figures to this JSON file' },
} as const;


/** One row of the curve. */
interface Run {
  clients: number; joined: number; tickP50Ms: number; tickP99Ms: number; tickMaxMs: number; cpuPercent: number; rssMB: number;
  kbpsPerClient: number; droppedSteps: number; joinP50Ms: number; joinMaxMs: number;
  /** Bots that never joined, by their first close reason (or where they stood when the wait ended). */
  joinFailures: Record<string, number>;
  /** Closes of bots that had joined (during the joins, warm-up and window), by reason. */
  disconnects: Record<string, number>;
  /** Session closes the server logged during this count, by reason ('bench finished' excluded). */
  serverCloses: Record<string, number>;
  /** The bots processes during the joins: how many, their CPU (sum, % of a core) and worst event-loop delay. */
  bots: { processes: number; cpuPercent: number; loopDelayMaxMs: number };
  /** Set when something failed (a bots process died, the admin lost the server). */
  error?: string;
}

/** The server's memory, MB (see memoryParts in game/server/server-stats.ts). */
interface Memory { rssMB: number; heapTotalMB: number; heapUsedMB: number; youngGenMB: number; externalMB: number }

/** The idle phase's figures. */
interface IdleRun {
  clients: number; joined: number; joinFailures: Record<string, number>; rssBeforeMB: number; rssAfterMB: number; idleRssPerClientMB: number;
  /** The server's memory before the bots and once they joined, averaged like the RSS. */
  memoryBefore?: Memory; memoryAfter?: Memory;
  error?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** One count: join, warm up, reset the server's stats window, wait, read it. */
async function runCount(server: ServerProc, token: string, n: number, seconds: number, perProcess: number, joinRate: number): Promise<Run> {
  const from = server.closes.length;
  const admin = await connectAdmin(server.url, token);
  let procs: BotsProc[] = [];
  const row: Run = {
    clients: n, joined: 0, tickP50Ms: NaN, tickP99Ms: NaN, tickMaxMs: NaN, cpuPercent: NaN, rssMB: NaN, kbpsPerClient: NaN, droppedSteps: 0,
    joinP50Ms: NaN, joinMaxMs: NaN, joinFailures: {}, disconnects: {}, serverCloses: {}, bots: { processes: 0, cpuPercent: NaN, loopDelayMaxMs: NaN },
  };
  try {
    const j = await joinBots(server.url, n, perProcess, joinRate, 'play');
    procs = j.procs;
    Object.assign(row, { joined: j.joined, joinFailures: j.joinFailures, joinP50Ms: j.joinP50Ms, joinMaxMs: j.joinMaxMs, bots: j.bots });
    await sleep(2000); // warm up
    await admin.stats(['reset']);
    for (const p of procs) p.mark();
    await sleep(seconds * 1000);
    const s = await admin.stats();
    Object.assign(row, { tickP50Ms: s.tickP50Ms, tickP99Ms: s.tickP99Ms, tickMaxMs: s.tickMaxMs, cpuPercent: s.cpuPercent, rssMB: s.rssMB, kbpsPerClient: s.kbpsPerClient, droppedSteps: s.droppedSteps });
    const results = await Promise.all(procs.map((p) => p.report())) as Array<{ disconnects: Record<string, number> }>;
    row.disconnects = mergeReasons(results.map((r) => r.disconnects));
  } catch (e) {
    row.error = (e as Error).message;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    admin.stop();
    await sleep(1500); // let the sessions close
    row.serverCloses = countReasons(server.closes.slice(from).filter((k) => !/: bench finished$/.test(k)));
  }
  return row;
}

/** The idle phase: server RSS before any bot and once `n` idle bots joined and hold their columns. */
async function runIdle(server: ServerProc, token: string, n: number, perProcess: number, joinRate: number): Promise<IdleRun> {
  const admin = await connectAdmin(server.url, token);
  const memory = async (): Promise<Memory> => {
    await sleep(3000);
    const sum: Memory = { rssMB: 0, heapTotalMB: 0, heapUsedMB: 0, youngGenMB: 0, externalMB: 0 };
    for (let i = 0; i < 5; i++) {
      const s = await admin.stats();
      for (const k of Object.keys(sum) as (keyof Memory)[]) sum[k] += s[k] / 5;
      await sleep(1000);
    }
    return sum;
  };
  const row: IdleRun = { clients: n, joined: 0, joinFailures: {}, rssBeforeMB: NaN, rssAfterMB: NaN, idleRssPerClientMB: NaN };
  let procs: BotsProc[] = [];
  try {
    row.memoryBefore = await memory();
    row.rssBeforeMB = row.memoryBefore.rssMB;
    const j = await joinBots(server.url, n, perProcess, joinRate, 'idle');
    procs = j.procs;
    Object.assign(row, { joined: j.joined, joinFailures: j.joinFailures });
    await Promise.all(procs.map((p) => p.settled));
    row.memoryAfter = await memory();
    row.rssAfterMB = row.memoryAfter.rssMB;
    row.idleRssPerClientMB = row.joined ? (row.rssAfterMB - row.rssBeforeMB) / row.joined : NaN;
  } catch (e) {
    row.error = (e as Error).message;
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    admin.stop();
  }
  return row;
}

/** The `scale` bench. */
export const scaleBench: Bench = {
  summary: 'server tick p50/p99, CPU, memory and KB/s per client as bot count grows; join failures by reason; idle MB per client',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel bench scale [options]', 'A server process and bots processes; figures per bot count.', OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    const counts = o.clients.split(',').map(Number);
    for (const n of counts) if (!Number.isInteger(n) || n < 1 || n > 500) throw new OptionError(`--clients: each count must be an integer in 1..500; got ${n}`);
    const token = 'scale-bench';
    const runs: Run[] = [];
    let idle: IdleRun | undefined;
    let server = await startServer(token);
    console.log(`scale N bots superflat view 4: server at ${server.url}; ${o.seconds} s window per count; at most ${o['bots-per-process']} bots per process; ${o['join-rate']} joins/s`);
    try {
      for (const n of counts) {
        console.log(`  ${n} bots...`);
        runs.push(await runCount(server, token, n, o.seconds, o['bots-per-process'], o['join-rate']));
      }
      if (o.idle > 0) {
        // A fresh server, so that the baseline is not what the previous counts left behind.
        server.proc.kill('SIGINT');
        server = await startServer(token);
        console.log(`  ${o.idle} idle bots (memory per joined client)...`);
        idle = await runIdle(server, token, o.idle, o['bots-per-process'], o['join-rate']);
      }
    } finally {
      server.proc.kill('SIGINT');
    }
    console.log('clients  joined  join p50/max s  tick p50 ms  tick p99 ms  tick max ms  cpu %   rss MB  KB/s per client  bots cpu %  join failures');
    for (const r of runs) {
      const join = `${(r.joinP50Ms / 1000).toFixed(1)}/${(r.joinMaxMs / 1000).toFixed(1)}`;
      console.log(`${String(r.clients).padStart(7)}  ${String(r.joined).padStart(6)}  ${join.padStart(14)}  ${r.tickP50Ms.toFixed(2).padStart(11)}  ${r.tickP99Ms.toFixed(2).padStart(11)}  ${r.tickMaxMs.toFixed(2).padStart(11)}  ${r.cpuPercent.toFixed(0).padStart(5)}  ${r.rssMB.toFixed(0).padStart(6)}  ${r.kbpsPerClient.toFixed(2).padStart(15)}  ${r.bots.cpuPercent.toFixed(0).padStart(10)}  ${formatReasons(r.joinFailures)}`);
      if (r.error) console.log(`         failed: ${r.error}`);
      if (Object.keys(r.disconnects).length) console.log(`         disconnects after joining: ${formatReasons(r.disconnects)}`);
      if (Object.keys(r.serverCloses).length) console.log(`         server session closes: ${formatReasons(r.serverCloses)}`);
    }
    if (idle) {
      console.log(`idle: ${idle.joined}/${idle.clients} joined; server RSS ${idle.rssBeforeMB.toFixed(0)} -> ${idle.rssAfterMB.toFixed(0)} MB: ` +
        `${idle.idleRssPerClientMB.toFixed(2)} MB per idle joined client${idle.joined < idle.clients ? `; not joined: ${formatReasons(idle.joinFailures)}` : ''}` +
        `${idle.error ? `; failed: ${idle.error}` : ''}`);
    if (idle.memoryBefore && idle.memoryAfter) {
      const part = (m: Memory) => `heap ${m.heapTotalMB.toFixed(0)} MB reserved (young generation ${m.youngGenMB.toFixed(0)}, in use ${m.heapUsedMB.toFixed(0)}), ` +
        `buffers ${m.externalMB.toFixed(0)} MB; RSS beyond the heap ${(m.rssMB - m.heapTotalMB).toFixed(0)} MB (worker heaps, TLS and HTTP/2, malloc)`;
      console.log(`      before: ${part(idle.memoryBefore)}\n      after:  ${part(idle.memoryAfter)}`);
    }
    }
    if (o.json) {
      writeFileSync(o.json, JSON.stringify({
        runs: runs.map(({ clients, joined, joinFailures, disconnects, serverCloses, tickP50Ms, tickP99Ms, tickMaxMs, cpuPercent, rssMB, kbpsPerClient, joinP50Ms, joinMaxMs, bots, error }) =>
          ({ clients, joined, joinFailures, disconnects, serverCloses, tickP50Ms, tickP99Ms, tickMaxMs, cpuPercent, rssMB, kbpsPerClient, joinP50Ms, joinMaxMs, bots, ...(error ? { error } : {}) })),
        ...(idle ? { idle, idleRssPerClientMB: idle.idleRssPerClientMB } : {}),
      }, null, 2) + '\n');
    }
    return runs.some((r) => r.error) || idle?.error ? 1 : 0;
  },
};
