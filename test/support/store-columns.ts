/** Copies corpus-layout columns into a SectionStore, as a world holds them (all-air sections get no memory). */
import { allocSection, NO_SECTION, type SectionStore, sectionVoxels } from '../../engine/voxel/section-store.ts';

/** Stores one column (`sections * 4096` ids) and returns its section ids, bottom first. */
export function storeColumn(store: SectionStore, column: Uint16Array): Int32Array {
  const count = column.length / 4096;
  const ids = new Int32Array(count).fill(NO_SECTION);
  for (let s = 0; s < count; s++) {
    const src = column.subarray(s * 4096, (s + 1) * 4096);
    if (src.every((id) => id === 0)) continue;
    ids[s] = allocSection(store);
    sectionVoxels(store, ids[s]).set(src);
  }
  return ids;
}
