/**
 * The processes of `stratum-voxel bench scale`: the server (`stratum-voxel serve`, whose session-close log lines are collected)
 * and the bots processes (bench/scale-bots.ts, driven by JSON lines), plus the bench's own admin connection that
 * reads the server's stats over the diagnostics channel; {@link joinBots} starts the bots processes of one count.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEventBus } from '../engine/events.ts';
import { hexToBytes, loadHasher } from '../engine/hash.ts';
import { Channel } from '../engine/net/channels.ts';
import { createNetClient, type NetClient, type NetClientEvents } from '../engine/net/client.ts';
import { createRealtimeScheduler } from '../engine/net/scheduler.ts';
import { nodeWebTransportConnector } from '../engine/platform/node/webtransport.ts';
import { protocolIdentity } from '../engine/protocol/handshake.ts';
import { GAME_PROTOCOL } from '../game/protocol.ts';
import { MsgType } from '../engine/protocol/messages.ts';
import { createRng } from '../engine/rng.ts';
import { fetchConnectInfo } from '../game/commands/bot.ts';
import { countReasons, parseServerClose, reasonKey } from './scale-reasons.ts';
import { SERVER_NODE_FLAGS } from '../game/server/process-flags.ts';

const CLI = fileURLToPath(new URL('../game/cli.ts', import.meta.url));
const BOTS = fileURLToPath(new URL('./scale-bots.ts', import.meta.url));

/** Calls `each` with every whole line of a stream. */
function onLines(stream: NodeJS.ReadableStream, each: (line: string) => void): void {
  let partial = '';
  stream.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const l of lines) each(l);
  });
}

/** A server child process; `closes` collects its session closes (keyed by reason), in order. */
export interface ServerProc { proc: ChildProcess; url: string; closes: string[] }

/** Starts `stratum-voxel serve` for the bench (superflat, view 4; with the server's Node flags) and resolves with its page URL. */
export function startServer(token: string): Promise<ServerProc> {
  const proc = spawn(process.execPath, [...SERVER_NODE_FLAGS, CLI, 'serve', '--storage', 'none', '--world', 'superflat', '--world-radius', '8', '--view-distance', '4',
    '--column-sections', '4', '--http-port', '0', '--port', '0', '--admin-token', token,
    // The bench measures the server, not its admission limits.
    '--max-players', '1000', '--max-sessions-per-address', '1000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const server: ServerProc = { proc, url: '', closes: [] };
  return new Promise((resolve, reject) => {
    const onLine = (line: string) => {
      const c = parseServerClose(line);
      if (c) server.closes.push(reasonKey(c.kind, c.reason));
      else if (/\[(warn|error)\]/.test(line) && !/fell behind/.test(line)) process.stderr.write(`  server: ${line}\n`);
      const m = !server.url && line.match(/ready: open (https?:\/\/\S+)/);
      if (m) { server.url = m[1]; resolve(server); }
    };
    onLines(proc.stdout!, onLine);
    onLines(proc.stderr!, onLine);
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** A bots process: its JSON messages by kind as promises, and the commands it takes. */
export interface BotsProc {
  /** Resolves with the `joined` message (rejects if the process died first). */
  joined: Promise<Record<string, unknown>>;
  /** Resolves with the `settled` message (idle mode). */
  settled: Promise<Record<string, unknown>>;
  /** Sends `mark`. */
  mark(): void;
  /** Sends `report` and resolves with the `result` message. */
  report(): Promise<Record<string, unknown>>;
  /** Sends `stop` and resolves when the process exited. */
  stop(): Promise<void>;
}

/** How the bots of a bots process behave (bench/scale-bots.ts); `regions` takes the run's number of crossers. */
export type BotsMode = 'play' | 'idle' | 'regions';

/** Starts a bots process for bots first+1 .. first+count (`crossers`: `regions` mode only, counted over the whole run). */
export function startBots(url: string, first: number, count: number, waveMs: number, mode: BotsMode, crossers = 0): BotsProc {
  const args = [BOTS, url, String(first), String(count), String(waveMs), mode, ...(mode === 'regions' ? [String(crossers)] : [])];
  const proc = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const waiting = new Map<string, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const promise = (kind: string) => new Promise<Record<string, unknown>>((resolve, reject) => waiting.set(kind, { resolve, reject }));
  const joined = promise('joined'), settled = promise('settled');
  joined.catch(() => {});
  settled.catch(() => {});
  let tail: string[] = [];
  onLines(proc.stdout!, (line) => {
    if (!line.startsWith('{')) return;
    const msg = JSON.parse(line) as Record<string, Record<string, unknown>>;
    for (const [kind, body] of Object.entries(msg)) { waiting.get(kind)?.resolve(body); waiting.delete(kind); }
  });
  onLines(proc.stderr!, (line) => { process.stderr.write(`${line}\n`); tail = [...tail.slice(-4), line]; });
  const exited = new Promise<void>((resolve) => proc.on('exit', (code, signal) => {
    const err = new Error(`bots process ${first + 1}..${first + count} exited with ${code ?? signal}: ${tail.join(' | ')}`);
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
    resolve();
  }));
  const send = (line: string) => { if (proc.stdin!.writable) proc.stdin!.write(`${line}\n`); };
  return {
    joined, settled,
    mark: () => send('mark'),
    report: () => { const r = promise('result'); send('report'); return r; },
    stop: async () => { send('stop'); await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]); proc.kill(); await exited; },
  };
}

/** The bench's admin connection to the server. */
export interface Admin {
  /** Runs the diagnostics command `stats` (with `args`) and parses its JSON answer. */
  stats(args?: string[]): Promise<Record<string, number>>;
  /** Closes it. */
  stop(): void;
}

/** Connects the admin client (the server's page URL, its admin token). */
export async function connectAdmin(pageUrl: string, token: string): Promise<Admin> {
  const hasher = await loadHasher();
  const info = await fetchConnectInfo(pageUrl);
  const connect = await nodeWebTransportConnector({ url: info.webTransportUrl, certHash: hexToBytes(info.certHashHex) });
  let answer: ((text: string) => void) | undefined;
  const bus = createEventBus<NetClientEvents>();
  const client: NetClient = createNetClient({
    connect, identity: protocolIdentity(GAME_PROTOCOL, hasher), name: 'admin', scheduler: createRealtimeScheduler(), rng: createRng(999), bus, reconnect: { capMs: 1000 },
    log: (level, m) => { if (level !== 'info' || m.startsWith('disconnected')) process.stderr.write(`  [admin] ${m}\n`); },
    onMessage: (_ch, msg) => { if (msg.type === MsgType.DiagnosticsResponse) answer?.(msg.text); },
  });
  client.start();
  const active = async () => {
    for (const t = performance.now(); client.state !== 'active'; await new Promise((r) => setTimeout(r, 20))) {
      if (performance.now() - t > 30_000) throw new Error(`the admin connection is ${client.state} after 30 s`);
    }
  };
  await active();
  return {
    async stats(args = []) {
      await active();
      const text = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer to stats in 30 s')), 30_000);
        answer = (t) => { clearTimeout(timer); resolve(t); };
        client.send(Channel.Diagnostics, { type: MsgType.DiagnosticsRequest, id: 1, token, command: 'stats', args });
      });
      return JSON.parse(text) as Record<string, number>;
    },
    stop: () => client.stop('bench finished'),
  };
}

/** Counts of reasons from several processes, added up. */
export const mergeReasons = (records: Array<Record<string, number>>) => countReasons(records.flatMap((r) => Object.entries(r).flatMap(([k, n]) => Array<string>(n).fill(k))));

/**
 * Starts the bots processes for `n` bots (at most `perProcess` each, `joinRate` joins per second over all) and waits
 * for their joins. Each process is added to `into` as soon as it starts, so that the caller can stop them all when a
 * join fails.
 */
export async function joinBots(url: string, n: number, perProcess: number, joinRate: number, mode: BotsMode, crossers = 0, into: BotsProc[] = []) {
  const k = Math.ceil(n / perProcess);
  const procs: BotsProc[] = [];
  for (let i = 0; i < k; i++) {
    const first = Math.floor((i * n) / k), next = Math.floor(((i + 1) * n) / k);
    procs.push(startBots(url, first, next - first, (10_000 / joinRate) * k, mode, crossers)); // each: 10 bots per wave
    into.push(procs[i]);
  }
  const joined = await Promise.all(procs.map((p) => p.joined)) as Array<{ joined: number; joinFailures: Record<string, number>; joinMs: number[]; botsLoad: { cpuPercent: number; loopDelayMaxMs: number } }>;
  const joinMs = joined.flatMap((j) => j.joinMs).sort((a, b) => a - b);
  return {
    procs, joined: joined.reduce((s, j) => s + j.joined, 0), joinFailures: mergeReasons(joined.map((j) => j.joinFailures)),
    joinP50Ms: joinMs[Math.floor(joinMs.length / 2)] ?? NaN, joinMaxMs: joinMs.at(-1) ?? NaN,
    bots: { processes: k, cpuPercent: joined.reduce((s, j) => s + j.botsLoad.cpuPercent, 0), loopDelayMaxMs: Math.max(...joined.map((j) => j.botsLoad.loopDelayMaxMs)) },
  };
}
