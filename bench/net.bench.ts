/**
 * `stratum bench net`: WebTransport on 127.0.0.1 (HTTP/2 mapping unless the native HTTP/3 part loads).
 * Reports handshake time (median, p95), echo RTT per channel, chunk-stream throughput, InputBundle bytes for steady
 * walking, and a connect/disconnect soak with the memory growth. `--json FILE` writes the figures.
 */
import { writeFileSync } from 'node:fs';
import type { Bench } from '../game/commands/bench.ts';
import { formatHelp, parseOptions } from '../game/options.ts';
import {
  inputBundleSizes, measureChunkThroughput, measureHandshakes, measureRtt, soak, startRig, summarize,
} from './net-workloads.ts';

const OPTIONS = {
  connects: { kind: 'int', default: 50, min: 1, max: 10_000, help: 'connects timed for the handshake figures' },
  warmup: { kind: 'int', default: 5, min: 0, max: 1000, help: 'untimed connects before those' },
  pings: { kind: 'int', default: 200, min: 1, max: 100_000, help: 'pings per channel for the RTT figures' },
  mb: { kind: 'int', default: 64, min: 1, max: 4096, help: 'megabytes sent on the chunk stream' },
  cycles: { kind: 'int', default: 1000, min: 0, max: 100_000, help: 'connect/disconnect cycles of the soak' },
  json: { kind: 'string', help: 'write the figures to this JSON file' },
} as const;

/** The net benchmark. */
export const netBench: Bench = {
  summary: 'WebTransport on loopback: handshake ms, RTT per channel, chunk MB/s, input bundle bytes, 1,000-connect soak',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum bench net [options]', netBench.summary, OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    const rig = await startRig();
    try {
      console.log(`net bench: ${rig.wt.http3 ? 'HTTP/3 + HTTP/2' : 'HTTP/2 (native HTTP/3 part not loaded)'} on ${rig.wt.url}`);
      const hs = summarize(await measureHandshakes(rig, o.connects, o.warmup));
      console.log(`handshake (${o.connects} connects after ${o.warmup} warm-up)   median ${hs.median.toFixed(2)} ms   p95 ${hs.p95.toFixed(2)} ms`);
      const rtt = await measureRtt(rig, o.pings);
      for (const [ch, ms] of Object.entries(rtt)) console.log(`echo RTT ${ch.padEnd(12)}           median ${ms.toFixed(3)} ms`);
      const mbps = await measureChunkThroughput(rig, o.mb);
      console.log(`chunk stream (${o.mb} MB in 64 KiB chunks)  ${mbps.toFixed(1)} MB/s`);
      const sizes = inputBundleSizes(600);
      const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
      console.log(`input bundle, steady walking, 4 inputs (3 repeated)   mean ${mean.toFixed(1)} bytes per datagram`);
      const s = o.cycles > 0 ? await soak(rig, o.cycles, { clients: 'child' }) : { cycles: 0, memoryGrowthMB: 0, heapTotalGrowthMB: 0, rssGrowthMB: 0 };
      console.log(`soak ${s.cycles} connect/disconnect cycles (clients in a child process)   server memory growth ${s.memoryGrowthMB.toFixed(2)} MB (limit 20; live heap + external)`);
      console.log(`     V8 reserved heap growth ${s.heapTotalGrowthMB.toFixed(1)} MB, RSS growth ${s.rssGrowthMB.toFixed(1)} MB (after a memory-reducing GC)`);
      const figures = {
        transport: rig.wt.http3 ? 'http3+http2' : 'http2',
        handshakeMs: hs,
        rttMs: rtt,
        chunkStreamMBps: mbps,
        inputBundleBytes: { mean },
        soak: s,
      };
      if (o.json) writeFileSync(o.json, JSON.stringify(figures, null, 2) + '\n');
      return s.memoryGrowthMB < 20 ? 0 : 1;
    } finally {
      await rig.close();
    }
  },
};
