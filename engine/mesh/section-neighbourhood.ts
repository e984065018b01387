/**
 * A section and the border voxels of its 26 neighbours, gathered from the SAB slabs into one padded 18x18x18
 * scratch block, so that face culling and ambient occlusion read neighbours without bounds checks. Neighbours are
 * named by section id: 27 ids at {@link neighbourSlot}, the section itself in the middle (slot 13).
 */
import type { VoxelWorld } from '../voxel/voxel-world.ts';
import { NO_SECTION, SLAB_SECTIONS, type SectionStore } from '../voxel/section-store.ts';
import { SECTION_VOLUME } from '../voxel/section.ts';
import { Render, type MeshPalette } from './mesh-palette.ts';

/** Edge of the padded block: 16 voxels plus one on each side. */
export const PAD = 18;
/** Voxels in the padded block. */
export const PADDED_VOLUME = PAD * PAD * PAD;
/** Padded index stride along x. The padded block keeps the section order: y, then z, then x fastest. */
export const STRIDE_X = 1;
/** Padded index stride along y. */
export const STRIDE_Y = PAD * PAD;
/** Padded index stride along z. */
export const STRIDE_Z = PAD;
/** Slot of the section itself among the 27 neighbourhood ids. */
export const CENTRE_SLOT = 13;

/**
 * Neighbour id meaning "below the world": reads as opaque (like the bedrock that {@link VoxelWorld} returns under
 * y = 0), so the bottom faces of the lowest sections are culled. {@link NO_SECTION} (above the world, unloaded
 * columns, all-air sections) reads as air.
 */
export const BELOW_WORLD = -2;

/** Index of the neighbour at section offset (dx, dy, dz), each in -1..1, among the 27 ids. */
export function neighbourSlot(dx: number, dy: number, dz: number): number {
  return (dy + 1) * 9 + (dz + 1) * 3 + (dx + 1);
}

/** Padded index of local voxel (x, y, z), each in -1..16. */
export function paddedIndex(x: number, y: number, z: number): number {
  return (y + 1) * STRIDE_Y + (z + 1) * STRIDE_Z + (x + 1);
}

/** The section ids around section (cx, sy, cz) of a world, for {@link gatherNeighbourhood}. */
export function neighbourhoodIds(world: VoxelWorld, cx: number, sy: number, cz: number, out: Int32Array = new Int32Array(27)): Int32Array {
  for (let dz = -1; dz <= 1; dz++) {
    for (let dx = -1; dx <= 1; dx++) {
      const col = world.columns.get((cx + dx + 32768) * 65536 + (cz + dz + 32768));
      for (let dy = -1; dy <= 1; dy++) {
        const y = sy + dy;
        out[neighbourSlot(dx, dy, dz)] = y < 0 ? BELOW_WORLD : !col || y >= world.columnSections ? NO_SECTION : col.sections[y];
      }
    }
  }
  return out;
}

/** The padded scratch block. Reused from section to section. */
export interface Neighbourhood {
  /** Block id per padded voxel. */
  readonly ids: Uint16Array;
  /** {@link Render} bits per padded voxel (looked up from the palette at gather time). */
  readonly render: Uint8Array;
}

/** Allocates a padded scratch block. */
export function createNeighbourhood(): Neighbourhood {
  return { ids: new Uint16Array(PADDED_VOLUME), render: new Uint8Array(PADDED_VOLUME) };
}

// Local range [from, to] of a neighbour at offset -1, 0, +1 along one axis, and where it lands in the pad.
const FROM = [15, 0, 0];
const TO = [15, 15, 0];
const PAD_AT = [0, 1, 17];

/**
 * Copies the section and its neighbours' border voxels into `into` and returns the number of drawn voxels in the
 * section itself (0 means the mesh is empty). `ids` holds 27 section ids (see {@link neighbourSlot}).
 */
export function gatherNeighbourhood(store: SectionStore, palette: MeshPalette, ids: ArrayLike<number>, into: Neighbourhood): number {
  const outIds = into.ids, outRender = into.render, pal = palette.render;
  let drawn = 0;
  for (let oy = 0; oy < 3; oy++) {
    for (let oz = 0; oz < 3; oz++) {
      for (let ox = 0; ox < 3; ox++) {
        const slot = oy * 9 + oz * 3 + ox;
        const id = ids[slot];
        const x0 = FROM[ox], x1 = TO[ox];
        const vox = id >= 0 ? store.voxels[(id / SLAB_SECTIONS) | 0] : null;
        const base = id >= 0 ? (id % SLAB_SECTIONS) * SECTION_VOLUME : 0;
        const fill = id === BELOW_WORLD ? Render.Drawn | Render.Opaque : 0;
        for (let y = FROM[oy], py = PAD_AT[oy]; y <= TO[oy]; y++, py++) {
          for (let z = FROM[oz], pz = PAD_AT[oz]; z <= TO[oz]; z++, pz++) {
            let d = py * STRIDE_Y + pz * STRIDE_Z + PAD_AT[ox];
            if (vox === null) {
              for (let x = x0; x <= x1; x++, d++) { outIds[d] = 0; outRender[d] = fill; }
              continue;
            }
            const s = base + (y << 8) + (z << 4);
            for (let x = x0; x <= x1; x++, d++) {
              const b = vox[s + x];
              outIds[d] = b;
              outRender[d] = pal[b];
            }
          }
        }
        if (slot === CENTRE_SLOT && vox !== null) {
          for (let i = base, end = base + SECTION_VOLUME; i < end; i++) drawn += pal[vox[i]] & Render.Drawn;
        }
      }
    }
  }
  return drawn;
}
