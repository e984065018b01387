/**
 * `bench net`'s loss comparison: 20 Hz entity updates from a server to a client over a link with packet-level loss
 * and delay, QUIC datagrams against the HTTP/2 mapping (whose datagrams ride TCP), both at once over the same link.
 *
 * The link: a network namespace holding the server (bench/net-loss-sender.ts), joined to the receiver's
 * (bench/net-loss-receiver.ts, a child process in this namespace) by two TUN devices that bench/tun-link.py relays between, dropping and delaying every IP packet, TCP and UDP alike
 * (this kernel has no netem). Needs root, `ip` and python3; otherwise the comparison is skipped with the reason.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

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
export type LossResult = { delayMs: number; loss: number; seconds: number; hz: number } & LossReceived | { skipped: string };

/** What the receiver (bench/net-loss-receiver.ts) measured. */
export interface LossReceived {
  /** Over QUIC datagrams. */
  quic: LossRow;
  /** Over the HTTP/2 mapping. */
  http2: LossRow;
  /** Event-loop delay of the receiving process meanwhile, ms: a stall there adds to both transports' latencies. */
  receiverEventLoopDelayMs: { p99: number; max: number };
}

const run = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Why the emulated link cannot be built here, or undefined when it can. */
function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespace and TUN devices)';
  for (const [cmd, arg] of [['ip', '-V'], ['python3', '--version']]) {
    try { run(cmd, arg); } catch { return `needs ${cmd}`; }
  }
  return undefined;
}

/** Reads `child`'s output a line at a time; each read waits at most `timeoutMs`. */
function lines(child: ChildProcess, timeoutMs = 20_000): () => Promise<string> {
  const rl = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiting: ((l: string) => void)[] = [];
  rl.on('line', (l) => (waiting.length ? waiting.shift()!(l) : queue.push(l)));
  child.on('exit', () => { for (const w of waiting.splice(0)) w(''); }); // an empty line: the child is gone
  return () => new Promise((resolve, reject) => {
    if (queue.length) return resolve(queue.shift()!);
    const t = setTimeout(() => reject(new Error(`child did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
    waiting.push((l) => { clearTimeout(t); resolve(l); });
  });
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
  let receiver: ChildProcess | undefined;
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
    // The receiver is a fresh process too: this one carries the earlier workloads' heap, and a 15-40 ms
    // mark-compact here stalled the receiving loop and added to both transports' latencies.
    receiver = spawn(process.execPath, [fileURLToPath(new URL('./net-loss-receiver.ts', import.meta.url)), info.quic, info.h2, info.certHex, String(o.seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await lines(receiver, (o.seconds + 30) * 1000)();
    if (!line.startsWith('{')) throw new Error('the receiver failed (its error is above)');
    const got = JSON.parse(line) as LossReceived;
    return { delayMs: o.delayMs, loss: o.loss, seconds: o.seconds, hz: o.hz, ...got };
  } finally {
    receiver?.kill();
    sender?.stdin?.end();
    await new Promise((r) => setTimeout(r, 300));
    sender?.kill();
    link?.stdin?.end();
    await new Promise((r) => setTimeout(r, 100));
    link?.kill();
    try { run('ip', 'netns', 'del', ns); } catch { /* already gone */ }
  }
}
