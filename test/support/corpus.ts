/**
 * Reads the test terrain corpus for tests: `test/fixtures/terrain/*.u16.zst`, a few real Minecraft columns per
 * version cut from the shared corpus (`../shared/terrain/`, see the README of each). Each file is one zstd frame of
 * columns of 24 sections x 4096 little-endian uint16 ids, with a `.json` beside it listing the columns.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

/** The test corpus folder, inside the repository (`test/fixtures/terrain/`), so that any clone can run the tests. */
export const CORPUS_DIR = fileURLToPath(new URL('../fixtures/terrain/', import.meta.url));

/** The corpus files, by name. */
export const CORPUS_FILES = ['minecraft-1.18.2.u16.zst', 'minecraft-1.20.6.u16.zst', 'minecraft-1.21.1.u16.zst'] as const;

/** Sections per corpus column. */
export const CORPUS_SECTIONS = 24;

/** The column list of a corpus file: `[chunkX, chunkZ, status]` per column, in file order, from its `.json`. */
export function corpusColumns(path: string): [number, number, string][] {
  return (JSON.parse(readFileSync(path.replace(/\.u16\.zst$/, '.json'), 'utf8')) as { columns: [number, number, string][] }).columns;
}

/** Decompresses a `.u16.zst` corpus file into its columns (each `sections * 4096` ids, copies). */
export function readCorpus(path: string, sections = CORPUS_SECTIONS): Uint16Array[] {
  const raw = zlib.zstdDecompressSync(readFileSync(path));
  const size = sections * 4096 * 2;
  if (raw.length % size !== 0) throw new Error(`${path}: ${raw.length} bytes is not a whole number of ${size}-byte columns`);
  const columns: Uint16Array[] = [];
  for (let at = 0; at < raw.length; at += size) {
    const col = new Uint16Array(sections * 4096);
    new Uint8Array(col.buffer).set(raw.subarray(at, at + size));
    columns.push(col);
  }
  return columns;
}
