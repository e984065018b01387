/**
 * Loads a Minecraft terrain corpus file (the full one in `../shared/terrain/*.u16.zst` beside the checkout, described
 * in the README there, or the small cut in `test/fixtures/terrain/`) into a {@link VoxelWorld}: one zstd frame of
 * columns back to back, 24 sections of 4096 little-endian uint16 block-state ids each; column positions come from
 * the `.json` beside the file. Bench-only (reads files).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { zstdDecompressSync } from 'node:zlib';
import { OptionError } from '../game/options.ts';
import { DIRTY_MESH, DIRTY_NET, SECTION_VOLUME } from '../engine/voxel/section.ts';
import { markSection, sectionVoxels } from '../engine/voxel/section-store.ts';
import { AIR, createBlockRegistry } from '../engine/voxel/blocks.ts';
import { createVoxelWorld, ensureColumn, ensureSection, type VoxelWorld } from '../engine/voxel/voxel-world.ts';

/** The full shared corpus folder, beside the repository checkout (`../shared/terrain/`); not part of a clone. */
export const SHARED_CORPUS_DIR = fileURLToPath(new URL('../../shared/terrain/', import.meta.url));

/**
 * Throws an {@link OptionError} naming the alternatives when `--corpus FILE` is missing, or its `.json` when
 * `withJson` (the column positions, which {@link loadCorpusWorld} needs).
 */
export function requireCorpusFile(file: string, withJson = false): void {
  const missing = [file, ...(withJson ? [file.replace(/\.u16\.zst$/, '.json')] : [])].filter((f) => !existsSync(f));
  if (missing.length === 0) return;
  throw new OptionError(`--corpus ${file}: ${missing.join(' and ')} not found. The full terrain corpus lives in `
    + `${SHARED_CORPUS_DIR} (beside the checkout, not in the repository); `
    + 'test/fixtures/terrain/ holds a small cut of it (6 columns per version)');
}

/** Sections per corpus column (y = -64 .. 319). */
export const CORPUS_COLUMN_SECTIONS = 24;

/**
 * A world holding the corpus file's columns. Its registry knows only air, so every other id is an opaque solid
 * with a colour derived from its id (Minecraft ids do not match ours). All-air sections stay unallocated; the
 * others are marked DIRTY_MESH | DIRTY_NET.
 */
export function loadCorpusWorld(file: string): VoxelWorld {
  const raw = zstdDecompressSync(readFileSync(file));
  const meta = JSON.parse(readFileSync(file.replace(/\.u16\.zst$/, '.json'), 'utf8')) as { columns: [number, number, string][] };
  const columnIds = CORPUS_COLUMN_SECTIONS * SECTION_VOLUME;
  if (raw.byteLength !== meta.columns.length * columnIds * 2) {
    throw new Error(`${file}: ${raw.byteLength} bytes for ${meta.columns.length} columns of ${columnIds * 2}`);
  }
  // Copy into an aligned buffer; the data is little-endian, like every host this runs on.
  const ids = new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const world = createVoxelWorld({ columnSections: CORPUS_COLUMN_SECTIONS, blocks: createBlockRegistry([AIR]) });
  meta.columns.forEach(([cx, cz], c) => {
    const col = ensureColumn(world, cx, cz);
    for (let sy = 0; sy < CORPUS_COLUMN_SECTIONS; sy++) {
      const src = ids.subarray((c * CORPUS_COLUMN_SECTIONS + sy) * SECTION_VOLUME, (c * CORPUS_COLUMN_SECTIONS + sy + 1) * SECTION_VOLUME);
      if (src.every((v) => v === 0)) continue;
      const id = ensureSection(world, col, sy);
      sectionVoxels(world.store, id).set(src);
      markSection(world.store, id, DIRTY_MESH | DIRTY_NET);
    }
  });
  return world;
}
