/**
 * Scale bench, "scale N bots superflat view 4": a server process (`stratum serve`) and, for each N, a bots process
 * with N scripted clients over WebTransport on 127.0.0.1. Reports the server's tick p50/p99, CPU, memory (RSS) and
 * KB/s per client over a measurement window, as N grows. Both processes share this machine's cores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Bench } from '../game/commands/bench.ts';
import { OptionError, formatHelp, parseOptions } from '../game/options.ts';

const CLI = fileURLToPath(new URL('../game/cli.ts', import.meta.url));
const BOTS = fileURLToPath(new URL('./scale-bots.ts', import.meta.url));

const OPTIONS = {
  clients: { kind: 'string', default: '10,25,50,100', help: 'comma-separated bot counts' },
  seconds: { kind: 'int', default: 10, min: 2, max: 600, help: 'measurement window per count' },
  json: { kind: 'string', help: 'write the figures to this JSON file' },
} as const;

/** One row of the curve. */
interface Run { clients: number; joined: number; tickP50Ms: number; tickP99Ms: number; tickMaxMs: number; cpuPercent: number; rssMB: number; kbpsPerClient: number; droppedSteps: number }

function startServer(token: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--storage', 'none', '--world', 'superflat', '--world-radius', '8', '--view-distance', '4',
    '--column-sections', '4', '--http-port', '0', '--port', '0', '--admin-token', token], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/ready: open (https?:\/\/\S+)/);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

function runBots(url: string, n: number, seconds: number, token: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BOTS, url, String(n), String(seconds), token], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    proc.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{"result"'));
      if (code !== 0 || !line) reject(new Error(`bots process for ${n} clients exited with ${code}:\n${out}`));
      else resolve(JSON.parse(line).result as Run);
    });
  });
}

/** The `scale` bench. */
export const scaleBench: Bench = {
  summary: 'server tick p50/p99, CPU, memory and KB/s per client as bot count grows',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum bench scale [options]', 'A server process and a bots process; figures per bot count.', OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    const counts = o.clients.split(',').map(Number);
    for (const n of counts) if (!Number.isInteger(n) || n < 1 || n > 500) throw new OptionError(`--clients: each count must be an integer in 1..500; got ${n}`);
    const token = 'scale-bench';
    const server = await startServer(token);
    console.log(`scale N bots superflat view 4: server at ${server.url}; ${o.seconds} s window per count`);
    const runs: Run[] = [];
    try {
      for (const n of counts) {
        console.log(`  ${n} bots...`);
        runs.push(await runBots(server.url, n, o.seconds, token));
        await new Promise((r) => setTimeout(r, 1500)); // let the sessions close
      }
    } finally {
      server.proc.kill('SIGINT');
    }
    console.log('clients  joined  tick p50 ms  tick p99 ms  tick max ms  cpu %   rss MB  KB/s per client');
    for (const r of runs) {
      console.log(`${String(r.clients).padStart(7)}  ${String(r.joined).padStart(6)}  ${r.tickP50Ms.toFixed(2).padStart(11)}  ${r.tickP99Ms.toFixed(2).padStart(11)}  ${r.tickMaxMs.toFixed(2).padStart(11)}  ${r.cpuPercent.toFixed(0).padStart(5)}  ${r.rssMB.toFixed(0).padStart(6)}  ${r.kbpsPerClient.toFixed(2).padStart(15)}`);
    }
    if (o.json) writeFileSync(o.json, JSON.stringify({ runs: runs.map(({ clients, tickP50Ms, tickP99Ms, cpuPercent, rssMB, kbpsPerClient, joined, tickMaxMs }) => ({ clients, tickP50Ms, tickP99Ms, cpuPercent, rssMB, kbpsPerClient, joined, tickMaxMs })) }, null, 2) + '\n');
    return 0;
  },
};
