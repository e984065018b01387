/**
 * Bandwidth bench, "bandwidth N bots view 8 noise terrain 1 MB/s": N scripted bots join one server over the loopback
 * stepper (simulated time, 50 ms one-way latency) and walk and build. Reports per-client KB/s while joining (until the
 * whole view is loaded) and in steady state, the peak one-second window of any client (must stay within the 1 MB/s
 * budget plus one message), and the time until each client holds every column in its view.
 */
import { writeFileSync } from 'node:fs';
import { clientBot } from '../game/client/bot.ts';
import type { Bench } from '../game/commands/bench.ts';
import { formatHelp, parseOptions } from '../game/options.ts';
import { summarize } from '../engine/stats.ts';
import { DEFAULT_CLIENT_BUDGET } from '../engine/server/game-server.ts';
import { createStepper } from '../test/support/stepper.ts';

const OPTIONS = {
  clients: { kind: 'int', default: 8, min: 1, max: 64, help: 'bots joining' },
  seconds: { kind: 'int', default: 20, min: 5, max: 600, help: 'simulated seconds' },
  'view-distance': { kind: 'int', default: 8, min: 1, max: 16, help: 'view distance in chunks' },
  json: { kind: 'string', help: 'write the figures to this JSON file' },
} as const;

/** The `bandwidth` bench. */
export const bandwidthBench: Bench = {
  summary: 'per-client KB/s joining and steady, peak window, time to full view',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel bench bandwidth [options]', 'Bots join one server over the loopback stepper; bandwidth per client.', OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    const view = o['view-distance'];
    const st = await createStepper({ terrain: { kind: 'noise', seed: 1 }, worldRadius: view + 4, viewDistance: view, columnSections: 16 });
    const name = `bandwidth ${o.clients} bots view ${view} noise terrain ${DEFAULT_CLIENT_BUDGET / 1000} KB/s budget`;
    console.log(`${name}: ${(2 * (view + 4) + 1) ** 2} columns generated; simulating ${o.seconds} s`);
    const clients = Array.from({ length: o.clients }, (_, i) => st.addClient(clientBot(i + 1, 40), { latencyMs: 50 }, i + 1));
    const ticks = o.seconds * 20;
    const samples = clients.map(() => new Float64Array(ticks + 1));
    const fullAt = clients.map(() => -1);
    for (let t = 1; t <= ticks; t++) {
      st.step(1);
      clients.forEach((c, i) => {
        samples[i][t] = c.client.net.connection?.stats.bytesIn ?? samples[i][t - 1];
        if (fullAt[i] < 0) {
          const p = [...st.server.players.values()].find((q) => q.session.name === `p${i + 1}`);
          // Full view: every column in view sent and acknowledged as applied by the client.
          if (p && p.chunks.size > 0 && p.chunkQueue.length === 0 && p.queuedAt.size === 0) fullAt[i] = t;
        }
      });
      if (t % 100 === 0) process.stderr.write(`  ${t / 20} s simulated\n`);
    }
    let peak = 0;
    const join: number[] = [], steady: number[] = [];
    samples.forEach((s, i) => {
      for (let t = 20; t <= ticks; t++) peak = Math.max(peak, s[t] - s[t - 20]);
      const f = fullAt[i] < 0 ? ticks : fullAt[i];
      join.push(s[f] / 1000 / (f / 20));
      const from = Math.max(f, ticks - 200);
      if (ticks > from) steady.push((s[ticks] - s[from]) / 1000 / ((ticks - from) / 20));
    });
    const full = fullAt.filter((t) => t >= 0).map((t) => t * 50);
    const result = {
      name, clients: o.clients, viewDistance: view, seconds: o.seconds,
      joinKBps: summarize(join).mean, steadyKBps: summarize(steady).mean, peakKBps: peak / 1000,
      timeToFullViewMs: { median: summarize(full).p50, max: summarize(full).max },
      clientsWithFullView: full.length, budgetKBps: DEFAULT_CLIENT_BUDGET / 1000,
    };
    console.log('metric                              value');
    console.log(`join KB/s per client (mean)         ${result.joinKBps.toFixed(1)}`);
    console.log(`steady KB/s per client (mean)       ${result.steadyKBps.toFixed(2)}`);
    console.log(`peak 1-s window, any client, KB/s   ${result.peakKBps.toFixed(1)} (budget ${result.budgetKBps})`);
    console.log(`time to full view, ms (median/max)  ${result.timeToFullViewMs.median} / ${result.timeToFullViewMs.max} (${full.length}/${o.clients} clients)`);
    if (o.json) writeFileSync(o.json, JSON.stringify(result, null, 2) + '\n');
    return 0;
  },
};
