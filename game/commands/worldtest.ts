/**
 * `stratum-voxel worldtest`: the multi-client world test over real WebTransport, with a link conditioner (`--transport h2`)
 * or through a seeded UDP link emulator under QUIC (`--transport quic`). Prints progress
 * and a table of metric, target, value, pass; writes metrics.json, event streams, input logs and report.html;
 * exits 1 when a target is missed.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatHelp, OptionError, parseOptions } from '../options.ts';
import { worldTestMetrics } from '../worldtest/metrics.ts';
import { writeWorldTestArtifacts } from '../worldtest/report.ts';
import { runWorldTest, type WorldTestTransport } from '../worldtest/run.ts';
import { loadScenario } from '../worldtest/scenario.ts';
import type { Command } from './command.ts';

/** test/fixtures/lan_scenario.toml in the repository; in the installed package, the copy the build puts beside the worldtest. */
const DEFAULT_SCENARIO = [new URL('../../test/fixtures/lan_scenario.toml', import.meta.url), new URL('../worldtest/lan_scenario.toml', import.meta.url)]
  .map((u) => fileURLToPath(u)).find((f) => existsSync(f)) ?? fileURLToPath(new URL('../../test/fixtures/lan_scenario.toml', import.meta.url));

const OPTIONS = {
  scenario: { kind: 'string', default: DEFAULT_SCENARIO, help: 'scenario TOML file' },
  clients: { kind: 'int', default: 2, min: 1, max: 64, help: 'headless clients' },
  transport: { kind: 'string', default: 'h2', choices: ['h2', 'quic'], help: "'h2': HTTP/2 mapping with a link conditioner above it; 'quic': HTTP/3 on QUIC through a seeded UDP link emulator (real packet loss)" },
  rtt: { kind: 'number', default: 100, min: 0, max: 2000, help: 'round-trip latency added, ms' },
  jitter: { kind: 'number', default: 0, min: 0, max: 500, help: 'jitter per direction, ms' },
  loss: { kind: 'number', default: 0, min: 0, max: 0.5, help: 'loss per direction, 0..0.5: datagrams (h2), every UDP packet (quic)' },
  out: { kind: 'string', default: 'out/worldtest', help: 'folder for metrics.json, streams, input logs, report.html' },
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
    const scenario = loadScenario(o.scenario);
    const most = Math.max(...scenario.phases.map((p) => p.client));
    if (o.clients < most) throw new OptionError(`--clients must be at least ${most}: the scenario's phases use client ${most}`);
    const options = { scenario, clients: o.clients, transport: o.transport as WorldTestTransport, rttMs: o.rtt, jitterMs: o.jitter, loss: o.loss, log: (l: string) => console.log(l) };
    const run = await runWorldTest(options);
    const metrics = worldTestMetrics(run, options);
    writeWorldTestArtifacts(o.out, run, metrics);
    console.log('');
    console.log(`${'metric'.padEnd(52)} ${'target'.padEnd(10)} ${'value'.padEnd(10)} pass`);
    for (const t of metrics.targets) {
      const v = typeof t.value === 'number' ? String(+t.value.toFixed(2)) : String(t.value);
      console.log(`${t.metric.padEnd(52)} ${t.target.padEnd(10)} ${v.padEnd(10)} ${t.pass ? 'yes' : 'NO'}`);
    }
    console.log(`\nworld test ${metrics.pass ? 'passed' : 'FAILED'}; artifacts in ${o.out}/ (metrics.json, report.html, *-events.jsonl, inputs/)`);
    return metrics.pass ? 0 : 1;
  },
};
