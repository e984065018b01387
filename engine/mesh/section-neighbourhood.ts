/**
 * A section and the border voxels of its 26 neighbours, gathered from the SAB slabs into one padded 18x18x18
 * scratch block, so that face culling and ambient occlusion read neighbours without bounds checks, plus bit rows of
 * the opaque and drawn voxels so that culling tests 16 faces at once. Neighbours are named by section id: 27 ids
 * at {@link neighbourSlot}, the section itself in the middle (slot 13).
 */
import { chunkKey, type VoxelWorld } from '../voxel/voxel-world.ts';
import { NO_SECTION, OPEN_SKY_LIGHT, SLAB_SECTIONS, type SectionStore } from '../voxel/section-store.ts';
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
      const col = world.columns.get(chunkKey(cx + dx, cz + dz));
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
  /**
   * Light byte per padded voxel, `sky << 4 | block` as stored beside the blocks (engine/light); absent sections
   * and unloaded columns read as open sky (0xf0), below the world as dark.
   */
  readonly light: Uint8Array;
  /**
   * Opaque voxels as bits, one 18-bit row per padded (y, z): bit `x + 1` of row `(y + 1) * 18 + (z + 1)` is set
   * when local voxel (x, y, z) is opaque. Lets the mesher test 16 faces with one operation.
   */
  readonly opaqueRows: Uint32Array;
  /** Drawn voxels as bits, laid out like {@link opaqueRows}. */
  readonly drawnRows: Uint32Array;
}

/** Rows of the bit views: one per padded (y, z). */
export const PADDED_ROWS = PAD * PAD;

/** Allocates a padded scratch block. */
export function createNeighbourhood(): Neighbourhood {
  return {
    ids: new Uint16Array(PADDED_VOLUME), render: new Uint8Array(PADDED_VOLUME), light: new Uint8Array(PADDED_VOLUME),
    opaqueRows: new Uint32Array(PADDED_ROWS), drawnRows: new Uint32Array(PADDED_ROWS),
  };
}

function bitCount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
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
  const outIds = into.ids, outRender = into.render, outLight = into.light, pal = palette.render;
  const opaqueRows = into.opaqueRows, drawnRows = into.drawnRows;
  opaqueRows.fill(0);
  drawnRows.fill(0);
  for (let oy = 0; oy < 3; oy++) {
    for (let oz = 0; oz < 3; oz++) {
      for (let ox = 0; ox < 3; ox++) {
        const id = ids[oy * 9 + oz * 3 + ox];
        const x0 = FROM[ox], x1 = TO[ox], bit0 = PAD_AT[ox] - x0;
        const vox = id >= 0 ? store.voxels[(id / SLAB_SECTIONS) | 0] : null;
        const lit = id >= 0 ? store.light[(id / SLAB_SECTIONS) | 0] : null;
        const base = id >= 0 ? (id % SLAB_SECTIONS) * SECTION_VOLUME : 0;
        const fill = id === BELOW_WORLD ? Render.Drawn | Render.Opaque : 0;
        const fillLight = id === BELOW_WORLD ? 0 : OPEN_SKY_LIGHT;
        for (let y = FROM[oy], py = PAD_AT[oy]; y <= TO[oy]; y++, py++) {
          for (let z = FROM[oz], pz = PAD_AT[oz]; z <= TO[oz]; z++, pz++) {
            const row = py * PAD + pz;
            let d = row * PAD + PAD_AT[ox];
            if (vox === null) {
              for (let x = x0; x <= x1; x++, d++) { outIds[d] = 0; outRender[d] = fill; outLight[d] = fillLight; }
              if (fill) {
                const bits = ((1 << (x1 - x0 + 1)) - 1) << PAD_AT[ox];
                opaqueRows[row] |= bits;
                drawnRows[row] |= bits;
              }
              continue;
            }
            const s = base + (y << 8) + (z << 4);
            let o = 0, dr = 0;
            for (let x = x0; x <= x1; x++, d++) {
              const b = vox[s + x];
              const r = pal[b];
              outIds[d] = b;
              outLight[d] = lit![s + x];
              outRender[d] = r;
              o |= ((r >> 1) & 1) << (x + bit0);
              dr |= (r & 1) << (x + bit0);
            }
            opaqueRows[row] |= o;
            drawnRows[row] |= dr;
          }
        }
      }
    }
  }
  let drawn = 0;
  for (let y = 1; y <= 16; y++) for (let z = 1; z <= 16; z++) drawn += bitCount(drawnRows[y * PAD + z] & CENTRE_BITS);
  return drawn;
}

/** Bits 1..16 of a row: the section's own voxels. */
export const CENTRE_BITS = 0x1fffe;
