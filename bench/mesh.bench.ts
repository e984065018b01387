/**
 * Mesh bench, "mesh generated terrain seed 1, r=4" and "mesh Minecraft 1.21.1 corpus": sections meshed per second
 * by the greedy mesher on the main thread (one thread, the worker body called inline) and through the worker pool
 * (wall time of a whole batch, scheduling and result copies included), plus the size of what comes out and the
 * time per profiling stage. Every allocated section of the world is meshed, empty or not.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createMeshScratch, meshSection } from '../engine/mesh/greedy-mesher.ts';
import { createMeshPalette, type MeshPalette } from '../engine/mesh/mesh-palette.ts';
import { createMeshProfile } from '../engine/mesh/mesh-profile.ts';
import { meshBytes } from '../engine/mesh/section-mesh.ts';
import { createVoxelWorld, type VoxelWorld } from '../engine/voxel/voxel-world.ts';
import type { MeshSectionRequest } from '../workers/mesh.common.ts';
import { meshRequestsInPool, takeDirtySections } from '../workers/mesh.main.ts';
import { createNodePool } from '../workers/pool.node.ts';
import type { WorkerPool } from '../workers/pool.ts';
import { generateColumnsSync, squareAround } from '../workers/terrain.main.ts';
import type { Bench } from '../game/commands/bench.ts';
import { formatHelp, parseOptions } from '../game/options.ts';
import { summarize } from '../engine/stats.ts';
import { loadCorpusWorld, requireCorpusFile, SHARED_CORPUS_DIR } from './terrain-corpus.ts';

const OPTIONS = {
  seed: { kind: 'int', default: 1, min: -2147483648, max: 2147483647, help: 'seed of the generated terrain' },
  radius: { kind: 'int', default: 4, min: 0, max: 32, help: 'generated terrain: columns within this many chunks of the origin' },
  threads: { kind: 'int', default: 2, min: 1, max: 64, help: 'worker threads in the pool' },
  corpus: { kind: 'string', default: `${SHARED_CORPUS_DIR}minecraft-1.21.1.u16.zst`, help: "terrain corpus file, with its .json ('' to skip)" },
  ms: { kind: 'int', default: 2000, min: 50, max: 60_000, help: 'time spent measuring each case' },
  json: { kind: 'string', help: 'write the figures to this JSON file' },
} as const;

/** One workload's figures (the JSON rows). */
export interface MeshWorkloadFigures {
  /** Workload name, stating what is meshed. */
  name: string;
  /** Sections meshed per round (every allocated section). */
  sections: number;
  /** Sections that produced at least one quad. */
  nonEmptySections: number;
  /** Median sections per second, one thread, inline. */
  sectionsPerSecSingle: number;
  /** Median sections per second through the pool (wall time of a whole round). */
  sectionsPerSecPool: number;
  /** Worker threads in the pool. */
  poolThreads: number;
  /** Sections per second in the fastest round, one thread (less sensitive to other load on the machine). */
  sectionsPerSecSingleBest: number;
  /** Sections per second in the fastest round through the pool. */
  sectionsPerSecPoolBest: number;
  /** Rounds measured, one thread and pool. */
  rounds: { single: number; pool: number };
  /** Mean vertices per section (all sections). */
  verticesPerSection: number;
  /** Mean quads per section (all sections). */
  quadsPerSection: number;
  /** Mean mesh bytes per section (positions, faces, AO, colours, light, indices). */
  bytesPerSection: number;
  /** Microseconds per section in each profiling stage, one thread, one warm pass. */
  stageUs: { gather: number; greedy: number; pack: number };
}

async function rounds(run: () => unknown, ms: number): Promise<number[]> {
  for (let i = 0; i < 3; i++) await run(); // warm-up: JIT, thread start
  const seconds: number[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end || seconds.length < 3) {
    const t = performance.now();
    await run();
    seconds.push((performance.now() - t) / 1000);
  }
  return seconds;
}

async function measure(name: string, world: VoxelWorld, pool: WorkerPool, ms: number): Promise<MeshWorkloadFigures> {
  const palette: MeshPalette = createMeshPalette(world.blocks);
  const requests: MeshSectionRequest[] = takeDirtySections(world);
  const n = requests.length;
  const scratch = createMeshScratch();
  const profile = createMeshProfile();
  const single = await rounds(() => { for (const r of requests) meshSection(world.store, palette, r.neighbours, scratch); }, ms);
  // Sizes and stage times from one more pass, now that the code is warm.
  let vertices = 0, bytes = 0, nonEmpty = 0;
  for (const r of requests) {
    const m = meshSection(world.store, palette, r.neighbours, scratch, profile);
    vertices += m.vertices; bytes += meshBytes(m); nonEmpty += m.quads > 0 ? 1 : 0;
  }
  const pooled = await rounds(() => meshRequestsInPool(pool, world, requests, { palette }), ms);
  const us = (t: number): number => (t * 1000) / n;
  return {
    name, sections: n, nonEmptySections: nonEmpty,
    sectionsPerSecSingle: n / summarize(single).p50, sectionsPerSecPool: n / summarize(pooled).p50, poolThreads: pool.threads,
    sectionsPerSecSingleBest: n / summarize(single).min, sectionsPerSecPoolBest: n / summarize(pooled).min,
    rounds: { single: single.length, pool: pooled.length },
    verticesPerSection: vertices / n, quadsPerSection: profile.quads / n, bytesPerSection: bytes / n,
    stageUs: { gather: us(profile.gather), greedy: us(profile.greedy), pack: us(profile.pack) },
  };
}

function printTable(rows: MeshWorkloadFigures[]): void {
  const f0 = (x: number): string => x.toFixed(0), f1 = (x: number): string => x.toFixed(1);
  const head = ['workload', 'sections', 'non-empty', 'sect/s 1 thread', 'sect/s pool', 'per worker', 'verts/sect', 'quads/sect', 'KB/sect', 'us gather/greedy/pack'];
  const body = rows.map((r) => [
    r.name, String(r.sections), String(r.nonEmptySections), f0(r.sectionsPerSecSingle), `${f0(r.sectionsPerSecPool)} (${r.poolThreads} thr)`,
    f0(r.sectionsPerSecPool / r.poolThreads), f1(r.verticesPerSection), f1(r.quadsPerSection), (r.bytesPerSection / 1024).toFixed(2),
    `${f1(r.stageUs.gather)} / ${f1(r.stageUs.greedy)} / ${f1(r.stageUs.pack)}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  for (const line of [head, ...body]) console.log(line.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
}

/** The `mesh` bench. */
export const meshBench: Bench = {
  summary: 'greedy meshing, sections/s on one thread and in the pool, generated terrain and a Minecraft corpus',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel bench mesh [options]', 'Greedy mesher throughput, inline and in the worker pool.', OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    if (o.corpus) requireCorpusFile(o.corpus, true); // before any measuring: a missing corpus is an error, not a skip
    const pool = createNodePool({ threads: o.threads });
    const rows: MeshWorkloadFigures[] = [];
    try {
      const generated = createVoxelWorld({ columnSections: 8 });
      const coords = squareAround(0, 0, o.radius);
      generateColumnsSync(generated, { kind: 'noise', seed: o.seed }, coords);
      rows.push(await measure(`mesh generated terrain seed ${o.seed}, r=${o.radius} (${coords.length} columns x 8 sections)`, generated, pool, o.ms));
      if (o.corpus) {
        const corpus = loadCorpusWorld(o.corpus);
        const label = o.corpus.replace(/^.*\//, '').replace(/\.u16\.zst$/, '');
        rows.push(await measure(`mesh ${label} corpus (${corpus.columns.size} columns x 24 sections)`, corpus, pool, o.ms));
      }
    } finally {
      await pool.destroy();
    }
    console.log(`mesh bench: greedy mesher, median of rounds over ${o.ms} ms each (Node ${process.version})`);
    printTable(rows);
    for (const r of rows) {
      console.log(`  fastest round, ${r.name}: ${r.sectionsPerSecSingleBest.toFixed(0)} sect/s on one thread, ${r.sectionsPerSecPoolBest.toFixed(0)} in the pool`);
    }
    if (o.json) writeFileSync(o.json, JSON.stringify({ node: process.version, workloads: rows }, null, 2) + '\n');
    return 0;
  },
};
