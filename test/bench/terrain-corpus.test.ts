import { readFileSync } from 'node:fs';
import { zstdDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadCorpusWorld } from '../../bench/terrain-corpus.ts';
import { BlockFlag } from '../../engine/voxel/blocks.ts';
import { getBlock } from '../../engine/voxel/voxel-world.ts';
import { CORPUS_DIR } from '../support/corpus.ts';

/** The in-repo cut of the 1.21.1 corpus file (same format as the full one in ../shared/terrain/). */
const FILE = `${CORPUS_DIR}minecraft-1.21.1.u16.zst`;

describe('terrain corpus loader', () => {
  it('puts every column where its .json says, with the raw ids, and treats every non-air id as opaque', () => {
    const w = loadCorpusWorld(FILE);
    const meta = JSON.parse(readFileSync(FILE.replace('.u16.zst', '.json'), 'utf8')) as { columns: [number, number][] };
    const raw = zstdDecompressSync(readFileSync(FILE));
    expect(w.columns.size).toBe(meta.columns.length);
    let nonAir = 0;
    for (let k = 0; k < 2000; k++) {
      const c = (k * 7) % meta.columns.length;
      const [cx, cz] = meta.columns[c];
      const x = (k * 5) % 16, z = (k * 11) % 16, y = (k * 37) % 384;
      const want = raw.readUInt16LE(((c * 24 + (y >> 4)) * 4096 + ((y & 15) << 8 | z << 4 | x)) * 2);
      expect(getBlock(w, cx * 16 + x, y, cz * 16 + z)).toBe(want);
      if (want) nonAir++;
    }
    expect(nonAir).toBeGreaterThan(100);
    expect(w.blocks.flags[1] & BlockFlag.Opaque).toBeTruthy();
    expect(w.blocks.flags[0]).toBe(0);
  });
});
