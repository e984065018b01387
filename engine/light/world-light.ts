/**
 * Light of a voxel world: sky light and block light, 0..15 each, stored per section next to its blocks
 * (section-store.ts: one byte per voxel, `sky << 4 | block`). Light is a pure function of the blocks of the
 * columns that have it (every loaded column, once {@link updateLight} ran): positions outside them are dark walls,
 * above the world is open sky. So a server and a client that hold the same blocks hold the same light, wherever the
 * client also holds the columns around (light reaches at most 14 blocks sideways).
 *
 * - Block edits (setBlock, and markBlockForMesh for writers that change voxels themselves) are recorded and applied
 *   incrementally: the standard decrease-then-repropagate flood fill, across sections and columns.
 * - A column that arrives is lit whole (column-light.ts; on this thread, or in the worker pool: workers/light.main.ts)
 *   and merged with its lit neighbours; one that leaves (or is replaced) takes its light out of its neighbours.
 * - Absent (all-air) sections read as open sky (sky 15, block 0); where light differs there, the section is
 *   allocated (all air) to hold it.
 * - Sections whose light changes are marked DIRTY_MESH (and across a border), since meshes carry it per vertex: a
 *   renderer that lights before it meshes (`updateLight`, then `meshDirtySections`) meshes each section once.
 */
import type { Hasher } from '../hash.ts';
import { bytesOf, hex64 } from '../hash.ts';
import { DIRTY_MESH, SECTION_VOLUME, voxelIndex } from '../voxel/section.ts';
import { NO_SECTION, OPEN_SKY_LIGHT, SLAB_SECTIONS, markSection, sectionLight, sectionVoxels } from '../voxel/section-store.ts';
import { chunkKey, ensureSection, sortedColumnKeys, type Column, type VoxelWorld } from '../voxel/voxel-world.ts';
import { computeColumnLight, createColumnLightScratch, type ColumnLightScratch } from './column-light.ts';
import { LIGHT_EMIT, LIGHT_PASSES, createLightPalette, type LightPalette } from './light-palette.ts';

/** The light bookkeeping a voxel world carries once light is on ({@link enableLight}). */
export interface LightState {
  /** The registry's light palette (shared with pool workers). */
  readonly palette: LightPalette;
  /** Keys of the columns whose light is computed and merged. */
  readonly ready: Set<number>;
  /** Columns being lit in the pool: key -> token; an edit or unload meanwhile deletes the entry (result dropped). */
  readonly busy: Map<number, number>;
  /** Block positions changed since the last update: x, y, z triples. */
  edits: number[];
  /** Next job token. */
  token: number;
  /** Scratch of the synchronous column path. */
  scratch: ColumnLightScratch | null;
  /** Called by voxel-world.ts when a block changed (setBlock, markBlockForMesh). */
  edited(x: number, y: number, z: number): void;
  /** Called by voxel-world.ts and column-transfer.ts before a column is unloaded or replaced. */
  unloading(col: Column): void;
}

/** Sky and block light of one position. */
export interface LightValue {
  /** Sky light, 0..15. */
  sky: number;
  /** Block light, 0..15. */
  block: number;
}

/**
 * Edits recorded without a light update in between beyond which the world's light is dropped and relit whole at
 * the next update (so a world whose light is never read again holds bounded memory).
 */
export const MAX_PENDING_LIGHT_EDITS = 65536;

/** Turns light on for a world (idempotent) and returns its state; columns are lit by the next {@link updateLight}. */
export function enableLight(world: VoxelWorld): LightState {
  if (world.light) return world.light;
  const state: LightState = {
    palette: createLightPalette(world.blocks), ready: new Set(), busy: new Map(), edits: [], token: 1, scratch: null,
    edited(x, y, z) {
      const key = chunkKey(x >> 4, z >> 4);
      if (state.ready.has(key)) {
        state.edits.push(x, y, z);
        if (state.edits.length >= MAX_PENDING_LIGHT_EDITS * 3) { state.edits = []; state.ready.clear(); state.busy.clear(); }
      } else {
        state.busy.delete(key);
      }
    },
    unloading(col) { columnLeaving(world, state, col); },
  };
  world.light = state;
  return state;
}

// ---------------------------------------------------------------------------------------------------------------
// Cell access across columns. "Void" (-1): outside the height, or in a column without light (unloaded, not lit yet).

interface Access {
  world: VoxelWorld;
  state: LightState;
  key: number;
  col: Column | null;
}

function access(world: VoxelWorld, state: LightState): Access {
  return { world, state, key: -1, col: null };
}

function columnAt(a: Access, x: number, z: number): Column | null {
  const key = chunkKey(x >> 4, z >> 4);
  if (key !== a.key) {
    a.key = key;
    a.col = a.state.ready.has(key) ? a.world.columns.get(key) ?? null : null;
  }
  return a.col;
}

/** Light byte at (x, y, z), or -1 for void. */
function getL(a: Access, x: number, y: number, z: number): number {
  if (y < 0 || y >= a.world.height) return -1;
  const col = columnAt(a, x, z);
  if (!col) return -1;
  const id = col.sections[y >> 4];
  if (id === NO_SECTION) return OPEN_SKY_LIGHT;
  return a.world.store.light[(id / SLAB_SECTIONS) | 0][(id % SLAB_SECTIONS) * SECTION_VOLUME + (((y & 15) << 8) | ((z & 15) << 4) | (x & 15))];
}

/** Palette byte of the block at (x, y, z) of a lit column (absent sections are air). */
function infoAt(a: Access, x: number, y: number, z: number): number {
  const col = columnAt(a, x, z)!;
  const id = col.sections[y >> 4];
  if (id === NO_SECTION) return LIGHT_PASSES;
  return a.state.palette.bytes[a.world.store.voxels[(id / SLAB_SECTIONS) | 0][(id % SLAB_SECTIONS) * SECTION_VOLUME + (((y & 15) << 8) | ((z & 15) << 4) | (x & 15))]];
}

/**
 * Writes the light byte of a cell of a lit column, allocating an absent section when the value is not open sky,
 * and marks DIRTY_MESH where the change shows: the cell's section and, on a section border, the one across it
 * (meshes carry smooth light per vertex).
 */
function setL(a: Access, x: number, y: number, z: number, v: number): void {
  const col = columnAt(a, x, z)!;
  const store = a.world.store;
  let id = col.sections[y >> 4];
  if (id === NO_SECTION) {
    if (v === OPEN_SKY_LIGHT) return;
    id = ensureSection(a.world, col, y >> 4);
  }
  const light = store.light[(id / SLAB_SECTIONS) | 0];
  const at = (id % SLAB_SECTIONS) * SECTION_VOLUME + (((y & 15) << 8) | ((z & 15) << 4) | (x & 15));
  if (light[at] === v) return;
  light[at] = v;
  markSection(store, id, DIRTY_MESH);
  const lx = x & 15, ly = y & 15, lz = z & 15;
  if (lx === 0) markMesh(a.world, x - 1, y, z);
  else if (lx === 15) markMesh(a.world, x + 1, y, z);
  if (ly === 0) markMesh(a.world, x, y - 1, z);
  else if (ly === 15) markMesh(a.world, x, y + 1, z);
  if (lz === 0) markMesh(a.world, x, y, z - 1);
  else if (lz === 15) markMesh(a.world, x, y, z + 1);
}

function markMesh(world: VoxelWorld, x: number, y: number, z: number): void {
  if (y < 0 || y >= world.height) return;
  const id = world.columns.get(chunkKey(x >> 4, z >> 4))?.sections[y >> 4];
  if (id !== undefined && id !== NO_SECTION) markSection(world.store, id, DIRTY_MESH);
}

const DX = [1, -1, 0, 0, 0, 0], DY = [0, 0, 1, -1, 0, 0], DZ = [0, 0, 0, 0, 1, -1];
/** Direction index of "down" in DX/DY/DZ. */
const DOWN = 3;

/**
 * Raises light from the queued cells (x, y, z triples; their current levels are the sources) until nothing
 * changes. `shift` 4: sky (15 goes down without loss), 0: block.
 */
function increase(a: Access, queue: number[], shift: number): void {
  for (let h = 0; h < queue.length; h += 3) {
    const x = queue[h], y = queue[h + 1], z = queue[h + 2];
    const l = getL(a, x, y, z);
    if (l < 0) continue;
    const v = (l >> shift) & 15;
    if (v <= 1) continue;
    for (let d = 0; d < 6; d++) {
      const nx = x + DX[d], ny = y + DY[d], nz = z + DZ[d];
      const nl = getL(a, nx, ny, nz);
      if (nl < 0 || (infoAt(a, nx, ny, nz) & LIGHT_PASSES) === 0) continue;
      const nv = shift === 4 && d === DOWN && v === 15 ? 15 : v - 1;
      if (nv > ((nl >> shift) & 15)) {
        setL(a, nx, ny, nz, (nl & ~(15 << shift)) | (nv << shift));
        queue.push(nx, ny, nz);
      }
    }
  }
}

/**
 * Takes out the light that came through the seeds (x, y, z, old level quadruples; the seeds themselves already
 * changed or gone): neighbours darker than the level they got it from are cleared, recursively; the lit cells at
 * the edge of the cleared region go to `relight`, and so do cleared emitters (at their own level).
 */
function decrease(a: Access, seeds: number[], shift: number, relight: number[]): void {
  for (let h = 0; h < seeds.length; h += 4) {
    const x = seeds[h], y = seeds[h + 1], z = seeds[h + 2], lvl = seeds[h + 3];
    for (let d = 0; d < 6; d++) {
      const nx = x + DX[d], ny = y + DY[d], nz = z + DZ[d];
      const nl = getL(a, nx, ny, nz);
      if (nl < 0) continue;
      const v = (nl >> shift) & 15;
      if (v === 0) continue;
      if (v < lvl || (shift === 4 && d === DOWN && lvl === 15 && v === 15)) {
        const emit = shift === 0 ? infoAt(a, nx, ny, nz) & LIGHT_EMIT : 0;
        setL(a, nx, ny, nz, (nl & ~(15 << shift)) | (emit << shift));
        if (emit) relight.push(nx, ny, nz);
        seeds.push(nx, ny, nz, v);
      } else {
        relight.push(nx, ny, nz);
      }
    }
  }
}

/** Applies the recorded block edits (incremental update); returns the number of cells changed. */
function flushEdits(world: VoxelWorld, state: LightState): number {
  if (state.edits.length === 0) return 0;
  const a = access(world, state);
  const seen = new Set<string>();
  const cells: number[] = [];
  const edits = state.edits;
  state.edits = [];
  for (let i = 0; i < edits.length; i += 3) {
    const x = edits[i], y = edits[i + 1], z = edits[i + 2];
    if (getL(a, x, y, z) < 0) continue;
    const k = `${x},${y},${z}`;
    if (seen.has(k)) continue;
    seen.add(k);
    cells.push(x, y, z);
  }
  const skySeeds: number[] = [], blockSeeds: number[] = [];
  for (let i = 0; i < cells.length; i += 3) {
    const x = cells[i], y = cells[i + 1], z = cells[i + 2];
    const l = getL(a, x, y, z);
    skySeeds.push(x, y, z, l >> 4);
    blockSeeds.push(x, y, z, l & 15);
    setL(a, x, y, z, 0);
  }
  const skyQ: number[] = [], blockQ: number[] = [];
  decrease(a, skySeeds, 4, skyQ);
  decrease(a, blockSeeds, 0, blockQ);
  // The edited cells themselves, from their new block and their neighbours as they are now.
  const top = world.height - 1;
  for (let i = 0; i < cells.length; i += 3) {
    const x = cells[i], y = cells[i + 1], z = cells[i + 2];
    const info = infoAt(a, x, y, z);
    let sky = 0, block = info & LIGHT_EMIT;
    if (info & LIGHT_PASSES) {
      for (let d = 0; d < 6; d++) {
        const nl = getL(a, x + DX[d], y + DY[d], z + DZ[d]);
        if (d === 2 && (y === top || nl >> 4 === 15)) sky = 15;
        if (nl < 0) continue;
        sky = Math.max(sky, (nl >> 4) - 1);
        block = Math.max(block, (nl & 15) - 1);
      }
    }
    setL(a, x, y, z, (sky << 4) | block);
    skyQ.push(x, y, z);
    blockQ.push(x, y, z);
  }
  increase(a, skyQ, 4);
  increase(a, blockQ, 0);
  return cells.length / 3;
}

/** Removes a lit column's light from its lit neighbours (the column is about to be unloaded or replaced). */
function columnLeaving(world: VoxelWorld, state: LightState, col: Column): void {
  const key = chunkKey(col.cx, col.cz);
  state.busy.delete(key);
  if (!state.ready.has(key)) return;
  flushEdits(world, state);
  state.ready.delete(key);
  const a = access(world, state);
  const skySeeds: number[] = [], blockSeeds: number[] = [];
  const x0 = col.cx * 16, z0 = col.cz * 16;
  for (let side = 0; side < 4; side++) {
    const dx = side === 0 ? 1 : side === 1 ? -1 : 0, dz = side === 2 ? 1 : side === 3 ? -1 : 0;
    if (!state.ready.has(chunkKey(col.cx + dx, col.cz + dz))) continue;
    for (let t = 0; t < 16; t++) {
      const lx = dx === 1 ? 15 : dx === -1 ? 0 : t, lz = dz === 1 ? 15 : dz === -1 ? 0 : t;
      for (let y = 0; y < world.height; y++) {
        const id = col.sections[y >> 4];
        const own = id === NO_SECTION ? OPEN_SKY_LIGHT : sectionLight(world.store, id)[voxelIndex(lx, y & 15, lz)];
        const nl = getL(a, x0 + lx + dx, y, z0 + lz + dz);
        if (nl < 0) continue;
        if ((nl >> 4) !== 0 && (nl >> 4) < (own >> 4)) skySeeds.push(x0 + lx, y, z0 + lz, own >> 4);
        if ((nl & 15) !== 0 && (nl & 15) < (own & 15)) blockSeeds.push(x0 + lx, y, z0 + lz, own & 15);
      }
    }
  }
  const skyQ: number[] = [], blockQ: number[] = [];
  decrease(a, skySeeds, 4, skyQ);
  decrease(a, blockSeeds, 0, blockQ);
  increase(a, skyQ, 4);
  increase(a, blockQ, 0);
}

/**
 * Stores a column's light computed on its own (computeColumnLight's output) and merges it with its lit neighbours:
 * light flows across the four sides both ways. The column is lit from then on. Its sections, and those whose light
 * the merge changed, are marked DIRTY_MESH.
 */
export function applyColumnLight(world: VoxelWorld, state: LightState, col: Column, light: Uint8Array): void {
  flushEdits(world, state); // the neighbours' light must match their blocks before it is merged
  for (let sy = 0; sy < col.sections.length; sy++) {
    const part = light.subarray(sy * SECTION_VOLUME, (sy + 1) * SECTION_VOLUME);
    let id = col.sections[sy];
    if (id === NO_SECTION) {
      let open = true;
      for (let i = 0; i < SECTION_VOLUME; i++) if (part[i] !== OPEN_SKY_LIGHT) { open = false; break; }
      if (open) continue;
      id = ensureSection(world, col, sy);
    }
    sectionLight(world.store, id).set(part);
    markSection(world.store, id, DIRTY_MESH); // its meshes carry light
  }
  const key = chunkKey(col.cx, col.cz);
  state.ready.add(key);
  state.busy.delete(key);
  const a = access(world, state);
  const skyQ: number[] = [], blockQ: number[] = [];
  const x0 = col.cx * 16, z0 = col.cz * 16;
  const pal = state.palette.bytes;
  for (let side = 0; side < 4; side++) {
    const dx = side === 0 ? 1 : side === 1 ? -1 : 0, dz = side === 2 ? 1 : side === 3 ? -1 : 0;
    const other = state.ready.has(chunkKey(col.cx + dx, col.cz + dz)) ? world.columns.get(chunkKey(col.cx + dx, col.cz + dz)) : undefined;
    if (!other) continue;
    for (let sy = 0; sy < col.sections.length; sy++) {
      const ida = col.sections[sy], idb = other.sections[sy];
      if (ida === NO_SECTION && idb === NO_SECTION) continue; // open sky on both sides: nothing flows
      const la = ida === NO_SECTION ? null : sectionLight(world.store, ida), lb = idb === NO_SECTION ? null : sectionLight(world.store, idb);
      const va = ida === NO_SECTION ? null : sectionVoxels(world.store, ida), vb = idb === NO_SECTION ? null : sectionVoxels(world.store, idb);
      for (let t = 0; t < 16; t++) {
        const lx = dx === 1 ? 15 : dx === -1 ? 0 : t, lz = dz === 1 ? 15 : dz === -1 ? 0 : t;
        const mx = (lx + dx) & 15, mz = (lz + dz) & 15;
        for (let ly = 0; ly < 16; ly++) {
          const ia = (ly << 8) | (lz << 4) | lx, ib = (ly << 8) | (mz << 4) | mx;
          const lva = la ? la[ia] : OPEN_SKY_LIGHT, lvb = lb ? lb[ib] : OPEN_SKY_LIGHT;
          if (lva === lvb) continue;
          const pa = va ? pal[va[ia]] & LIGHT_PASSES : LIGHT_PASSES, pb = vb ? pal[vb[ib]] & LIGHT_PASSES : LIGHT_PASSES;
          const y = sy * 16 + ly, ax = x0 + lx, az = z0 + lz;
          if (pb && (lva >> 4) - 1 > (lvb >> 4)) skyQ.push(ax, y, az);
          if (pa && (lvb >> 4) - 1 > (lva >> 4)) skyQ.push(ax + dx, y, az + dz);
          if (pb && (lva & 15) - 1 > (lvb & 15)) blockQ.push(ax, y, az);
          if (pa && (lvb & 15) - 1 > (lva & 15)) blockQ.push(ax + dx, y, az + dz);
        }
      }
    }
  }
  increase(a, skyQ, 4);
  increase(a, blockQ, 0);
}

/** Keys of the loaded columns that need light and are not being lit in the pool, in key order. */
export function columnsToLight(world: VoxelWorld, state: LightState): number[] {
  return sortedColumnKeys(world).filter((k) => !state.ready.has(k) && !state.busy.has(k));
}

/** Figures of one {@link updateLight}. */
export interface LightUpdate {
  /** Edited cells applied incrementally. */
  edits: number;
  /** Columns lit whole. */
  columns: number;
}

/**
 * Brings the world's light up to date on this thread (enabling light first if needed): the recorded edits
 * incrementally, then every loaded column without light whole (those being lit in the pool are left to it).
 */
export function updateLight(world: VoxelWorld): LightUpdate {
  const state = enableLight(world);
  const edits = flushEdits(world, state);
  const keys = columnsToLight(world, state);
  if (keys.length === 0) return { edits, columns: 0 };
  state.scratch ??= createColumnLightScratch(world.columnSections);
  const out = new Uint8Array(world.height * 256);
  for (const key of keys) {
    const col = world.columns.get(key)!;
    const views = Array.from(col.sections, (id) => (id === NO_SECTION ? null : sectionVoxels(world.store, id)));
    computeColumnLight(views, state.palette.bytes, out, state.scratch);
    applyColumnLight(world, state, col, out);
  }
  return { edits, columns: keys.length };
}

/** Applies only the recorded block edits (incremental), enabling light first if needed; returns the cells applied. */
export function updateLightEdits(world: VoxelWorld): number {
  return flushEdits(world, enableLight(world));
}

/**
 * Sky and block light at block (x, y, z), after bringing light up to date ({@link updateLight}). Above the world
 * is open sky ({ sky: 15, block: 0 }); below it, and in columns not loaded or still being lit in the pool, dark.
 */
export function lightAt(world: VoxelWorld, x: number, y: number, z: number): LightValue {
  const state = enableLight(world);
  if (state.edits.length || state.ready.size + state.busy.size < world.columns.size) updateLight(world);
  if (y >= world.height) return { sky: 15, block: 0 };
  const l = getL(access(world, state), x, y, z);
  return l < 0 ? { sky: 0, block: 0 } : { sky: l >> 4, block: l & 15 };
}

const OPEN_SECTION = new Uint8Array(SECTION_VOLUME).fill(OPEN_SKY_LIGHT);

/**
 * xxhash64 of the world's light (after {@link updateLight}), 16 hex digits: lit columns in key order, each as its
 * key and its sections' light bytes (an absent section as open sky, so allocation never changes it).
 */
export function lightHash(hasher: Hasher, world: VoxelWorld): string {
  const state = enableLight(world);
  updateLight(world);
  const h = hasher.create64(0n);
  const key = new Float64Array(1);
  for (const k of sortedColumnKeys(world)) {
    if (!state.ready.has(k)) continue;
    key[0] = k;
    h.update(bytesOf(key));
    for (const id of world.columns.get(k)!.sections) h.update(id === NO_SECTION ? OPEN_SECTION : sectionLight(world.store, id));
  }
  return hex64(h.digest());
}
