/**
 * `stratum-voxel bench <name> [options]`: runs one benchmark from `bench/`. Each prints a table and, with `--json FILE`,
 * writes its figures. Benchmarks are never asserted by timing inside `npm test`.
 */
import { existsSync } from 'node:fs';
import { OptionError } from '../options.ts';
import type { Command } from './command.ts';

/** A benchmark module's entry point. */
export interface Bench {
  /** One-line summary. */
  summary: string;
  /** Runs with the arguments after the bench name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

/**
 * Loads export `name` of bench/`file`. The benchmarks live in the repository only (the installed package ships no
 * bench/), so the path is built at run time and checked first.
 */
async function benchModule(file: string, name: string): Promise<Bench> {
  const url = new URL(`../../bench/${file}`, import.meta.url);
  if (!existsSync(url)) {
    throw new OptionError('benchmarks need the Stratum repository (bench/ is not in the installed package): clone it, npm install, then npm run bench -- <name>');
  }
  return (await import(url.href) as Record<string, Bench>)[name];
}

/** Benchmarks by name, loaded lazily. Keep alphabetical. */
const BENCHES: Record<string, { summary: string; load: () => Promise<Bench> }> = {
  bandwidth: { summary: 'N bots join over the loopback stepper: KB/s per client joining and steady, peak window, time to full view', load: () => benchModule('bandwidth.bench.ts', 'bandwidthBench') },
  chunks: { summary: 'chunk codec on terrain columns (--corpus FILE | --synthetic SEED): bytes, columns/s, peers', load: () => benchModule('chunks.bench.ts', 'chunksBench') },
  cluster: { summary: 'one shard against two, bots in two regions through a gateway: tick p99 per shard, NATS msgs and KB per tick, hand-off p50/p99, players held', load: () => benchModule('cluster.bench.ts', 'clusterBench') },
  ecs: { summary: 'movement-system tick cost, 10k and 100k entities, SAB stores vs plain ArrayBuffer stores', load: () => benchModule('ecs.bench.ts', 'ecsBench') },
  entities: { summary: 'entity-delta N walkers 10 Hz: bytes per entity update, KB/s per client, against @colyseus/schema', load: () => benchModule('entities.bench.ts', 'entitiesBench') },
  light: { summary: 'light: incremental update after one block edit (p50/p99 ms), whole column (ms), the pool, bytes per column if sent', load: () => benchModule('light.bench.ts', 'lightBench') },
  mesh: { summary: 'greedy meshing sections/s, one thread and worker pool, generated terrain and Minecraft corpus', load: () => benchModule('mesh.bench.ts', 'meshBench') },
  net: { summary: 'WebTransport on loopback: handshake, RTT per channel, chunk MB/s, input bytes, soak', load: () => benchModule('net.bench.ts', 'netBench') },
  scale: { summary: 'server tick p50/p99, CPU, memory, KB/s per client as bots grow (server and bots processes)', load: () => benchModule('scale.bench.ts', 'scaleBench') },
  soak: { summary: 'N crowding builder bots in one small area (server process, WebTransport): disconnects, phantom blocks, refusals, resyncs', load: () => benchModule('soak.bench.ts', 'soakBench') },
};

function usage(): string {
  const rows = Object.entries(BENCHES).map(([name, b]) => `  ${name.padEnd(10)} ${b.summary}`);
  return ['usage: stratum bench <name> [options]   (npm run bench -- <name> [options])', '', 'benchmarks:', ...rows].join('\n');
}

/** The `bench` command. */
export const bench: Command = {
  summary: 'run a benchmark',
  async run(argv) {
    const [name, ...rest] = argv;
    if (!name || name === '--help') {
      console.log(usage());
      return name ? 0 : 2;
    }
    const entry = BENCHES[name];
    if (!entry) {
      console.error(`stratum-voxel bench: unknown benchmark '${name}'\n\n${usage()}`);
      return 2;
    }
    return (await entry.load()).run(rest);
  },
};
