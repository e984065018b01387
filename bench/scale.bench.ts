/**
 * Scale bench, "scale N bots superflat view 4": a server process (`stratum serve`) and, for each N, a bots process
 * with N scripted clients over WebTransport on 127.0.0.1. Reports the server's tick p50/p99, CPU, memory (RSS) and
 * KB/s per client over a measurement window, as N grows; how many bots joined, and why the others did not (the
 * bots' close reasons and the server's session-close log lines, counted by reason). Then, on a fresh server, N idle
 * bots join and stand still: the server's RSS growth per joined idle client. Both processes share this machine's
 * cores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Bench } from '../game/commands/bench.ts';
import { OptionError, formatHelp, parseOptions } from '../game/options.ts';
import { countReasons, formatReasons, parseServerClose, reasonKey } from './scale-reasons.ts';

const CLI = fileURLToPath(new URL('../game/cli.ts', import.meta.url));
const BOTS = fileURLToPath(new URL('./scale-bots.ts', import.meta.url));

const OPTIONS = {
  clients: { kind: 'string', default: '10,25,50,100', help: 'comma-separated bot counts' },
  seconds: { kind: 'int', default: 10, min: 2, max: 600, help: 'measurement window per count' },
  idle: { kind: 'int', default: 100, min: 0, max: 500, help: 'idle bots for the memory-per-client phase (0: skip it)' },
  json: { kind: 'string', help: 'write the figures to this JSON file' },
} as const;

/** One row of the curve. */
interface Run {
  clients: number; joined: number; tickP50Ms: number; tickP99Ms: number; tickMaxMs: number; cpuPercent: number; rssMB: number;
  kbpsPerClient: number; droppedSteps: number; joinP50Ms: number; joinMaxMs: number;
  /** Bots that never joined, by their first close reason (or where they stood when the wait ended). */
  joinFailures: Record<string, number>;
  /** Closes seen by bots that had joined, by reason. */
  disconnects: Record<string, number>;
  /** Session closes the server logged during this count, by reason ('local: bench finished' excluded). */
  serverCloses: Record<string, number>;
  /** Set when the bots process failed (exit code and the end of its output). */
  error?: string;
}

/** The idle phase's figures. */
interface IdleRun { clients: number; joined: number; joinFailures: Record<string, number>; rssBeforeMB: number; rssAfterMB: number; idleRssPerClientMB: number; error?: string }

/** A server child process; `closes` collects its session-close log lines. */
interface ServerProc { proc: ChildProcess; url: string; closes: string[] }

function startServer(token: string): Promise<ServerProc> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--storage', 'none', '--world', 'superflat', '--world-radius', '8', '--view-distance', '4',
    '--column-sections', '4', '--http-port', '0', '--port', '0', '--admin-token', token,
    // The bench measures the server, not its admission limits.
    '--max-players', '1000', '--max-sessions-per-address', '1000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const server: ServerProc = { proc, url: '', closes: [] };
  let head = '', partial = '';
  const onLine = (line: string) => {
    const c = parseServerClose(line);
    if (c) server.closes.push(reasonKey(c.kind, c.reason));
    else if (/\[(warn|error)\]/.test(line) && !/fell behind/.test(line)) process.stderr.write(`  server: ${line}\n`);
  };
  const onData = (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) onLine(l);
  };
  proc.stderr!.on('data', onData);
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      onData(d);
      if (server.url) return;
      head += d.toString();
      const m = head.match(/ready: open (https?:\/\/\S+)/);
      if (m) { server.url = m[1]; resolve(server); }
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${head}`)));
  });
}

function runBots<T>(url: string, n: number, seconds: number, token: string, mode: 'play' | 'idle'): Promise<T | { error: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [BOTS, url, String(n), String(seconds), token, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); process.stderr.write(d); });
    proc.on('exit', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith('{"result"'));
      if (code === 0 && line) resolve(JSON.parse(line).result as T);
      else resolve({ error: `bots process for ${n} clients exited with ${code ?? signal}: ${err.trim().split('\n').slice(-3).join(' | ')}` });
    });
  });
}

const serverCloses = (server: ServerProc, from: number) =>
  countReasons(server.closes.slice(from).filter((k) => k !== 'local: bench finished' && k !== 'remote: bench finished'));

const EMPTY: Omit<Run, 'clients' | 'serverCloses'> = {
  joined: 0, tickP50Ms: NaN, tickP99Ms: NaN, tickMaxMs: NaN, cpuPercent: NaN, rssMB: NaN, kbpsPerClient: NaN, droppedSteps: 0,
  joinP50Ms: NaN, joinMaxMs: NaN, joinFailures: {}, disconnects: {},
};

/** The `scale` bench. */
export const scaleBench: Bench = {
  summary: 'server tick p50/p99, CPU, memory and KB/s per client as bot count grows; join failures by reason; idle MB per client',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum bench scale [options]', 'A server process and a bots process; figures per bot count.', OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    const counts = o.clients.split(',').map(Number);
    for (const n of counts) if (!Number.isInteger(n) || n < 1 || n > 500) throw new OptionError(`--clients: each count must be an integer in 1..500; got ${n}`);
    const token = 'scale-bench';
    const runs: Run[] = [];
    let idle: IdleRun | undefined;
    let server = await startServer(token);
    console.log(`scale N bots superflat view 4: server at ${server.url}; ${o.seconds} s window per count`);
    try {
      for (const n of counts) {
        console.log(`  ${n} bots...`);
        const from = server.closes.length;
        const r = await runBots<Omit<Run, 'serverCloses'>>(server.url, n, o.seconds, token, 'play');
        await new Promise((res) => setTimeout(res, 1500)); // let the sessions close
        runs.push({ ...EMPTY, ...r, clients: n, serverCloses: serverCloses(server, from) });
      }
      if (o.idle > 0) {
        // A fresh server, so that the baseline is not what the previous counts left behind.
        server.proc.kill('SIGINT');
        server = await startServer(token);
        console.log(`  ${o.idle} idle bots (memory per joined client)...`);
        const r = await runBots<IdleRun>(server.url, o.idle, o.seconds, token, 'idle');
        idle = { clients: o.idle, joined: 0, joinFailures: {}, rssBeforeMB: NaN, rssAfterMB: NaN, idleRssPerClientMB: NaN, ...r };
      }
    } finally {
      server.proc.kill('SIGINT');
    }
    console.log('clients  joined  join p50/max s  tick p50 ms  tick p99 ms  tick max ms  cpu %   rss MB  KB/s per client  join failures');
    for (const r of runs) {
      const join = `${(r.joinP50Ms / 1000).toFixed(1)}/${(r.joinMaxMs / 1000).toFixed(1)}`;
      console.log(`${String(r.clients).padStart(7)}  ${String(r.joined).padStart(6)}  ${join.padStart(14)}  ${r.tickP50Ms.toFixed(2).padStart(11)}  ${r.tickP99Ms.toFixed(2).padStart(11)}  ${r.tickMaxMs.toFixed(2).padStart(11)}  ${r.cpuPercent.toFixed(0).padStart(5)}  ${r.rssMB.toFixed(0).padStart(6)}  ${r.kbpsPerClient.toFixed(2).padStart(15)}  ${r.error ?? formatReasons(r.joinFailures)}`);
      if (Object.keys(r.disconnects).length) console.log(`         disconnects after joining: ${formatReasons(r.disconnects)}`);
      if (Object.keys(r.serverCloses).length) console.log(`         server session closes: ${formatReasons(r.serverCloses)}`);
    }
    if (idle) {
      console.log(idle.error ?? `idle: ${idle.joined}/${idle.clients} joined; server RSS ${idle.rssBeforeMB.toFixed(0)} -> ${idle.rssAfterMB.toFixed(0)} MB: ` +
        `${idle.idleRssPerClientMB.toFixed(2)} MB per idle joined client${idle.joined < idle.clients ? `; not joined: ${formatReasons(idle.joinFailures)}` : ''}`);
    }
    if (o.json) {
      writeFileSync(o.json, JSON.stringify({
        runs: runs.map(({ clients, joined, joinFailures, disconnects, serverCloses, tickP50Ms, tickP99Ms, tickMaxMs, cpuPercent, rssMB, kbpsPerClient, joinP50Ms, joinMaxMs, error }) =>
          ({ clients, joined, joinFailures, disconnects, serverCloses, tickP50Ms, tickP99Ms, tickMaxMs, cpuPercent, rssMB, kbpsPerClient, joinP50Ms, joinMaxMs, ...(error ? { error } : {}) })),
        ...(idle ? { idle, idleRssPerClientMB: idle.idleRssPerClientMB } : {}),
      }, null, 2) + '\n');
    }
    return runs.some((r) => r.error) || idle?.error ? 1 : 0;
  },
};
