/**
 * `bench net`'s loss comparison: 20 Hz entity updates from a server to a client over a link with packet-level loss
 * and delay, QUIC datagrams against the HTTP/2 mapping (whose datagrams ride TCP), both at once over the same link.
 *
 * The link: a network namespace holding the server (bench/net-loss-sender.ts), joined to this process's namespace
 * by two TUN devices that bench/tun-link.py relays between, dropping and delaying every IP packet, TCP and UDP alike
 * (this kernel has no netem). Needs root, `ip` and python3; otherwise the comparison is skipped with the reason.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TransportSession } from '../engine/net/transport.ts';
import { quicWebTransportConnector } from '../engine/platform/node/quic/webtransport-client.ts';
import { nodeWebTransportConnector } from '../engine/platform/node/webtransport.ts';
import { getGc, percentiles } from './net-workloads.ts';

/** Settings of {@link lossComparison}. */
export interface LossOptions {
  /** One-way delay, ms. */
  delayMs: number;
  /** Packet loss per direction, 0..1. */
  loss: number;
  /** Seconds of traffic. */
  seconds: number;
  /** Updates per second. */
  hz: number;
}

/** One transport's one-way latencies. */
export interface LossRow {
  /** Median one-way latency, ms. */
  p50Ms: number;
  /** 99th percentile, ms. */
  p99Ms: number;
  /** Largest, ms. */
  maxMs: number;
  /** Updates received. */
  received: number;
  /** Updates sent while connected and never received. */
  missing: number;
}

/** The comparison's figures, or why it was skipped. */
export type LossResult = {
  delayMs: number; loss: number; seconds: number; hz: number; quic: LossRow; http2: LossRow;
  /** Event-loop delay of the receiving process meanwhile, ms: a stall there adds to both transports' latencies. */
  receiverEventLoopDelayMs: { p99: number; max: number };
} | { skipped: string };

const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Why the emulated link cannot be built here, or undefined when it can. */
function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespace and TUN devices)';
  for (const [cmd, arg] of [['ip', '-V'], ['python3', '--version']]) {
    try { run(cmd, arg); } catch { return `needs ${cmd}`; }
  }
  return undefined;
}

function lines(child: ChildProcess): () => Promise<string> {
  const rl = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  rl.on('line', (l) => (waiting.length ? waiting.shift()!(l) : queue.push(l)));
  child.on('exit', () => { for (const w of waiting.splice(0)) w(''); }); // an empty line: the child is gone
  return () => new Promise((resolve, reject) => {
    if (queue.length) return resolve(queue.shift()!);
    const t = setTimeout(() => reject(new Error('child did not answer within 20 s')), 20_000);
    waiting.push((l) => { clearTimeout(t); resolve(l); });
  });
}

const connectWith = (connect: (done: (r: TransportSession | Error) => void) => void) =>
  new Promise<TransportSession>((resolve, reject) => connect((r) => (r instanceof Error ? reject(r) : resolve(r))));

/**
 * Receives updates on `session` into `lat` (ms each), those sent at `from` (ms, the shared wall clock) or later;
 * returns the first and last sequence numbers counted.
 */
function receive(session: TransportSession, lat: number[], from: number): { first: number; last: number } {
  const seen = { first: -1, last: -1 };
  session.setHandlers({
    onDatagram(bytes) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const seq = view.getUint32(0);
      if (view.getFloat64(4) < from) return; // sent before the window, perhaps held up by the collection below
      lat.push(performance.timeOrigin + performance.now() - view.getFloat64(4));
      if (seen.first < 0) seen.first = seq;
      seen.last = Math.max(seen.last, seq);
    },
    onStream: () => {},
    onClose: () => {},
  });
  return seen;
}

function row(lat: number[], seen: { first: number; last: number }): LossRow {
  const p = percentiles(lat);
  return { p50Ms: p.p50, p99Ms: p.p99, maxMs: p.max, received: lat.length, missing: seen.last - seen.first + 1 - lat.length };
}

/**
 * Runs the comparison, or says why it cannot run here (`skipped`: no root, `ip` or python3, or the namespace and TUN
 * devices cannot be made). Throws when the link was built but the comparison failed on it.
 */
export async function lossComparison(o: LossOptions): Promise<LossResult> {
  const why = unavailable();
  if (why) return { skipped: why };
  const tag = process.pid % 100_000;
  const ns = `stratum-loss-${tag}`;
  const [tunS, tunC] = [`stl${tag}s`, `stl${tag}c`];
  const subnet = `10.231.${tag % 250}`;
  const [serverIp, clientIp] = [`${subnet}.1`, `${subnet}.2`];
  let link: ChildProcess | undefined;
  let sender: ChildProcess | undefined;
  const sessions: TransportSession[] = [];
  try {
    try {
      run('ip', 'netns', 'add', ns);
    } catch (e) {
      return { skipped: `cannot create a network namespace here: ${(e as Error).message.split('\n')[0]}` };
    }
    link = spawn('python3', [fileURLToPath(new URL('./tun-link.py', import.meta.url)), tunS, tunC, String(o.delayMs), String(o.loss), '13'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const linkLine = lines(link);
    if ((await linkLine().catch(() => '')) !== 'ready') return { skipped: 'cannot create TUN devices here (tun-link.py did not start)' };
    run('ip', 'link', 'set', tunS, 'netns', ns);
    run('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    run('ip', 'netns', 'exec', ns, 'ip', 'addr', 'add', `${serverIp}/30`, 'dev', tunS);
    run('ip', 'netns', 'exec', ns, 'ip', 'link', 'set', tunS, 'up');
    run('ip', 'addr', 'add', `${clientIp}/30`, 'dev', tunC);
    run('ip', 'link', 'set', tunC, 'up');
    sender = spawn('ip', ['netns', 'exec', ns, process.execPath, fileURLToPath(new URL('./net-loss-sender.ts', import.meta.url)), serverIp, String(o.hz)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const info = JSON.parse(await lines(sender)()) as { quic: string; h2: string; certHex: string };
    const certHash = Uint8Array.from(Buffer.from(info.certHex, 'hex'));
    const quicLat: number[] = [];
    const h2Lat: number[] = [];
    // Both at once: the same link, the same moments.
    const [q, h] = await Promise.all([
      connectWith(quicWebTransportConnector({ url: info.quic, certHash, connectTimeoutMs: 20_000 })),
      nodeWebTransportConnector({ url: info.h2, certHash, connectTimeoutMs: 20_000 }).then(connectWith),
    ]);
    sessions.push(q, h);
    // A major collection now, not in the window: this process carries the earlier workloads' garbage (the chunk
    // stream, the soak) and the connects' own, and a 15-40 ms mark-compact there stalled the receiving loop.
    getGc()();
    const from = performance.timeOrigin + performance.now();
    const qSeen = receive(q, quicLat, from);
    const hSeen = receive(h, h2Lat, from);
    const eld = monitorEventLoopDelay({ resolution: 1 });
    eld.enable();
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    eld.disable();
    return {
      delayMs: o.delayMs, loss: o.loss, seconds: o.seconds, hz: o.hz, quic: row(quicLat, qSeen), http2: row(h2Lat, hSeen),
      receiverEventLoopDelayMs: { p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 },
    };
  } finally {
    for (const s of sessions) s.close({ code: 0, reason: 'bench over' });
    sender?.stdin?.end();
    await new Promise((r) => setTimeout(r, 300));
    sender?.kill();
    link?.stdin?.end();
    await new Promise((r) => setTimeout(r, 100));
    link?.kill();
    try { run('ip', 'netns', 'del', ns); } catch { /* already gone */ }
  }
}
