/**
 * Regions: the unit a shard owns. A region is {@link REGION_COLUMNS} x {@link REGION_COLUMNS} columns (a column is
 * 16 x 16 blocks, chunk coordinates `cx = x >> 4`), so region `rx = floor(cx / 16)`, likewise for z; negative
 * coordinates round down, so column -1 is in region -1. A region's key, `r<rx>_<rz>` (e.g. `r0_0`, `r-3_12`), is one
 * NATS subject token and a valid key-value key: only letters, digits, `-` and `_`, never a `.`, `*` or `>`.
 */

/** Columns along each side of a region (a region is 16 x 16 columns, 256 x 256 blocks). */
export const REGION_COLUMNS = 16;

/** Region coordinates. */
export interface Region {
  /** Region x: floor(column x / {@link REGION_COLUMNS}). */
  readonly rx: number;
  /** Region z: floor(column z / {@link REGION_COLUMNS}). */
  readonly rz: number;
}

/** A region's key: `r<rx>_<rz>`, usable as a subject token and a key-value key. */
export type RegionKey = string;

const KEY = /^r(-?(?:0|[1-9]\d*))_(-?(?:0|[1-9]\d*))$/;

function checkInt(name: string, v: number): void {
  if (!Number.isSafeInteger(v)) throw new RangeError(`${name} must be an integer, got ${v}`);
}

/** The region holding column (cx, cz), in chunk coordinates. */
export function regionOf(cx: number, cz: number): Region {
  checkInt('cx', cx);
  checkInt('cz', cz);
  return { rx: Math.floor(cx / REGION_COLUMNS), rz: Math.floor(cz / REGION_COLUMNS) };
}

/** The region holding block (x, z). */
export function regionOfBlock(x: number, z: number): Region {
  checkInt('x', x);
  checkInt('z', z);
  return regionOf(Math.floor(x / 16), Math.floor(z / 16));
}

/** The key of a region. */
export function regionKey(r: Region): RegionKey {
  checkInt('rx', r.rx);
  checkInt('rz', r.rz);
  // `|| 0` turns -0 into 0, so a region has exactly one key.
  return `r${r.rx || 0}_${r.rz || 0}`;
}

/** The key of the region holding column (cx, cz). */
export function regionKeyOf(cx: number, cz: number): RegionKey {
  return regionKey(regionOf(cx, cz));
}

/** The region a key names; throws on anything {@link regionKey} does not produce. */
export function parseRegionKey(key: string): Region {
  const m = KEY.exec(key);
  if (!m || m[1] === '-0' || m[2] === '-0') throw new RangeError(`not a region key (r<rx>_<rz>): '${key}'`);
  const r = { rx: Number(m[1]), rz: Number(m[2]) };
  checkInt('rx', r.rx);
  checkInt('rz', r.rz);
  return r;
}

/** The columns of a region: x and z from `min` (inclusive) to `end` (exclusive). */
export function regionColumns(r: Region): { minCx: number; minCz: number; endCx: number; endCz: number } {
  return {
    minCx: r.rx * REGION_COLUMNS, minCz: r.rz * REGION_COLUMNS,
    endCx: (r.rx + 1) * REGION_COLUMNS, endCz: (r.rz + 1) * REGION_COLUMNS,
  };
}
