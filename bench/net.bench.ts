/**
 * `stratum-voxel bench net`: WebTransport on 127.0.0.1, over the HTTP/2 mapping and over HTTP/3 on QUIC
 * (`--transport`). Reports handshake time (to the WebTransport session) and join time (to the game's Welcome), median
 * and p95, echo RTT per channel, chunk-stream throughput, InputBundle bytes for steady walking, and a
 * connect/disconnect soak with the memory growth; for QUIC also datagram RTT percentiles (client in this process:
 * `quic.datagramRttMs`; in a child process: `quic.datagramRttCrossProcessMs`, beside the machine's floor for a round
 * trip between two processes, `quic.udpFloorCrossProcessMs`) and the server's event-loop delay during the child's
 * traffic. Then the loss comparison (bench/net-loss.ts): 20 Hz entity updates over a link with
 * 2% packet loss and 50 ms one-way delay, QUIC datagrams against HTTP/2 at once, one-way latency p50/p99; skipped
 * with a note where the emulated link cannot be built. `--json FILE` writes the figures (HTTP/2 at the top level,
 * QUIC under `quic`, the comparison under `loss`, absent when skipped).
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Bench } from '../game/commands/bench.ts';
import { formatHelp, parseOptions } from '../game/options.ts';
import { lossComparison } from './net-loss.ts';
import type { NetRig, RigTransport } from './net-workloads.ts';
import {
  getGc, inputBundleSizes, measureChunkThroughput, measureDatagramRtt, measureHandshakes, measureRtt, measureUdpFloor, percentiles, soak, startRig,
  summarize,
} from './net-workloads.ts';

const OPTIONS = {
  transport: { kind: 'string', default: 'both', choices: ['h2', 'quic', 'both'], help: 'which WebTransport to measure' },
  connects: { kind: 'int', default: 50, min: 1, max: 10_000, help: 'connects timed for the handshake figures' },
  warmup: { kind: 'int', default: 5, min: 0, max: 1000, help: 'untimed connects before those' },
  pings: { kind: 'int', default: 200, min: 1, max: 100_000, help: 'pings per channel for the RTT figures' },
  'datagram-pings': { kind: 'int', default: 2000, min: 1, max: 1_000_000, help: 'datagram pings for the QUIC RTT percentiles' },
  mb: { kind: 'int', default: 64, min: 1, max: 4096, help: 'megabytes sent on the chunk stream' },
  cycles: { kind: 'int', default: 1000, min: 0, max: 100_000, help: 'connect/disconnect cycles of the soak' },
  'loss-seconds': { kind: 'int', default: 60, min: 0, max: 3600, help: 'seconds of traffic in the loss comparison (0: skip it)' },
  'loss-delay': { kind: 'number', default: 50, min: 0, max: 1000, help: 'one-way delay of the loss comparison, ms' },
  json: { kind: 'string', help: 'write the figures to this JSON file' },
} as const;

type Values = { connects: number; warmup: number; pings: number; 'datagram-pings': number; mb: number; cycles: number };

/** The workloads both transports share; prints as it goes. */
async function common(rig: NetRig, o: Values) {
  const times = await measureHandshakes(rig, o.connects, o.warmup);
  const hs = summarize(times.handshakeMs);
  const join = summarize(times.joinMs);
  console.log(`handshake (${o.connects} connects after ${o.warmup} warm-up, client in a child process)   median ${hs.median.toFixed(2)} ms   p95 ${hs.p95.toFixed(2)} ms`);
  console.log(`join, to the game's Welcome                median ${join.median.toFixed(2)} ms   p95 ${join.p95.toFixed(2)} ms`);
  const rtt = await measureRtt(rig, o.pings);
  for (const [ch, ms] of Object.entries(rtt)) console.log(`echo RTT ${ch.padEnd(12)}           median ${ms.toFixed(3)} ms`);
  const eld = monitorEventLoopDelay({ resolution: 1 });
  eld.enable();
  const mbps = await measureChunkThroughput(rig, o.mb);
  eld.disable();
  const chunkEld = { p50: eld.percentile(50) / 1e6, p99: eld.percentile(99) / 1e6, max: eld.max / 1e6 };
  console.log(`chunk stream (${o.mb} MB in 64 KiB chunks)  ${mbps.toFixed(1)} MB/s   event-loop delay p99 ${chunkEld.p99.toFixed(1)} ms (the sender queues it all at once)`);
  return { hs, join, rtt, mbps, chunkEld };
}

async function soakRows(rig: NetRig, cycles: number) {
  const s = cycles > 0 ? await soak(rig, cycles, { clients: 'child' }) : { cycles: 0, memoryGrowthMB: 0, heapTotalGrowthMB: 0, rssGrowthMB: 0, rssGrowthLast500MB: 0 };
  console.log(`soak ${s.cycles} connect/disconnect cycles (clients in a child process)   server memory growth ${s.memoryGrowthMB.toFixed(2)} MB (limit 20; live heap + external)`);
  console.log(`     V8 reserved heap growth ${s.heapTotalGrowthMB.toFixed(1)} MB, RSS growth ${s.rssGrowthMB.toFixed(1)} MB, over the last 500 cycles ${s.rssGrowthLast500MB.toFixed(1)} MB (after a memory-reducing GC)`);
  return s;
}

async function withRig<T>(transport: RigTransport, fn: (rig: NetRig) => Promise<T>): Promise<T> {
  const rig = await startRig(undefined, transport);
  try {
    return await fn(rig);
  } finally {
    await rig.close();
  }
}

/** The net benchmark. */
export const netBench: Bench = {
  summary: 'WebTransport on loopback, HTTP/2 and QUIC: handshake ms, RTT per channel, datagram RTT, chunk MB/s, event-loop delay, 1,000-connect soak',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel bench net [options]', netBench.summary, OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    const figures: Record<string, unknown> = {};
    let ok = true;
    if (o.transport !== 'quic') {
      await withRig('h2', async (rig) => {
        console.log(`net bench: ${rig.wt.http3 ? 'HTTP/3 + HTTP/2' : 'HTTP/2 (fails-components mapping)'} on ${rig.wt.url}`);
        const c = await common(rig, o);
        const sizes = inputBundleSizes(600);
        const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
        console.log(`input bundle, steady walking, 4 inputs (3 repeated)   mean ${mean.toFixed(1)} bytes per datagram`);
        const s = await soakRows(rig, o.cycles);
        ok &&= s.memoryGrowthMB < 20;
        Object.assign(figures, {
          transport: rig.wt.http3 ? 'http3+http2' : 'http2',
          handshakeMs: c.hs, joinMs: c.join, rttMs: c.rtt, chunkStreamMBps: c.mbps, inputBundleBytes: { mean }, soak: s,
        });
      });
    }
    if (o.transport !== 'h2') {
      await withRig('quic', async (rig) => {
        console.log(`\nnet bench: HTTP/3 on QUIC (quiche) on ${rig.wt.url}`);
        const c = await common(rig, o);
        getGc()(); // the chunk workload's 64 MB of garbage would otherwise be collected during the datagram figures
        const n = o['datagram-pings'];
        const row = (what: string, x: { p50: number; p99: number; max: number }) =>
          console.log(`${what.padEnd(58)} p50 ${x.p50.toFixed(3)} ms   p99 ${x.p99.toFixed(3)} ms   max ${x.max.toFixed(2)} ms`);
        console.log(`datagram RTT, ${n} pings one at a time (Input out, EntityDelta back):`);
        const dg = percentiles((await measureDatagramRtt(rig, n, 'in-process')).rtt);
        row('  client in this process (the stack: both ends, one loop)', dg);
        const d = await measureDatagramRtt(rig, n, 'child');
        const cross = percentiles(d.rtt);
        row('  client in a child process (also two process wake-ups)', cross);
        const floor = percentiles(await measureUdpFloor(n));
        row('  bare UDP echo in a child process (the machine\'s floor)', floor);
        console.log(`event-loop delay of the server during the child's traffic   p50 ${d.eventLoopDelayMs.p50.toFixed(2)} ms   p99 ${d.eventLoopDelayMs.p99.toFixed(2)} ms   max ${d.eventLoopDelayMs.max.toFixed(1)} ms`);
        const s = await soakRows(rig, o.cycles);
        ok &&= s.memoryGrowthMB < 20;
        figures.quic = {
          handshakeMs: c.hs, joinMs: c.join, rttMs: c.rtt, chunkStreamMBps: c.mbps, chunkEventLoopDelayMs: c.chunkEld,
          datagramRttMs: dg, datagramRttCrossProcessMs: cross, udpFloorCrossProcessMs: floor, eventLoopDelayMs: d.eventLoopDelayMs, soak: s,
        };
      });
    }
    const title = `loss comparison (20 Hz entity updates, 2% packet loss each way, ${o['loss-delay']} ms one way; QUIC datagrams and HTTP/2 at once)`;
    const loss = o['loss-seconds'] <= 0 ? { skipped: '--loss-seconds 0' }
      : await lossComparison({ delayMs: o['loss-delay'], loss: 0.02, seconds: o['loss-seconds'], hz: 20 }).catch((e: Error) => {
        ok = false;
        return { skipped: `FAILED on the emulated link: ${e.message}` };
      });
    if ('skipped' in loss) console.log(`\n${title}: skipped, ${loss.skipped}`);
    else {
      console.log(`\n${title}, ${loss.seconds} s:`);
      for (const [name, r] of [['QUIC datagrams', loss.quic], ['HTTP/2 (TCP)', loss.http2]] as const) {
        console.log(`  ${name.padEnd(15)} one-way p50 ${r.p50Ms.toFixed(1)} ms   p99 ${r.p99Ms.toFixed(1)} ms   max ${r.maxMs.toFixed(1)} ms   received ${r.received}, lost ${r.missing}`);
      }
      console.log(`  receiver event-loop delay p99 ${loss.receiverEventLoopDelayMs.p99.toFixed(1)} ms, max ${loss.receiverEventLoopDelayMs.max.toFixed(1)} ms`);
      figures.loss = loss;
    }
    if (o.json) writeFileSync(o.json, JSON.stringify(figures, null, 2) + '\n');
    return ok ? 0 : 1;
  },
};
