/**
 * `stratum-voxel worldtest`: the multi-client world test over real WebTransport, with a link conditioner (`--transport h2`)
 * or through a seeded UDP link emulator under QUIC (`--transport quic`). Prints progress
 * and a table of metric, target, value, pass; writes metrics.json, event streams, input logs and report.html;
 * exits 1 when a target is missed.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatHelp, OptionError, parseOptions } from '../options.ts';
import { join } from 'node:path';
import { clusterWorldTestMetrics } from '../worldtest/cluster-metrics.ts';
import type { ClusterWorldTestOptions } from '../worldtest/cluster-run.ts';
import { worldTestMetrics, type Target } from '../worldtest/metrics.ts';
import { writeWorldTestArtifacts } from '../worldtest/report.ts';
import { runWorldTest, type WorldTestOptions, type WorldTestTransport } from '../worldtest/run.ts';
import { loadScenario } from '../worldtest/scenario.ts';
import type { Command } from './command.ts';

/** A scenario of test/fixtures in the repository; in the installed package, the copy the build puts beside the worldtest. */
function scenarioFile(name: string): string {
  return [new URL(`../../test/fixtures/${name}`, import.meta.url), new URL(`../worldtest/${name}`, import.meta.url)]
    .map((u) => fileURLToPath(u)).find((f) => existsSync(f)) ?? fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));
}
const DEFAULT_SCENARIO = scenarioFile('lan_scenario.toml');
const CLUSTER_SCENARIO = scenarioFile('cluster_scenario.toml');

const OPTIONS = {
  scenario: { kind: 'string', default: DEFAULT_SCENARIO, help: 'scenario TOML file' },
  clients: { kind: 'int', default: 2, min: 1, max: 64, help: 'headless clients' },
  transport: { kind: 'string', default: 'h2', choices: ['h2', 'quic'], help: "'h2': HTTP/2 mapping with a link conditioner above it; 'quic': HTTP/3 on QUIC through a seeded UDP link emulator (real packet loss)" },
  rtt: { kind: 'number', default: 100, min: 0, max: 2000, help: 'round-trip latency added, ms' },
  jitter: { kind: 'number', default: 0, min: 0, max: 500, help: 'jitter per direction, ms' },
  loss: { kind: 'number', default: 0, min: 0, max: 0.5, help: 'loss per direction, 0..0.5: datagrams (h2), every UDP packet (quic)' },
  out: { kind: 'string', default: 'out/worldtest', help: 'folder for metrics.json, streams, input logs, report.html' },
  shards: { kind: 'int', default: 0, min: 0, max: 8, help: 'run a cluster instead: a local nats-server, this many shard processes and a gateway (2 or more; default scenario test/fixtures/cluster_scenario.toml)' },
  'kill-shard': { kind: 'flag', help: 'with --shards: kill (SIGKILL) the shard holding client 1 in the middle of its build on the far side of the border' },
} as const;

/** The `worldtest` command. */
export const worldtest: Command = {
  summary: 'multi-client world test with metrics',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel worldtest [options]', 'Server and N clients over WebTransport on 127.0.0.1: HTTP/2 with a link conditioner, or QUIC through a seeded UDP link emulator.', OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    if (o['kill-shard'] && o.shards < 2) throw new OptionError('--kill-shard needs --shards 2 or more');
    if (o.shards === 1) throw new OptionError('--shards must be 0 (one server, no cluster) or 2..8: a cluster test needs a border between two shards');
    const scenario = loadScenario(o.shards && !argv.some((a) => a === '--scenario' || a.startsWith('--scenario=')) ? CLUSTER_SCENARIO : o.scenario);
    const most = Math.max(...scenario.phases.map((p) => p.client));
    // A cluster test runs as many clients as its scenario uses unless told otherwise.
    const clients = o.shards && !argv.some((a) => a === '--clients' || a.startsWith('--clients=')) ? Math.max(most, o.clients) : o.clients;
    if (clients < most) throw new OptionError(`--clients must be at least ${most}: the scenario's phases use client ${most}`);
    const options = { scenario, clients, transport: o.transport as WorldTestTransport, rttMs: o.rtt, jitterMs: o.jitter, loss: o.loss, log: (l: string) => console.log(l) };
    const { pass, targets } = o.shards ? await clusterTest({ ...options, shards: o.shards, killShard: o['kill-shard'], out: o.out }) : await singleTest(options, o.out);
    printTargets(targets);
    console.log(`\nworld test ${pass ? 'passed' : 'FAILED'}; artifacts in ${o.out}/ (metrics.json${o.shards ? ', shards/*.jsonl' : ', report.html, *-events.jsonl, inputs/'})`);
    return pass ? 0 : 1;
  },
};

/** The single-server test: runs it, writes every artifact. */
async function singleTest(options: WorldTestOptions, out: string): Promise<{ pass: boolean; targets: Target[] }> {
  const run = await runWorldTest(options);
  const metrics = worldTestMetrics(run, options);
  writeWorldTestArtifacts(out, run, metrics);
  return metrics;
}

/** The cluster test: runs it, writes metrics.json (the shards wrote their recordings). */
async function clusterTest(options: ClusterWorldTestOptions): Promise<{ pass: boolean; targets: Target[] }> {
  // Loaded only for a cluster test: it needs the NATS clients, optional peer dependencies of the package.
  const { runClusterWorldTest } = await import('../worldtest/cluster-run.ts');
  const run = await runClusterWorldTest(options);
  const metrics = clusterWorldTestMetrics(run, options);
  mkdirSync(options.out, { recursive: true });
  writeFileSync(join(options.out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
  console.log(`handshake ms beyond the added RTT (worst client; reported, not a target): ${metrics.handshakeBeyondRttMs.toFixed(1)}`);
  for (const r of run.replays) {
    for (const d of r.diff.differences.slice(0, 5)) console.log(`  shard ${r.shard} replay difference: ${JSON.stringify(d).slice(0, 300)}`);
  }
  return metrics;
}

/** Prints the targets table. */
function printTargets(targets: readonly Target[]): void {
    console.log('');
    console.log(`${'metric'.padEnd(52)} ${'target'.padEnd(10)} ${'value'.padEnd(10)} pass`);
    for (const t of targets) {
      const v = typeof t.value === 'number' ? String(+t.value.toFixed(2)) : String(t.value);
      console.log(`${t.metric.padEnd(52)} ${t.target.padEnd(10)} ${v.padEnd(10)} ${t.pass ? 'yes' : 'NO'}`);
    }
}
