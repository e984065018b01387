/**
 * The network workloads of `stratum-voxel bench net`, over a real WebTransport server and Node client on 127.0.0.1,
 * over the HTTP/2 mapping or over HTTP/3 on QUIC (the timed clients run in a child process, bench/net-client.ts; the
 * echo RTT and chunk workloads share this one): handshake latency, echo RTT per channel, datagram RTT percentiles,
 * chunk-stream throughput, event-loop delay under that traffic, input
 * bundle size for steady walking, and a connect/disconnect soak with the memory growth. The soak is also run,
 * shorter, by a test.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createEventBus } from '../engine/events.ts';
import { loadHasher } from '../engine/hash.ts';
import { Button } from '../engine/input.ts';
import type { PlayerInput } from '../engine/input.ts';
import { createRng } from '../engine/rng.ts';
import { CHANNELS, Channel } from '../engine/net/channels.ts';
import type { NetClient, NetClientEvents } from '../engine/net/client.ts';
import { createNetClient } from '../engine/net/client.ts';
import { createInputSender } from '../engine/net/input-channel.ts';
import { createRealtimeScheduler } from '../engine/net/scheduler.ts';
import type { NetServer } from '../engine/net/server.ts';
import { createNetServer } from '../engine/net/server.ts';
import type { Connector } from '../engine/net/transport.ts';
import { encodeFrame } from '../engine/protocol/framing.ts';
import type { ProtocolIdentity } from '../engine/protocol/handshake.ts';
import { localIdentity } from '../engine/protocol/handshake.ts';
import type { Message } from '../engine/protocol/messages.ts';
import { MsgType } from '../engine/protocol/messages.ts';
import type { SelfSignedCert } from '../engine/platform/node/cert.ts';
import { nodeWebTransportConnector, startWebTransportServer } from '../engine/platform/node/webtransport.ts';
import { startQuicWebTransportServer } from '../engine/platform/node/quic/webtransport-server.ts';
import { quicWebTransportConnector } from '../engine/platform/node/quic/webtransport-client.ts';

/** Which WebTransport the rig runs: the HTTP/2 mapping (fails-components) or HTTP/3 on QUIC (ours). */
export type RigTransport = 'h2' | 'quic';

/** The parts of a WebTransport server the workloads use. */
export interface RigServer {
  /** Session URL. */
  readonly url: string;
  /** Its certificate. */
  readonly cert: SelfSignedCert;
  /** Sessions open now. */
  readonly openSessions: number;
  /** True when HTTP/3 is served. */
  readonly http3: boolean;
  /** Stops it. */
  close(): Promise<void>;
}

/** A server and a connector to it. */
export interface NetRig {
  /** Which transport. */
  transport: RigTransport;
  /** Protocol identity. */
  identity: ProtocolIdentity;
  /** The network server. */
  net: NetServer;
  /** The WebTransport server. */
  wt: RigServer;
  /** Opens client sessions to it. */
  connect: Connector;
  /** Stops everything. */
  close(): Promise<void>;
}

const scheduler = createRealtimeScheduler();

/** Starts a WebTransport net server on 127.0.0.1 (HTTP/2 mapping by default) and a connector to it. */
export async function startRig(onMessage?: (channel: Channel, msg: Message) => void, transport: RigTransport = 'h2'): Promise<NetRig> {
  const identity = localIdentity(await loadHasher());
  const net = createNetServer({
    identity, scheduler, adminToken: 'bench', onMessage: (_s, c, m) => onMessage?.(c, m),
    // This bench measures the transport, not the per-session budgets: back-to-back pings and connects are its load.
    limits: { messages: { ping: { perSecond: 1e6, burst: 1e6 } } }, maxSessionsPerAddress: 1e6,
  });
  let wt: RigServer;
  let connect: Connector;
  if (transport === 'quic') {
    const q = await startQuicWebTransportServer({ sink: net.accept });
    wt = { url: q.url, cert: q.cert, http3: true, get openSessions() { return q.openSessions; }, close: () => q.close() };
    connect = quicWebTransportConnector({ url: q.url, certHash: q.cert.sha256 });
  } else {
    wt = await startWebTransportServer({ sink: net.accept });
    connect = await nodeWebTransportConnector({ url: wt.url, certHash: wt.cert.sha256 });
  }
  return { transport, identity, net, wt, connect, close: async () => { net.closeAll('bench over'); await wt.close(); } };
}

/** Connects one client; resolves when active, with the ms it took. */
export function connectClient(rig: NetRig, onMessage?: (channel: Channel, msg: Message) => void): Promise<{ client: NetClient; ms: number }> {
  return new Promise((resolve, reject) => {
    const bus = createEventBus<NetClientEvents>();
    const t0 = performance.now();
    const client = createNetClient({ connect: rig.connect, identity: rig.identity, name: 'bench', scheduler, rng: createRng(1), bus, reconnect: false, onMessage });
    bus.on('Connected', () => resolve({ client, ms: performance.now() - t0 }));
    bus.on('Disconnected', (d) => reject(new Error(`bench client disconnected: ${d.reason}`)));
    client.start();
  });
}

/** Waits until `cond` holds, polling every ms. */
export function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const poll = () => {
      if (cond()) resolve();
      else if (performance.now() - t0 > timeoutMs) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 1);
    };
    poll();
  });
}

/** Median and 95th percentile of a sample. */
export function summarize(xs: number[]): { median: number; p95: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { median: at(0.5), p95: at(0.95) };
}

/** Median, 99th percentile and maximum of a sample. */
export function percentiles(xs: number[]): { p50: number; p99: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1] };
}

/** Where the pinging client of {@link measureDatagramRtt} runs. */
export type DatagramClients = 'in-process' | 'child';

/**
 * Datagram round trips, ms: `n` pings on the Input channel (a datagram each way: the pong comes back on EntityDelta),
 * one at a time after 100 untimed ones, from a client in this process (`in-process`: the stack's own latency, both
 * ends on one event loop, as the QUIC facts of the issue were measured) or in a child process (`child`,
 * bench/net-client.ts: two processes, so each round trip also waits for the machine to wake each of them; see
 * {@link measureUdpFloor}). Also the event-loop delay of this process while they run (1 ms resolution): with a child
 * client, the server's alone.
 */
export async function measureDatagramRtt(rig: NetRig, n: number, clients: DatagramClients = 'child'): Promise<{ rtt: number[]; eventLoopDelayMs: { p50: number; p99: number; max: number } }> {
  const eld = monitorEventLoopDelay({ resolution: 1 });
  let rtt: number[] = [];
  if (clients === 'child') {
    await childClient(rig, 'datagram-pings', n, 100, (line) => {
      if (line === 'pinging') eld.enable();
      else rtt = (JSON.parse(line) as { rttMs: number[] }).rttMs;
    });
  } else {
    const { client } = await connectClient(rig);
    try {
      for (let i = 0; i < 100; i++) await client.ping(Channel.Input);
      eld.enable();
      for (let i = 0; i < n; i++) rtt.push(await client.ping(Channel.Input));
    } finally {
      client.stop();
    }
  }
  eld.disable();
  return { rtt, eventLoopDelayMs: { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 } };
}

/**
 * The machine's floor for a round trip between two processes: `n` bare UDP datagrams on 127.0.0.1 to an echo in a
 * child process (bench/udp-echo.ts) and back, one at a time after 100 untimed ones, with no QUIC, HTTP/3 or
 * protocol at all. Its tail is the time the machine takes to wake a sleeping process, which a cross-process
 * measurement of any stack includes.
 */
export async function measureUdpFloor(n: number): Promise<number[]> {
  const echo = spawn(process.execPath, [fileURLToPath(new URL('./udp-echo.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  const socket = createSocket('udp4');
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise<number[]>((resolve, reject) => {
      echo.once('error', reject);
      echo.once('exit', (code) => reject(new Error(`the UDP echo exited (${code}) during the measurement`)));
      socket.once('error', reject);
      createInterface({ input: echo.stdout! }).once('line', (line) => {
        socket.bind(0, '127.0.0.1', () => {
          socket.connect(Number(line), '127.0.0.1', () => {
            const payload = new Uint8Array(64);
            const view = new DataView(payload.buffer);
            const rtt: number[] = [];
            let seq = 0;
            let t0 = 0;
            // One numbered datagram at a time; one lost on a busy machine goes again, numbered anew, after 100 ms.
            const send = () => {
              view.setUint32(0, ++seq);
              t0 = performance.now();
              socket.send(payload);
              clearTimeout(timer);
              timer = setTimeout(send, 100);
            };
            socket.on('message', (reply: Buffer) => {
              if (reply.length < 4 || reply.readUInt32BE(0) !== seq) return; // the echo of one given up on
              if (seq > 100) rtt.push(performance.now() - t0);
              if (rtt.length === n) {
                clearTimeout(timer);
                resolve(rtt);
              } else send();
            });
            send();
          });
        });
      });
    });
  } finally {
    clearTimeout(timer);
    echo.removeAllListeners('exit');
    echo.kill();
    socket.close();
  }
}

/** Times of `n` sequential connects, ms each. */
export interface HandshakeTimes {
  /** Connect call to WebTransport session: the transport's handshake (QUIC or TCP + TLS, SETTINGS, CONNECT). */
  handshakeMs: number[];
  /** Connect call to the game's Welcome: the handshake, then the Hello/Welcome exchange. */
  joinMs: number[];
}

/**
 * Handshake times of `n` sequential connects after `warmup`, a new TLS connection each, timed by a client in a child
 * process (bench/net-client.ts).
 */
export async function measureHandshakes(rig: NetRig, n: number, warmup = 0): Promise<HandshakeTimes> {
  let times: HandshakeTimes = { handshakeMs: [], joinMs: [] };
  await childClient(rig, 'handshakes', n, warmup, (line) => { times = JSON.parse(line) as HandshakeTimes; });
  await waitFor(() => rig.net.open === 0, 'sessions to close');
  return times;
}

/** Median echo RTT per channel over `n` pings each, ms. Server-to-client channels are pinged by the server. */
export async function measureRtt(rig: NetRig, n: number): Promise<Record<string, number>> {
  const { client } = await connectClient(rig);
  const session = rig.net.sessions.get(client.sessionId)!;
  const out: Record<string, number> = {};
  for (const info of CHANNELS) {
    const fromServer = info.carrier === 'uni-s2c' || info.carrier === 'datagram-s2c';
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      samples.push(await (fromServer ? session.connection.ping(info.id) : client.ping(info.id)));
    }
    out[info.name] = summarize(samples).median;
  }
  client.stop();
  return out;
}

/** Sends `totalMB` of ChunkData (64 KiB each) on the chunk stream; MB/s until the client has all of it. */
export async function measureChunkThroughput(rig: NetRig, totalMB: number): Promise<number> {
  let got = 0;
  const { client } = await connectClient(rig, (_c, m) => { if (m.type === MsgType.ChunkData) got += m.data.length; });
  const session = rig.net.sessions.get(client.sessionId)!;
  const size = 64 * 1024;
  const count = Math.ceil((totalMB * 1024 * 1024) / size);
  const data = new Uint8Array(size).map((_, i) => (i * 31) & 255);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    session.send(Channel.ChunkStream, { type: MsgType.ChunkData, cx: i, cz: 0, checksum: '0000000000000000', data });
  }
  await waitFor(() => got >= count * size, 'chunk stream', 120_000);
  const seconds = (performance.now() - t0) / 1000;
  client.stop();
  return (count * size) / (1024 * 1024) / seconds;
}

/**
 * Datagram bytes (frame included) of InputBundles for steady walking at 20 Hz: W held, sprinting, looking straight
 * ahead, each bundle repeating the previous `redundancy` inputs. Returns the sizes of `ticks` bundles.
 */
export function inputBundleSizes(ticks: number, redundancy = 3): number[] {
  const sender = createInputSender(redundancy);
  const sizes: number[] = [];
  for (let t = 1000; t < 1000 + ticks; t++) {
    const input: PlayerInput = { tick: t, buttons: Button.Forward | Button.Sprint, yaw: 300, pitch: -20 };
    sizes.push(encodeFrame([sender.next(input, t - 3)]).length);
  }
  return sizes;
}

/**
 * A full, memory-reducing garbage collection ("last-resort" flavour, which also gives unused heap pages back; a plain
 * collection leaves V8's reserved heap, and with it RSS, at its high-water mark). Exposes `gc` at run time if needed.
 */
export function getGc(): () => void {
  let g = (globalThis as { gc?: (o?: object) => void }).gc;
  if (!g) {
    setFlagsFromString('--expose-gc');
    g = runInNewContext('gc') as (o?: object) => void;
  }
  const gc = g;
  return () => {
    try {
      gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    } catch {
      gc(); // older V8 without options
    }
  };
}

/** After a full collection: JS heap plus memory outside it (`external`, which includes array buffers), and RSS, MB. */
export async function settledMemoryMB(gc: () => void): Promise<{ managed: number; heapTotal: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 20));
    gc();
  }
  const m = process.memoryUsage();
  const mb = 1024 * 1024;
  return { managed: (m.heapUsed + m.external) / mb, heapTotal: m.heapTotal / mb, rss: m.rss / mb };
}

/** Result of {@link soak}. */
export interface SoakResult {
  /** Connect/disconnect cycles run. */
  cycles: number;
  /** Growth of JS heap + external memory after collection, MB (of the server alone when clients ran in a child). */
  memoryGrowthMB: number;
  /** Growth of the heap V8 has reserved (used or not) after a memory-reducing collection, MB. */
  heapTotalGrowthMB: number;
  /** Growth of the resident set after a memory-reducing collection, MB. */
  rssGrowthMB: number;
  /** Growth of the resident set over the last 500 cycles (the last half when fewer than 1,000), MB. */
  rssGrowthLast500MB: number;
}

/** A workload of bench/net-client.ts. */
export type ChildWorkload = 'cycles' | 'handshakes' | 'datagram-pings';

/**
 * Runs `workload` in a client child process (bench/net-client.ts) against the rig; `onLine` gets each line it
 * prints (the last is its JSON result). Rejects when it fails or prints no result.
 */
export function childClient(rig: NetRig, workload: ChildWorkload, n: number, warmup: number, onLine: (line: string) => void): Promise<void> {
  const script = fileURLToPath(new URL('./net-client.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, rig.wt.url, rig.wt.cert.sha256Hex, rig.transport, workload, String(n), String(warmup)], {
      stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000,
    });
    let stderr = '';
    let last = '';
    child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-2000); });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      last = line;
      try {
        onLine(line);
      } catch (err) {
        reject(new Error(`bench client printed ${line.slice(0, 200)}: ${(err as Error).message}`));
      }
    });
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`bench client (${workload}) exited ${code}\n${stderr}`));
      else if (!last.startsWith('{')) reject(new Error(`bench client (${workload}) printed no result: ${last.slice(0, 500)}`));
      else resolve();
    });
  });
}

/** Runs `cycles` connect/disconnect cycles from a child process (bench/net-client.ts). */
export function childCycles(rig: NetRig, cycles: number): Promise<void> {
  return childClient(rig, 'cycles', cycles, 0, () => {});
}

/**
 * Connect/disconnect `cycles` times after `warmup` cycles; memory growth of this process. With `clients: 'child'`
 * the clients run in another process, so the figure is the server's alone; with 'in-process' it also includes the
 * clients (an upper bound).
 */
export async function soak(rig: NetRig, cycles: number, options: { warmup?: number; clients?: 'child' | 'in-process' } = {}): Promise<SoakResult> {
  const gc = getGc();
  const warmup = options.warmup ?? 20;
  const run = async (n: number) => {
    if (options.clients === 'child') return childCycles(rig, n);
    for (let i = 0; i < n; i++) {
      const { client } = await connectClient(rig);
      client.stop();
    }
  };
  await run(warmup);
  await waitFor(() => rig.net.open === 0 && rig.wt.openSessions === 0, 'warm-up sessions to close');
  const before = await settledMemoryMB(gc);
  const first = cycles - Math.min(500, Math.floor(cycles / 2));
  await run(first);
  await waitFor(() => rig.net.open === 0 && rig.wt.openSessions === 0, 'soak sessions to close');
  const middle = await settledMemoryMB(gc);
  await run(cycles - first);
  await waitFor(() => rig.net.open === 0 && rig.wt.openSessions === 0, 'soak sessions to close');
  const after = await settledMemoryMB(gc);
  return {
    cycles,
    memoryGrowthMB: after.managed - before.managed,
    heapTotalGrowthMB: after.heapTotal - before.heapTotal,
    rssGrowthMB: after.rss - before.rss,
    rssGrowthLast500MB: after.rss - middle.rss,
  };
}
