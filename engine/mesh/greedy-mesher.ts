/**
 * Greedy meshing of one 16x16x16 section, read straight from the SAB voxel slabs.
 *
 * Rules (per unit face of a drawn voxel A towards its neighbour B, B possibly in a neighbouring section):
 * - a face is emitted when B is not opaque, except when A is not opaque and B is the same block (glass next to
 *   glass, water next to water, leaves next to leaves: the shared face is culled);
 * - "drawn" means Solid, Liquid or Opaque in the registry. Water is drawn like glass: full-cube faces, culled
 *   against opaque blocks and other water (no lowered surface; a renderer may blend it by its alpha);
 * - ambient occlusion per vertex uses the classic 3-neighbour rule on the layer in front of the face:
 *   `side1 && side2 ? 0 : 3 - side1 - side2 - corner`, where only opaque blocks occlude;
 * - smooth light per vertex (sky and block light apart): the average of the light of the (up to 4) voxels around
 *   the corner in the same layer, opaque ones left out, and the diagonal one when both sides are opaque;
 * - coplanar unit faces merge into one quad when they have the same block, the same 4 AO values and the same 4
 *   vertex lights;
 * - each quad is split into triangles along the diagonal whose two corners are brighter (summed AO), which keeps
 *   a single dark corner from smearing across the quad.
 */
import type { SectionStore } from '../voxel/section-store.ts';
import { Render, type MeshPalette } from './mesh-palette.ts';
import type { MeshProfile } from './mesh-profile.ts';
import { AO_LIGHT, createMeshBuilder, packMeshes, reserveQuads, type MeshBuilder, type SectionMesh } from './section-mesh.ts';
import {
  CENTRE_BITS, PAD, STRIDE_X, STRIDE_Y, STRIDE_Z, createNeighbourhood, gatherNeighbourhood, type Neighbourhood,
} from './section-neighbourhood.ts';

/** Reusable working memory of the mesher: one per thread, never shared. */
export interface MeshScratch {
  /** The padded voxel block of the section being meshed. */
  readonly hood: Neighbourhood;
  /**
   * Face keys of one direction, 16 slices of 16x16 at `k << 8 | j << 4 | i`: block id << 8 | four 2-bit AO
   * values; 0 = no face. All zero between directions.
   */
  readonly keys: Int32Array;
  /** Sky light of the 4 corners of each face key (a byte each, corner 0 lowest), laid out like {@link keys}. */
  readonly skyKeys: Int32Array;
  /** Block light of the 4 corners of each face key, like {@link skyKeys}. */
  readonly blockKeys: Int32Array;
  /** Quads of the section being meshed. */
  readonly builder: MeshBuilder;
}

/** Allocates scratch memory for {@link meshSection}. */
export function createMeshScratch(): MeshScratch {
  return {
    hood: createNeighbourhood(), keys: new Int32Array(4096), skyKeys: new Int32Array(4096), blockKeys: new Int32Array(4096),
    builder: createMeshBuilder(),
  };
}

// Colour channel darkened by AO: LIGHT[ao << 8 | channel].
const LIGHT = new Uint8Array(1024);
for (let ao = 0; ao < 4; ao++) for (let c = 0; c < 256; c++) LIGHT[(ao << 8) | c] = Math.round(c * AO_LIGHT[ao]);

const STRIDES = [STRIDE_X, STRIDE_Y, STRIDE_Z];

// Averaged light as a vertex byte: LIGHT_AVG[sum << 2 | (count - 1)] = round(sum * 17 / count), sum of up to 4 levels.
const LIGHT_AVG = new Uint8Array(256);
for (let sum = 0; sum <= 60; sum++) for (let n = 1; n <= 4; n++) LIGHT_AVG[(sum << 2) | (n - 1)] = Math.min(255, Math.round((sum * 17) / n));

/** Sky byte << 8 | block byte of the corner of open voxel q towards in-plane offsets ou, ov (padded strides). */
function cornerLight(light: Uint8Array, render: Uint8Array, q: number, ou: number, ov: number): number {
  let n = 1, sky = light[q] >> 4, blk = light[q] & 15;
  const open1 = (render[q + ou] & Render.Opaque) === 0, open2 = (render[q + ov] & Render.Opaque) === 0;
  if (open1) { n++; sky += light[q + ou] >> 4; blk += light[q + ou] & 15; }
  if (open2) { n++; sky += light[q + ov] >> 4; blk += light[q + ov] & 15; }
  if ((open1 || open2) && (render[q + ou + ov] & Render.Opaque) === 0) { n++; sky += light[q + ou + ov] >> 4; blk += light[q + ou + ov] & 15; }
  return (LIGHT_AVG[(sky << 2) | (n - 1)] << 8) | LIGHT_AVG[(blk << 2) | (n - 1)];
}

function vertexAo(side1: number, side2: number, corner: number): number {
  return side1 & side2 ? 0 : 3 - side1 - side2 - corner;
}

/**
 * Meshes one section. `neighbours` holds the 27 section ids around it (see `neighbourhoodIds`); the result owns
 * a fresh buffer, while `scratch` is reused. With `profile`, stage times are added to it.
 */
export function meshSection(
  store: SectionStore, palette: MeshPalette, neighbours: ArrayLike<number>, scratch: MeshScratch, profile?: MeshProfile,
): SectionMesh {
  return meshSectionBatch(store, palette, [neighbours], scratch, profile)[0];
}

/**
 * Meshes several sections, one per entry of `neighbourhoods` (27 section ids each), into meshes that share one
 * new buffer. With `profile`, stage times are added to it (gather and greedy per section, pack once).
 */
export function meshSectionBatch(
  store: SectionStore, palette: MeshPalette, neighbourhoods: readonly ArrayLike<number>[], scratch: MeshScratch, profile?: MeshProfile,
): SectionMesh[] {
  const b = scratch.builder;
  const bounds = [0];
  b.quads = 0;
  for (const ids of neighbourhoods) {
    const t0 = profile ? performance.now() : 0;
    const drawn = gatherNeighbourhood(store, palette, ids, scratch.hood);
    const t1 = profile ? performance.now() : 0;
    if (drawn > 0) greedyQuads(scratch, palette);
    bounds.push(b.quads);
    if (profile) {
      profile.gather += t1 - t0;
      profile.greedy += performance.now() - t1;
    }
  }
  const t2 = profile ? performance.now() : 0;
  const meshes = packMeshes(b, bounds);
  if (profile) {
    profile.pack += performance.now() - t2;
    profile.sections += neighbourhoods.length;
    profile.quads += bounds[bounds.length - 1];
  }
  return meshes;
}

/** Appends the quads of the gathered section to the scratch builder. */
export function greedyQuads(scratch: MeshScratch, palette: MeshPalette): void {
  const { ids, render, light, opaqueRows, drawnRows } = scratch.hood;
  const keys = scratch.keys, skyKeys = scratch.skyKeys, blockKeys = scratch.blockKeys, b = scratch.builder, rgba = palette.rgba;
  for (let a = 0; a < 3; a++) {
    const u = (a + 1) % 3, v = (a + 2) % 3;
    const su = STRIDES[u], sv = STRIDES[v];
    for (let s = 1; s >= -1; s -= 2) {
      const face = a * 2 + (s < 0 ? 1 : 0);
      const front = s * STRIDES[a];
      // 1. Face keys of the whole direction, 16 faces at a time: a row's candidates are its drawn voxels whose
      //    neighbour on this side is not opaque (x faces: the same row shifted; y, z faces: the next row).
      let slices = 0;
      for (let y = 0; y < 16; y++) {
        for (let z = 0; z < 16; z++) {
          const row = (y + 1) * PAD + (z + 1);
          const beside = a === 0 ? (s > 0 ? opaqueRows[row] >>> 1 : opaqueRows[row] << 1)
            : opaqueRows[row + (a === 1 ? s * PAD : s)];
          let bits = drawnRows[row] & ~beside & CENTRE_BITS;
          while (bits !== 0) {
            const low = bits & -bits;
            bits ^= low;
            const x = 31 - Math.clz32(low) - 1;
            const p = row * PAD + x + 1;
            const q = p + front;
            const r = render[p];
            // A see-through block hides its face against the same block (glass against glass, water against water).
            if ((r & Render.Opaque) === 0 && ids[q] === ids[p]) continue;
            // Opaque bit of the 8 voxels around q in the face's plane.
            const mu = (render[q - su] >> 1) & 1, pu = (render[q + su] >> 1) & 1;
            const mv = (render[q - sv] >> 1) & 1, pv = (render[q + sv] >> 1) & 1;
            const ao0 = vertexAo(mu, mv, (render[q - su - sv] >> 1) & 1);
            const ao1 = vertexAo(pu, mv, (render[q + su - sv] >> 1) & 1);
            const ao2 = vertexAo(pu, pv, (render[q + su + sv] >> 1) & 1);
            const ao3 = vertexAo(mu, pv, (render[q - su + sv] >> 1) & 1);
            // Slice k along a, cell (i along u, j along v); see STRIDES for which axes u and v are.
            const k = a === 0 ? x : a === 1 ? y : z;
            const cell = a === 0 ? (y | (z << 4)) : a === 1 ? (z | (x << 4)) : (x | (y << 4));
            keys[(k << 8) | cell] = (ids[p] << 8) | ao0 | (ao1 << 2) | (ao2 << 4) | (ao3 << 6);
            const lq = light[q];
            if (light[q - su] === lq && light[q + su] === lq && light[q - sv] === lq && light[q + sv] === lq &&
              light[q - su - sv] === lq && light[q + su - sv] === lq && light[q + su + sv] === lq && light[q - su + sv] === lq) {
              // Even light all around (open sky, a dark cave): every corner averages to the same, whatever is opaque.
              const sky = LIGHT_AVG[(lq >> 4) << 2], blk = LIGHT_AVG[(lq & 15) << 2];
              skyKeys[(k << 8) | cell] = Math.imul(sky, 0x01010101);
              blockKeys[(k << 8) | cell] = Math.imul(blk, 0x01010101);
            } else {
              const l0 = cornerLight(light, render, q, -su, -sv), l1 = cornerLight(light, render, q, su, -sv);
              const l2 = cornerLight(light, render, q, su, sv), l3 = cornerLight(light, render, q, -su, sv);
              skyKeys[(k << 8) | cell] = (l0 >> 8) | ((l1 >> 8) << 8) | ((l2 >> 8) << 16) | ((l3 >> 8) << 24);
              blockKeys[(k << 8) | cell] = (l0 & 255) | ((l1 & 255) << 8) | ((l2 & 255) << 16) | ((l3 & 255) << 24);
            }
            slices |= 1 << k;
          }
        }
      }
      // 2. Per slice, merge equal keys into rectangles: widest run along u, then as many full rows along v as match.
      //    Every key written is consumed here, so `keys` is all zero again for the next direction.
      while (slices !== 0) {
        const lowest = slices & -slices;
        slices ^= lowest;
        const k = 31 - Math.clz32(lowest);
        const base = k << 8;
        const plane = s > 0 ? k + 1 : k;
        reserveQuads(b, 256);
        for (let j = 0; j < 16; j++) {
          for (let i = 0; i < 16;) {
            const at = base + j * 16 + i;
            const key = keys[at];
            if (key === 0) { i++; continue; }
            const sk = skyKeys[at], bk = blockKeys[at];
            let w = 1;
            while (i + w < 16 && keys[at + w] === key && skyKeys[at + w] === sk && blockKeys[at + w] === bk) w++;
            let h = 1;
            grow: for (; j + h < 16; h++) {
              const row = base + (j + h) * 16;
              for (let x = i; x < i + w; x++) if (keys[row + x] !== key || skyKeys[row + x] !== sk || blockKeys[row + x] !== bk) break grow;
            }
            for (let y = j; y < j + h; y++) keys.fill(0, base + y * 16 + i, base + y * 16 + i + w);
            emitQuad(b, rgba, key, sk, bk, face, a, u, v, s, plane, i, j, w, h);
            i += w;
          }
        }
      }
    }
  }
}

// Corner offsets in (u, v) of the 4 vertices, in counter-clockwise order seen from the +a side, and their AO slot.
const POS_U = [0, 1, 1, 0], POS_V = [0, 0, 1, 1], POS_AO = [0, 1, 2, 3];
// Seen from the -a side the same corners run the other way round.
const NEG_U = [0, 0, 1, 1], NEG_V = [0, 1, 1, 0], NEG_AO = [0, 3, 2, 1];

function emitQuad(
  b: MeshBuilder, rgba: Uint8Array, key: number, sk: number, bk: number, face: number, a: number, u: number, v: number, s: number,
  plane: number, i: number, j: number, w: number, h: number,
): void {
  const q = b.quads++;
  const id = key >>> 8;
  const cu = s > 0 ? POS_U : NEG_U, cv = s > 0 ? POS_V : NEG_V, slot = s > 0 ? POS_AO : NEG_AO;
  const r = rgba[id * 4], g = rgba[id * 4 + 1], bl = rgba[id * 4 + 2], al = rgba[id * 4 + 3];
  let ao0 = 0, ao1 = 0, ao2 = 0, ao3 = 0;
  for (let c = 0; c < 4; c++) {
    const vi = q * 4 + c;
    const ao = (key >> (slot[c] * 2)) & 3;
    const p = vi * 3;
    b.positions[p + a] = plane;
    b.positions[p + u] = i + cu[c] * w;
    b.positions[p + v] = j + cv[c] * h;
    b.faces[vi] = face;
    b.ao[vi] = ao;
    b.light[vi * 2] = (sk >>> (slot[c] * 8)) & 255;
    b.light[vi * 2 + 1] = (bk >>> (slot[c] * 8)) & 255;
    const o = vi * 4, l = ao << 8;
    b.colors[o] = LIGHT[l | r]; b.colors[o + 1] = LIGHT[l | g]; b.colors[o + 2] = LIGHT[l | bl]; b.colors[o + 3] = al;
    if (c === 0) ao0 = ao; else if (c === 1) ao1 = ao; else if (c === 2) ao2 = ao; else ao3 = ao;
  }
  b.flips[q] = ao0 + ao2 < ao1 + ao3 ? 1 : 0;
}
