/**
 * `stratum-voxel bench chunks`: the chunk codec on real terrain (`--corpus FILE.u16.zst`, the format of
 * `../shared/terrain/README.md`) or on generated terrain (`--synthetic SEED`). Measures encoded bytes per column,
 * reduction against raw uint16, encode speed on one thread and through the worker pool, decode speed with fzstd
 * (the browser's decoder) and node:zlib, a round trip of every column, and the peers on the same columns.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { createCodecProfile, decodeColumn, encodeColumn } from '../engine/codec/chunk-codec.ts';
import { createSectionScratch } from '../engine/codec/section-encoder.ts';
import { DEFAULT_ZSTD_LEVEL } from '../engine/codec/zstd.ts';
import { loadHasher } from '../engine/hash.ts';
import { browserZstd } from '../engine/platform/browser/zstd.ts';
import { nodeZstd } from '../engine/platform/node/zstd.ts';
import { createSectionStore, sectionViews } from '../engine/voxel/section-store.ts';
import { formatHelp, parseOptions } from '../game/options.ts';
import type { Bench } from '../game/commands/bench.ts';
import { DEFAULT_ENCODE_BATCH, encodeColumnsInPool } from '../workers/chunk-encode.main.ts';
import { createNodePool } from '../workers/pool.node.ts';
import { readCorpus } from '../test/support/corpus.ts';
import { storeColumn } from '../test/support/store-columns.ts';
import { generateColumn } from '../test/support/synthetic-terrain.ts';
import { bestRate, type ByteStats, byteStats, columnsPerSecond, measureRound, type Rate, sameIds } from './chunks/measure.ts';
import { type PeerCodec, rawDeflatePeer, rawZstdPeer } from './chunks/peers.ts';
import { loadPrismarinePeer } from './chunks/prismarine-peer.ts';
import { requireCorpusFile } from './terrain-corpus.ts';

const OPTIONS = {
  corpus: { kind: 'string', help: 'a .u16.zst terrain corpus file' },
  synthetic: { kind: 'int', min: 0, max: 2 ** 31 - 1, help: 'generate terrain with this seed instead of a corpus' },
  columns: { kind: 'int', default: 64, min: 1, max: 4096, help: 'columns to generate with --synthetic (a square area)' },
  sections: { kind: 'int', default: 24, min: 1, max: 64, help: 'sections per column (corpus files have 24)' },
  level: { kind: 'int', default: DEFAULT_ZSTD_LEVEL, min: 1, max: 22, help: 'zstd level of the Stratum codec' },
  threads: { kind: 'int', default: 2, min: 1, max: 64, help: 'worker pool threads' },
  batch: { kind: 'int', default: DEFAULT_ENCODE_BATCH, min: 1, max: 1024, help: 'columns per pool task' },
  seconds: { kind: 'number', default: 1, min: 0.05, max: 60, help: 'minimum seconds per measurement round' },
  rounds: { kind: 'int', default: 5, min: 1, max: 100, help: 'rounds per speed measurement; the best is reported' },
  json: { kind: 'string', help: 'write the figures to this JSON file' },
} as const;

const USAGE = 'stratum-voxel bench chunks (--corpus FILE | --synthetic SEED) [options]';
const SUMMARY = 'chunk codec on terrain columns: bytes per column, encode/decode columns per second, peers';

/** Figures of one codec. */
interface CodecFigures {
  /** Encoded bytes per column. */
  bytesPerColumn: ByteStats;
  /** Columns encoded per wall-clock second, one thread. */
  encodeColumnsPerSec: number;
  /** Columns decoded per wall-clock second, one thread. */
  decodeColumnsPerSec: number;
  /** Columns encoded per CPU second. */
  encodeColumnsPerCpuSec: number;
  /** Columns decoded per CPU second. */
  decodeColumnsPerCpuSec: number;
  /** Every column decoded exactly. */
  roundTrip: boolean;
}

async function measurePeer(peer: PeerCodec, columns: Uint16Array[], sections: number, ms: number, rounds: number): Promise<CodecFigures> {
  const encoded = columns.map((c) => peer.encode(c));
  const roundTrip = encoded.every((e, i) => sameIds(peer.decode(e, sections), columns[i]));
  const enc = await columnsPerSecond(columns.length, ms, () => columns.forEach((c) => peer.encode(c)), rounds);
  const dec = await columnsPerSecond(columns.length, ms, () => encoded.forEach((e) => peer.decode(e, sections)), rounds);
  return {
    bytesPerColumn: byteStats(encoded.map((e) => e.length)),
    encodeColumnsPerSec: enc.wall,
    decodeColumnsPerSec: dec.wall,
    encodeColumnsPerCpuSec: enc.cpu,
    decodeColumnsPerCpuSec: dec.cpu,
    roundTrip,
  };
}

function loadColumns(values: { corpus?: string; synthetic?: number; columns: number; sections: number }): { name: string; columns: Uint16Array[]; version?: string } {
  if ((values.corpus === undefined) === (values.synthetic === undefined)) throw new Error(`give one of --corpus or --synthetic\n\nusage: ${USAGE}`);
  if (values.corpus !== undefined) {
    requireCorpusFile(values.corpus);
    const sidecar = values.corpus.replace(/\.u16\.zst$/, '.json');
    const version = existsSync(sidecar) ? (JSON.parse(readFileSync(sidecar, 'utf8')) as { version?: string }).version : undefined;
    return { name: values.corpus, columns: readCorpus(values.corpus, values.sections), version };
  }
  const side = Math.ceil(Math.sqrt(values.columns));
  const columns = Array.from({ length: values.columns }, (_, i) => generateColumn(values.synthetic!, (i % side) - (side >> 1), Math.floor(i / side) - (side >> 1), { sections: values.sections }));
  return { name: `synthetic:${values.synthetic}`, columns };
}

const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

/** The benchmark. */
export const chunksBench: Bench = {
  summary: SUMMARY,
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp(USAGE, SUMMARY, OPTIONS));
      return 0;
    }
    const { values } = parseOptions(OPTIONS, argv);
    const { name, columns, version } = loadColumns(values);
    const loadBefore = loadavg()[0];
    const ms = values.seconds * 1000, rounds = values.rounds, sections = values.sections, rawBytes = sections * 8192;
    const hasher = await loadHasher();
    const node = { zstd: nodeZstd, hasher }, browser = { zstd: browserZstd, hasher };
    const level = values.level, scratch = createSectionScratch();

    // Columns live in SAB section slabs, as in a world; every encoder reads them there.
    const store = createSectionStore();
    const ids = columns.map((c) => storeColumn(store, c));
    const viewsOf = (col: Int32Array) => sectionViews(store, col);
    const views = ids.map(viewsOf);

    const encoded = views.map((v) => encodeColumn(v, node, { level, scratch }));
    const roundTrip = encoded.every((e, i) => sameIds(decodeColumn(e, browser).voxels, columns[i]) && sameIds(decodeColumn(e, node).voxels, columns[i]));
    const encodeProfile = createCodecProfile(), decodeProfile = createCodecProfile();
    const decodeRate = await columnsPerSecond(columns.length, ms, () => encoded.forEach((e) => decodeColumn(e, browser, { profile: decodeProfile })), rounds);
    const decodeZlibRate = await columnsPerSecond(columns.length, ms, () => encoded.forEach((e) => decodeColumn(e, node)), rounds);

    // Single-thread and pool encoding in alternating rounds, so that both see the same machine load.
    const pool = createNodePool({ threads: values.threads });
    let encodeRate: Rate = { wall: 0, cpu: 0 }, poolRate = 0, poolCores = 0, poolRoundTrip = true;
    try {
      // Enough columns per pool pass to keep every thread busy.
      const work = Array.from({ length: Math.max(1, Math.ceil((values.threads * values.batch * 16) / ids.length)) }, () => ids).flat();
      const encodeSingle = () => views.forEach((v) => encodeColumn(v, node, { level, scratch, profile: encodeProfile }));
      const encodePool = () => encodeColumnsInPool(pool, store, work, { level, batch: values.batch });
      const first = await encodeColumnsInPool(pool, store, ids, { level, batch: values.batch });
      poolRoundTrip = first.every((e, i) => e.length === encoded[i].length && e.every((b, k) => b === encoded[i][k]));
      encodeSingle();
      await encodePool();
      for (let r = 0; r < rounds; r++) {
        encodeRate = bestRate(encodeRate, await measureRound(columns.length, ms, encodeSingle));
        const round = await measureRound(work.length, ms, encodePool);
        if (round.wall > poolRate) {
          poolRate = round.wall;
          poolCores = round.wall / round.cpu;
        }
      }
    } finally {
      await pool.destroy();
    }

    const peers: PeerCodec[] = [rawZstdPeer, rawDeflatePeer];
    const prismarine = await loadPrismarinePeer(version);
    const notes: string[] = [];
    const loadAfter = loadavg()[0];
    if (Math.max(loadBefore, loadAfter) > 1) {
      notes.push(`machine busy (this bench included): 1-minute load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after, on ${availableParallelism()} cores; wall-clock rates (the pool's most) suffer, per-CPU-second rates much less`);
    }
    if (typeof prismarine === 'string') notes.push(prismarine);
    else if (sections === 24) peers.push(prismarine);
    const peerFigures: Record<string, CodecFigures> = {};
    for (const p of peers) peerFigures[p.name] = await measurePeer(p, columns, sections, ms, rounds);

    const stats = byteStats(encoded.map((e) => e.length));
    const reduction = (s: ByteStats) => 1 - s.total / (rawBytes * columns.length);
    const per = (p: typeof encodeProfile) => ({ sectionsMs: p.sections / p.columns, hashMs: p.hash / p.columns, zstdMs: p.zstd / p.columns });
    const result = {
      corpus: name,
      columns: columns.length,
      roundTrip: roundTrip && poolRoundTrip && Object.values(peerFigures).every((f) => f.roundTrip),
      stratum: {
        bytesPerColumn: stats,
        reduction: reduction(stats),
        encodeColumnsPerSec: encodeRate.wall,
        poolEncodeColumnsPerSec: poolRate,
        decodeColumnsPerSec: decodeRate.wall,
        decodeZlibColumnsPerSec: decodeZlibRate.wall,
        poolSpeedup: poolRate / encodeRate.wall,
        poolCoresBusy: poolCores,
        encodeColumnsPerCpuSec: encodeRate.cpu,
        decodeColumnsPerCpuSec: decodeRate.cpu,
        decodeZlibColumnsPerCpuSec: decodeZlibRate.cpu,
        level,
        poolThreads: values.threads,
        encodeStagesPerColumn: per(encodeProfile),
        decodeStagesPerColumn: per(decodeProfile),
      },
      peers: Object.fromEntries(Object.entries(peerFigures).map(([k, f]) => [k, { ...f, reduction: reduction(f.bytesPerColumn) }])),
      notes,
      machine: { node: process.version, cpus: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown', loadAverage: [loadBefore, loadAfter] },
    };

    const rows: string[][] = [['codec', 'median B', 'p90 B', 'total B', 'reduction', 'enc col/s (cpu)', 'pool enc col/s', 'dec col/s (cpu)', 'round trip']];
    const both = (r: Rate) => `${fmt(r.wall)} (${fmt(r.cpu)})`;
    rows.push([`stratum (zstd ${level})`, fmt(stats.median), fmt(stats.p90), fmt(stats.total), `${(reduction(stats) * 100).toFixed(2)}%`, both(encodeRate), `${fmt(poolRate)} (${values.threads} thr, x${(poolRate / encodeRate.wall).toFixed(2)}, ${poolCores.toFixed(2)} cores busy)`, `${both(decodeRate)} fzstd, ${both(decodeZlibRate)} zlib`, String(roundTrip && poolRoundTrip)]);
    for (const [k, f] of Object.entries(peerFigures)) {
      rows.push([k, fmt(f.bytesPerColumn.median), fmt(f.bytesPerColumn.p90), fmt(f.bytesPerColumn.total), `${(reduction(f.bytesPerColumn) * 100).toFixed(2)}%`, both({ wall: f.encodeColumnsPerSec, cpu: f.encodeColumnsPerCpuSec }), '-', both({ wall: f.decodeColumnsPerSec, cpu: f.decodeColumnsPerCpuSec }), String(f.roundTrip)]);
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    console.log(`chunks: ${name}, ${columns.length} columns x ${sections} sections (raw ${fmt(rawBytes)} B each)`);
    console.log(`speeds: best of ${rounds} rounds, per wall second and (in brackets) per CPU second of this process\n`);
    for (const r of rows) console.log(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
    const e = result.stratum.encodeStagesPerColumn, d = result.stratum.decodeStagesPerColumn;
    console.log(`\nstages per column (ms): encode sections ${e.sectionsMs.toFixed(3)}, hash ${e.hashMs.toFixed(3)}, zstd ${e.zstdMs.toFixed(3)}; decode (fzstd) zstd ${d.zstdMs.toFixed(3)}, sections ${d.sectionsMs.toFixed(3)}, hash ${d.hashMs.toFixed(3)}`);
    for (const n of notes) console.log(`note: ${n}`);
    if (values.json) writeFileSync(values.json, JSON.stringify(result, null, 2) + '\n');
    return result.roundTrip ? 0 : 1;
  },
};
