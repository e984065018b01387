/**
 * Full light of one column on its own (its neighbours counted as dark walls): the pool's light job and the
 * owner's synchronous path both run this. Sky light: 15 straight down from above the world through blocks that let
 * light pass, then spreading with -1 a step; block light: from emitters, -1 a step through blocks that let light
 * pass. Levels are set highest first (a bucket per level), so each cell is written once per channel. The owner
 * then merges the column with its loaded neighbours (world-light.ts).
 */
import { SECTION_VOLUME } from '../voxel/section.ts';
import { LIGHT_EMIT, LIGHT_PASSES } from './light-palette.ts';

/** Reusable working memory of {@link computeColumnLight} (one per thread). */
export interface ColumnLightScratch {
  /** Light palette byte per cell. */
  info: Uint8Array;
  /** Sky level per cell. */
  sky: Uint8Array;
  /** Block level per cell. */
  block: Uint8Array;
  /** Lowest y of the open-sky run per (x, z). */
  top: Int32Array;
  /** Cells to spread from, by level. */
  buckets: number[][];
}

/** Allocates scratch for columns of `sections` sections. */
export function createColumnLightScratch(sections: number): ColumnLightScratch {
  const n = sections * SECTION_VOLUME;
  return {
    info: new Uint8Array(n), sky: new Uint8Array(n), block: new Uint8Array(n), top: new Int32Array(256),
    buckets: Array.from({ length: 16 }, () => []),
  };
}

function spread(level: Uint8Array, info: Uint8Array, buckets: number[][], height: number): void {
  const n = height * 256;
  for (let l = 15; l >= 2; l--) {
    const list = buckets[l];
    const nl = l - 1;
    for (let k = 0; k < list.length; k++) {
      const i = list[k];
      if (level[i] !== l) continue;
      const x = i & 15, z = (i >> 4) & 15;
      if (x > 0 && (info[i - 1] & LIGHT_PASSES) && level[i - 1] < nl) { level[i - 1] = nl; buckets[nl].push(i - 1); }
      if (x < 15 && (info[i + 1] & LIGHT_PASSES) && level[i + 1] < nl) { level[i + 1] = nl; buckets[nl].push(i + 1); }
      if (z > 0 && (info[i - 16] & LIGHT_PASSES) && level[i - 16] < nl) { level[i - 16] = nl; buckets[nl].push(i - 16); }
      if (z < 15 && (info[i + 16] & LIGHT_PASSES) && level[i + 16] < nl) { level[i + 16] = nl; buckets[nl].push(i + 16); }
      if (i >= 256 && (info[i - 256] & LIGHT_PASSES) && level[i - 256] < nl) { level[i - 256] = nl; buckets[nl].push(i - 256); }
      if (i + 256 < n && (info[i + 256] & LIGHT_PASSES) && level[i + 256] < nl) { level[i + 256] = nl; buckets[nl].push(i + 256); }
    }
    list.length = 0;
  }
  buckets[1].length = 0;
  buckets[0].length = 0;
}

/**
 * Computes the light of one column into `out` (`sections.length * 4096` bytes, `sky << 4 | block` at
 * `sy * 4096 + (y << 8 | z << 4 | x)`). `sections` are the column's voxel views bottom first, null for an all-air
 * section; `palette` is a light palette's bytes.
 */
export function computeColumnLight(
  sections: ReadonlyArray<Uint16Array | null>, palette: Uint8Array, out: Uint8Array, scratch?: ColumnLightScratch,
): void {
  const height = sections.length * 16, n = height * 256;
  const s = scratch && scratch.info.length >= n ? scratch : createColumnLightScratch(sections.length);
  const { info, sky, block, top, buckets } = s;
  for (let sy = 0; sy < sections.length; sy++) {
    const v = sections[sy], base = sy * SECTION_VOLUME;
    if (v === null) info.fill(LIGHT_PASSES, base, base + SECTION_VOLUME);
    else for (let i = 0; i < SECTION_VOLUME; i++) info[base + i] = palette[v[i]];
  }
  sky.fill(0, 0, n);
  block.fill(0, 0, n);
  // Sky: the run of 15 from the top down to the first block that stops light; top[xz] = the run's lowest y.
  for (let xz = 0; xz < 256; xz++) {
    let y = height - 1;
    for (; y >= 0; y--) {
      const i = (y << 8) | xz;
      if ((info[i] & LIGHT_PASSES) === 0) break;
      sky[i] = 15;
    }
    top[xz] = y + 1;
  }
  // Seeds: the run's cells beside a lower-topped neighbour (cells there are darker, so light spreads into them).
  for (let xz = 0; xz < 256; xz++) {
    const x = xz & 15, z = xz >> 4;
    let hi = 0;
    if (x > 0) hi = Math.max(hi, top[xz - 1]);
    if (x < 15) hi = Math.max(hi, top[xz + 1]);
    if (z > 0) hi = Math.max(hi, top[xz - 16]);
    if (z < 15) hi = Math.max(hi, top[xz + 16]);
    for (let y = top[xz]; y < hi; y++) buckets[15].push((y << 8) | xz);
  }
  spread(sky, info, buckets, height);
  // Block light: every emitter, at its own level.
  for (let i = 0; i < n; i++) {
    const e = info[i] & LIGHT_EMIT;
    if (e !== 0) { block[i] = e; buckets[e].push(i); }
  }
  spread(block, info, buckets, height);
  for (let i = 0; i < n; i++) out[i] = (sky[i] << 4) | block[i];
}
