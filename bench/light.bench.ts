/**
 * Light bench: the cost of light on generated terrain with carved caves (the project's noise generator; tunnels
 * carved from a seeded rng, some lit by torches).
 *
 * - editMs: the incremental update after one block edit, on the calling thread (setBlock, then updateLightEdits):
 *   opaque blocks placed and dug at the surface, overhangs, torches placed and removed at the surface and in caves,
 *   cave cells closed and opened again. p50/p99 over `--edits` edits, and per kind.
 * - columnMs: lighting one whole column (column-light.ts plus the merge with its lit neighbours) on one thread, p50
 *   over every column of the world, 3 rounds; also through the worker pool (wall time per column, 2 threads), and
 *   the round trip of one column re-lit in the pool (what an edit would cost if sent to a worker instead).
 * - bytes per column if light were sent: the column's light run through the chunk codec (palette, RLE, zstd, as for
 *   blocks; open-sky sections left out like air ones), next to its blocks through the same codec.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { encodeColumn } from '../engine/codec/chunk-codec.ts';
import { loadHasher } from '../engine/hash.ts';
import { computeColumnLight, createColumnLightScratch } from '../engine/light/column-light.ts';
import { applyColumnLight, enableLight, lightHash, updateLight, updateLightEdits } from '../engine/light/world-light.ts';
import { nodeZstd } from '../engine/platform/node/zstd.ts';
import { createRng } from '../engine/rng.ts';
import { summarize } from '../engine/stats.ts';
import { Block } from '../engine/voxel/blocks.ts';
import { SECTION_VOLUME } from '../engine/voxel/section.ts';
import { NO_SECTION, OPEN_SKY_LIGHT, sectionLight, sectionVoxels } from '../engine/voxel/section-store.ts';
import { createVoxelWorld, getBlock, setBlock, sortedColumnKeys, type VoxelWorld } from '../engine/voxel/voxel-world.ts';
import { updateLightInPool } from '../workers/light.main.ts';
import { createNodePool } from '../workers/pool.node.ts';
import { generateColumnsSync, squareAround } from '../workers/terrain.main.ts';
import { loadCorpusWorld, requireCorpusFile } from './terrain-corpus.ts';
import type { Bench } from '../game/commands/bench.ts';
import { formatHelp, parseOptions } from '../game/options.ts';

const OPTIONS = {
  seed: { kind: 'int', default: 1, min: -2147483648, max: 2147483647, help: 'seed of the terrain, the caves and the edits' },
  radius: { kind: 'int', default: 3, min: 1, max: 16, help: 'columns within this many chunks of the origin' },
  sections: { kind: 'int', default: 16, min: 4, max: 64, help: 'sections per column (the game server default: 16)' },
  edits: { kind: 'int', default: 2000, min: 10, max: 1_000_000, help: 'block edits timed' },
  threads: { kind: 'int', default: 2, min: 1, max: 64, help: 'worker threads in the pool' },
  corpus: { kind: 'string', default: '', help: "also light the columns of this terrain corpus file (every non-air id opaque), e.g. ../shared/terrain/minecraft-1.21.1.u16.zst ('' skips)" },
  json: { kind: 'string', help: 'write the figures to this JSON file' },
} as const;

/** Edit kinds, in the order they are drawn. */
const KINDS = ['surface-place', 'surface-dig', 'overhang', 'torch-surface', 'torch-remove', 'cave-torch', 'cave-close', 'cave-open'] as const;
type Kind = (typeof KINDS)[number];

/** The JSON figures. */
export interface LightFigures {
  /** Node version. */
  node: string;
  /** What was lit. */
  world: { seed: number; columns: number; sections: number; caveCells: number };
  /** Incremental update after one block edit, on the owner thread. */
  editMs: { p50: number; p99: number; mean: number; max: number; count: number; byKind: Record<string, { p50: number; p99: number; count: number }> };
  /** Whole-column light on one thread (compute and merge), p50 over the columns. */
  columnMs: number;
  /** The same, p99. */
  columnMsP99: number;
  /** Compute alone (column-light.ts, no merge), p50. */
  columnComputeMs: number;
  /** Wall time per column lighting the whole world in the pool. */
  poolMsPerColumn: number;
  /** Round trip of one column re-lit in the pool (dispatch, compute, copy back, merge), p50. */
  poolColumnRoundTripMs: number;
  /** Pool threads. */
  poolThreads: number;
  /** The light after all the timed edits equals the world lit again from scratch (light hash). */
  exact: boolean;
  /** Bytes per column (means over the world's columns). */
  bytesPerColumn: { lightCodec: number; lightRaw: number; blocksCodec: number };
  /** With `--corpus`: whole-column light of the corpus columns (24 sections), p50 and p99 ms, and bytes if sent. */
  corpus?: { file: string; columns: number; columnMs: number; columnMsP99: number; bytesPerColumn: { lightCodec: number; lightRaw: number; blocksCodec: number } };
}

function heightmap(world: VoxelWorld, x: number, z: number): number {
  for (let y = world.height - 1; y >= 0; y--) if (getBlock(world, x, y, z) !== Block.Air) return y;
  return -1;
}

function carveCaves(world: VoxelWorld, radius: number, seed: number): number[] {
  const rng = createRng(seed ^ 0x5eed);
  const cells: number[] = [];
  const worms = (2 * radius + 1) ** 2 * 2;
  for (let w = 0; w < worms; w++) {
    let x = rng.int(-radius * 16, radius * 16 + 15), z = rng.int(-radius * 16, radius * 16 + 15);
    let y = rng.int(12, Math.max(13, heightmap(world, x, z) - 10));
    for (let step = 0; step < 40; step++) {
      for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) for (let dz = -1; dz <= 1; dz++) {
        const cx = x + dx, cy = y + dy, cz = z + dz;
        if (cy < 1 || cy >= world.height || Math.abs(cx >> 4) > radius || Math.abs(cz >> 4) > radius) continue;
        if (getBlock(world, cx, cy, cz) !== Block.Air && getBlock(world, cx, cy, cz) !== Block.Water) { setBlock(world, cx, cy, cz, Block.Air); cells.push(cx, cy, cz); }
      }
      x += rng.int(-1, 1); z += rng.int(-1, 1); y += rng.int(-1, 1);
      y = Math.max(4, y);
    }
    if (w % 3 === 0 && cells.length) { const i = rng.int(0, cells.length / 3 - 1) * 3; setBlock(world, cells[i], cells[i + 1], cells[i + 2], Block.Torch); }
  }
  return cells;
}

/** Lights every column on this thread, timing each: [compute + merge ms, compute ms] per column. */
function lightWorldTimed(world: VoxelWorld): [number[], number[]] {
  world.light = undefined;
  const state = enableLight(world);
  const scratch = createColumnLightScratch(world.columnSections);
  const out = new Uint8Array(world.height * 256);
  const total: number[] = [], compute: number[] = [];
  for (const key of sortedColumnKeys(world)) {
    const col = world.columns.get(key)!;
    const t0 = performance.now();
    const views = Array.from(col.sections, (id) => (id === NO_SECTION ? null : sectionVoxels(world.store, id)));
    computeColumnLight(views, state.palette.bytes, out, scratch);
    const t1 = performance.now();
    applyColumnLight(world, state, col, out);
    const t2 = performance.now();
    total.push(t2 - t0);
    compute.push(t1 - t0);
  }
  return [total, compute];
}

async function columnBytes(world: VoxelWorld): Promise<LightFigures['bytesPerColumn']> {
  const deps = { zstd: nodeZstd, hasher: await loadHasher() };
  let light = 0, raw = 0, blocks = 0;
  const keys = sortedColumnKeys(world);
  for (const key of keys) {
    const col = world.columns.get(key)!;
    const lightSections = Array.from(col.sections, (id) => {
      if (id === NO_SECTION) return null;
      const l = sectionLight(world.store, id);
      if (l.every((v) => v === OPEN_SKY_LIGHT)) return null;
      raw += SECTION_VOLUME;
      return Uint16Array.from(l, (v) => v ^ OPEN_SKY_LIGHT); // open sky is 0, like air for blocks
    });
    light += encodeColumn(lightSections, deps).byteLength;
    blocks += encodeColumn(Array.from(col.sections, (id) => (id === NO_SECTION ? null : sectionVoxels(world.store, id))), deps).byteLength;
  }
  return { lightCodec: light / keys.length, lightRaw: raw / keys.length, blocksCodec: blocks / keys.length };
}

function timeEdits(world: VoxelWorld, caves: number[], radius: number, count: number, seed: number): LightFigures['editMs'] {
  const rng = createRng(seed ^ 0xed17);
  const samples: number[] = [];
  const byKind = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  const torches: number[] = [], closed: number[] = [];
  const span = radius * 16 - 8; // edits keep off the world's outer border
  const caveCell = (): [number, number, number] => { const i = rng.int(0, caves.length / 3 - 1) * 3; return [caves[i], caves[i + 1], caves[i + 2]]; };
  for (let n = 0; n < count; n++) {
    const kind = KINDS[rng.int(0, KINDS.length - 1)];
    const x = rng.int(-span, span), z = rng.int(-span, span);
    const top = heightmap(world, x, z);
    let at: [number, number, number], block: number;
    switch (kind) {
      case 'surface-place': at = [x, top + 1, z]; block = Block.Stone; break;
      case 'surface-dig': at = [x, top, z]; block = Block.Air; break;
      case 'overhang': at = [x, top + 3, z]; block = Block.Planks; break;
      case 'torch-surface': at = [x, top + 1, z]; block = Block.Torch; break;
      case 'torch-remove': {
        if (torches.length === 0) { n--; continue; }
        const i = rng.int(0, torches.length / 3 - 1) * 3;
        at = [torches[i], torches[i + 1], torches[i + 2]];
        torches.splice(i, 3);
        block = Block.Air;
        break;
      }
      case 'cave-torch': at = caveCell(); block = Block.Torch; break;
      case 'cave-close': at = caveCell(); block = Block.Stone; closed.push(...at); break;
      case 'cave-open': {
        if (closed.length === 0) { n--; continue; }
        const i = rng.int(0, closed.length / 3 - 1) * 3;
        at = [closed[i], closed[i + 1], closed[i + 2]];
        closed.splice(i, 3);
        block = Block.Air;
        break;
      }
    }
    if (at[1] < 1 || at[1] >= world.height) { n--; continue; }
    if (block === Block.Torch) torches.push(...at);
    setBlock(world, at[0], at[1], at[2], block);
    const t = performance.now();
    updateLightEdits(world);
    const ms = performance.now() - t;
    samples.push(ms);
    byKind.get(kind)!.push(ms);
  }
  const s = summarize(samples);
  return {
    p50: s.p50, p99: s.p99, mean: s.mean, max: s.max, count: samples.length,
    byKind: Object.fromEntries([...byKind].map(([k, v]) => { const t = summarize(v); return [k, { p50: t.p50, p99: t.p99, count: v.length }]; })),
  };
}

/** The `light` bench. */
export const lightBench: Bench = {
  summary: 'light: incremental update after one block edit (p50/p99 ms), whole column (ms), bytes per column if sent',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum bench light [options]', 'Sky and block light: edits, whole columns, the pool, bytes if sent.', OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    if (o.corpus) requireCorpusFile(o.corpus, true);
    const world = createVoxelWorld({ columnSections: o.sections });
    generateColumnsSync(world, { kind: 'noise', seed: o.seed }, squareAround(0, 0, o.radius));
    const caves = carveCaves(world, o.radius, o.seed);
    const columns = world.columns.size;
    // Whole columns, 3 rounds on this thread (the first warms the code up and allocates light-only sections).
    const totals: number[] = [], computes: number[] = [];
    for (let r = 0; r < 3; r++) {
      const [t, c] = lightWorldTimed(world);
      if (r > 0) { totals.push(...t); computes.push(...c); }
    }
    const pool = createNodePool({ threads: o.threads });
    let poolMsPerColumn = 0, roundTrip = 0;
    try {
      const poolRounds: number[] = [];
      for (let r = 0; r < 3; r++) {
        world.light = undefined;
        const t = performance.now();
        await updateLightInPool(pool, world);
        poolRounds.push((performance.now() - t) / columns);
      }
      poolMsPerColumn = summarize(poolRounds.slice(1)).p50;
      const trips: number[] = [];
      const keys = sortedColumnKeys(world);
      for (let i = 0; i < 30; i++) {
        const col = world.columns.get(keys[(i * 7) % keys.length])!;
        world.light!.unloading(col); // its light out of the neighbours; then back through the pool
        const t = performance.now();
        await updateLightInPool(pool, world);
        trips.push(performance.now() - t);
      }
      roundTrip = summarize(trips.slice(5)).p50;
    } finally {
      await pool.destroy();
    }
    const editMs = timeEdits(world, caves, o.radius, o.edits, o.seed);
    const hasher = await loadHasher();
    const incremental = lightHash(hasher, world);
    world.light = undefined;
    updateLight(world);
    const exact = lightHash(hasher, world) === incremental;
    const bytes = await columnBytes(world);
    let corpus: LightFigures['corpus'];
    if (o.corpus) {
      const cw = loadCorpusWorld(o.corpus);
      const t: number[] = [];
      for (let r = 0; r < 3; r++) { const [tt] = lightWorldTimed(cw); if (r > 0) t.push(...tt); }
      corpus = { file: o.corpus, columns: cw.columns.size, columnMs: summarize(t).p50, columnMsP99: summarize(t).p99, bytesPerColumn: await columnBytes(cw) };
    }
    const figures: LightFigures = {
      node: process.version,
      world: { seed: o.seed, columns, sections: o.sections, caveCells: caves.length / 3 },
      editMs, columnMs: summarize(totals).p50, columnMsP99: summarize(totals).p99, columnComputeMs: summarize(computes).p50,
      poolMsPerColumn, poolColumnRoundTripMs: roundTrip, poolThreads: o.threads, exact, bytesPerColumn: bytes, corpus,
    };
    const f3 = (x: number): string => x.toFixed(3);
    console.log(`light bench: noise terrain seed ${o.seed}, ${columns} columns x ${o.sections} sections, ${figures.world.caveCells} cave cells carved (Node ${process.version})`);
    const rows: string[][] = [
      ['edit (incremental, this thread)', `${editMs.count} edits`, f3(editMs.p50), f3(editMs.p99)],
      ...Object.entries(editMs.byKind).map(([k, v]) => [`  ${k}`, `${v.count}`, f3(v.p50), f3(v.p99)]),
      ['column (compute + merge, this thread)', `${totals.length} columns`, f3(figures.columnMs), f3(figures.columnMsP99)],
      ['  compute only', '', f3(figures.columnComputeMs), ''],
      [`column in the pool (${o.threads} threads, whole world)`, 'per column', f3(poolMsPerColumn), ''],
      ['one column re-lit in the pool (round trip)', '', f3(roundTrip), ''],
    ];
    const head = ['case', 'n', 'p50 ms', 'p99 ms'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const line of [head, ...rows]) console.log(line.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
    console.log(`bytes per column: light through the chunk codec ${bytes.lightCodec.toFixed(0)} (raw ${bytes.lightRaw.toFixed(0)}), blocks ${bytes.blocksCodec.toFixed(0)}`);
    if (corpus) {
      console.log(`corpus ${corpus.file} (${corpus.columns} columns x 24 sections, every non-air id opaque): column ${f3(corpus.columnMs)} ms p50, ${f3(corpus.columnMsP99)} p99; `
        + `bytes per column: light ${corpus.bytesPerColumn.lightCodec.toFixed(0)} (raw ${corpus.bytesPerColumn.lightRaw.toFixed(0)}), blocks ${corpus.bytesPerColumn.blocksCodec.toFixed(0)}`);
    }
    console.log(`after the edits, light ${exact ? 'equals' : 'DIFFERS FROM'} the world lit again from scratch`);
    if (o.json) writeFileSync(o.json, JSON.stringify(figures, null, 2) + '\n');
    return exact ? 0 : 1;
  },
};
