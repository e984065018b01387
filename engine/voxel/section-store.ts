/**
 * Voxel memory: sections live in SharedArrayBuffer slabs, so that worker pools (terrain generation, chunk encoding,
 * meshing) read and write them in place. A section is addressed by a numeric id; `id = slab * SLAB_SECTIONS + slot`.
 * Each slab also holds a dirty-flag byte per section and, after those, the sections' light: one byte per voxel,
 * `sky << 4 | block` (engine/light/). Slabs are never freed; released sections are reused.
 */
import { SECTION_BYTES, SECTION_VOLUME } from './section.ts';

/** Sections per slab (2 MiB of voxel data per slab). */
export const SLAB_SECTIONS = 256;

/** Section id meaning "no section": the whole section is air and takes no memory. */
export const NO_SECTION = -1;

/** The shareable part of a {@link SectionStore}: what a worker needs to view the same memory. */
export interface SectionStoreHandles {
  /**
   * One SAB per slab: SLAB_SECTIONS sections of voxel data, then SLAB_SECTIONS flag bytes, then SLAB_SECTIONS
   * sections of light (4096 bytes each, at the same slot).
   */
  slabs: SharedArrayBuffer[];
}

/** Sections in SAB slabs, with a free list. Owned by one thread; others attach read/write views. */
export interface SectionStore {
  /** The SABs; send these to workers. Grows as sections are allocated. */
  readonly handles: SectionStoreHandles;
  /** Voxel views by slab (one Uint16Array over the slab's voxel part). */
  readonly voxels: Uint16Array[];
  /** Dirty flag views by slab. */
  readonly flags: Uint8Array[];
  /** Light views by slab: one byte per voxel, `sky << 4 | block`, sections in slot order like {@link voxels}. */
  readonly light: Uint8Array[];
  /** Ids released and ready for reuse (owner thread only). */
  readonly free: number[];
  /** Sections in use. */
  allocated: number;
}

/**
 * Light byte of a voxel of an absent section, and of a freshly allocated one: sky 15, block 0 (open sky, as an
 * all-air section above the terrain is).
 */
export const OPEN_SKY_LIGHT = 0xf0;

const LIGHT_AT = SLAB_SECTIONS * SECTION_BYTES + SLAB_SECTIONS;
const SLAB_BYTES = LIGHT_AT + SLAB_SECTIONS * SECTION_VOLUME;

function viewSlab(store: SectionStore, sab: SharedArrayBuffer): void {
  store.voxels.push(new Uint16Array(sab, 0, SLAB_SECTIONS * SECTION_VOLUME));
  store.flags.push(new Uint8Array(sab, SLAB_SECTIONS * SECTION_BYTES, SLAB_SECTIONS));
  store.light.push(new Uint8Array(sab, LIGHT_AT, SLAB_SECTIONS * SECTION_VOLUME));
}

/** Creates an empty store (no slabs until the first allocation). */
export function createSectionStore(): SectionStore {
  return { handles: { slabs: [] }, voxels: [], flags: [], light: [], free: [], allocated: 0 };
}

/** Views the slabs of another thread's store (same memory, no copy). Call again with new handles as slabs grow. */
export function attachSectionStore(handles: SectionStoreHandles, into: SectionStore = createSectionStore()): SectionStore {
  for (let i = into.voxels.length; i < handles.slabs.length; i++) {
    into.handles.slabs.push(handles.slabs[i]);
    viewSlab(into, handles.slabs[i]);
  }
  return into;
}

/** Allocates a zero-filled (all air) section, its light {@link OPEN_SKY_LIGHT}, and returns its id. */
export function allocSection(store: SectionStore): number {
  let id = store.free.pop();
  if (id === undefined) {
    const total = store.voxels.length * SLAB_SECTIONS;
    if (store.allocated + store.free.length >= total) {
      const sab = new SharedArrayBuffer(SLAB_BYTES);
      store.handles.slabs.push(sab);
      viewSlab(store, sab);
    }
    id = store.allocated;
  } else {
    sectionVoxels(store, id).fill(0);
    store.flags[(id / SLAB_SECTIONS) | 0][id % SLAB_SECTIONS] = 0;
  }
  sectionLight(store, id).fill(OPEN_SKY_LIGHT);
  store.allocated++;
  return id;
}

/** Returns a section to the free list. Its memory is reused by a later allocation. */
export function releaseSection(store: SectionStore, id: number): void {
  store.free.push(id);
  store.allocated--;
}

/** The section's 4096 block ids (a view into its slab; writes go straight to shared memory). */
export function sectionVoxels(store: SectionStore, id: number): Uint16Array {
  const slab = (id / SLAB_SECTIONS) | 0;
  const start = (id % SLAB_SECTIONS) * SECTION_VOLUME;
  return store.voxels[slab].subarray(start, start + SECTION_VOLUME);
}

/** The section's 4096 light bytes, `sky << 4 | block` at the voxel's index (a view into its slab, shared). */
export function sectionLight(store: SectionStore, id: number): Uint8Array {
  const slab = (id / SLAB_SECTIONS) | 0;
  const start = (id % SLAB_SECTIONS) * SECTION_VOLUME;
  return store.light[slab].subarray(start, start + SECTION_VOLUME);
}

/** Reads a section's dirty flags. */
export function getSectionFlags(store: SectionStore, id: number): number {
  return store.flags[(id / SLAB_SECTIONS) | 0][id % SLAB_SECTIONS];
}

/** Sets (`on`) or clears bits of a section's dirty flags. */
export function markSection(store: SectionStore, id: number, bits: number, on = true): void {
  const f = store.flags[(id / SLAB_SECTIONS) | 0];
  const i = id % SLAB_SECTIONS;
  f[i] = on ? f[i] | bits : f[i] & ~bits;
}

/** Views of the sections with these ids (a column's, bottom first); {@link NO_SECTION} gives null (all air). */
export function sectionViews(store: SectionStore, ids: ArrayLike<number>): (Uint16Array | null)[] {
  return Array.from(ids, (id) => (id === NO_SECTION ? null : sectionVoxels(store, id)));
}
