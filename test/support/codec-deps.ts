/** Codec dependencies for tests: the hasher loaded once, with Node's zstd or fzstd. */
import type { ChunkCodecDeps } from '../../engine/codec/chunk-codec.ts';
import { loadHasher } from '../../engine/hash.ts';
import { browserZstd } from '../../engine/platform/browser/zstd.ts';
import { nodeZstd } from '../../engine/platform/node/zstd.ts';

/** Deps with `node:zlib` zstd (encode and decode) and with fzstd (decode only). */
export async function loadCodecDeps(): Promise<{ node: ChunkCodecDeps; browser: ChunkCodecDeps }> {
  const hasher = await loadHasher();
  return { node: { zstd: nodeZstd, hasher }, browser: { zstd: browserZstd, hasher } };
}

/** A column's sections as views of one array (4096 ids each). */
export function splitSections(column: Uint16Array): Uint16Array[] {
  const out: Uint16Array[] = [];
  for (let s = 0; s < column.length / 4096; s++) out.push(column.subarray(s * 4096, (s + 1) * 4096));
  return out;
}

/** Index of the first difference between two id arrays, or -1 when equal. */
export function firstDifference(a: Uint16Array, b: Uint16Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
