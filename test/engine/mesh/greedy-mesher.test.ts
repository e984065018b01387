import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMeshPalette } from '../../../engine/mesh/mesh-palette.ts';
import { Face, type SectionMesh } from '../../../engine/mesh/section-mesh.ts';
import { createRng } from '../../../engine/rng.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { createVoxelWorld, ensureColumn, ensureSection, setBlock, type VoxelWorld } from '../../../engine/voxel/voxel-world.ts';
import { sectionVoxels } from '../../../engine/voxel/section-store.ts';
import { meshSectionSync } from '../../../workers/mesh.main.ts';
import { updateLight } from '../../../engine/light/world-light.ts';
import { checkSectionMesh, countExposedFaces, quadArea } from '../../support/mesh-check.ts';

/** A 3x3 patch of columns, 3 sections high, all air; tests build in the middle section (0, 1, 0). */
function emptyWorld(): VoxelWorld {
  const w = createVoxelWorld({ columnSections: 3 });
  for (let cx = -1; cx <= 1; cx++) for (let cz = -1; cz <= 1; cz++) ensureColumn(w, cx, cz);
  return w;
}

function fillSection(w: VoxelWorld, cx: number, sy: number, cz: number, block: number): void {
  sectionVoxels(w.store, ensureSection(w, ensureColumn(w, cx, cz), sy)).fill(block);
}

const palette = createMeshPalette(createVoxelWorld().blocks);
const mesh = (w: VoxelWorld, sy = 1): SectionMesh => meshSectionSync(w, 0, sy, 0, { palette });

function quadsFacing(m: SectionMesh, face: number): number[] {
  const out: number[] = [];
  for (let q = 0; q < m.quads; q++) if (m.faces[q * 4] === face) out.push(q);
  return out;
}

describe('greedy mesher', () => {
  it('draws a single block as 6 quads (24 vertices, 36 indices), unoccluded, one per face', () => {
    const w = emptyWorld();
    setBlock(w, 5, 20, 5, Block.Stone);
    const m = mesh(w);
    expect([m.quads, m.vertices, m.indices.length]).toEqual([6, 24, 36]);
    expect([...m.faces].sort()).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5]);
    expect(m.ao.every((a) => a === 3)).toBe(true);
    expect(checkSectionMesh(w, palette, 0, 1, 0, m)).toEqual([]);
    expect(m.colors.slice(0, 4)).toEqual(new Uint8Array([0x7f, 0x7f, 0x7f, 255]));
  });

  it('merges two adjacent blocks of the same kind into 6 quads, and keeps two kinds apart', () => {
    const w = emptyWorld();
    setBlock(w, 5, 20, 5, Block.Stone);
    setBlock(w, 6, 20, 5, Block.Stone);
    const m = mesh(w);
    expect(m.quads).toBe(6);
    expect(quadArea(m)).toBe(10);
    expect(checkSectionMesh(w, palette, 0, 1, 0, m)).toEqual([]);
    setBlock(w, 6, 20, 5, Block.Dirt);
    const m2 = mesh(w);
    expect(m2.quads).toBe(10);
    expect(checkSectionMesh(w, palette, 0, 1, 0, m2)).toEqual([]);
  });

  it('draws a full uniform section surrounded by air as exactly 6 quads of 16x16', () => {
    const w = emptyWorld();
    fillSection(w, 0, 1, 0, Block.Dirt);
    const m = mesh(w);
    expect(m.quads).toBe(6);
    expect(quadArea(m)).toBe(6 * 256);
    expect(checkSectionMesh(w, palette, 0, 1, 0, m)).toEqual([]);
  });

  it('draws nothing for a full section surrounded by full neighbours', () => {
    const w = emptyWorld();
    for (let cx = -1; cx <= 1; cx++) for (let cz = -1; cz <= 1; cz++) for (let sy = 0; sy < 3; sy++) fillSection(w, cx, sy, cz, Block.Stone);
    expect(mesh(w).quads).toBe(0);
    // Opening one neighbour shows exactly that side again (split by the AO along its occluded rim).
    sectionVoxels(w.store, ensureColumn(w, 1, 0).sections[1]).fill(Block.Air);
    const m = mesh(w);
    expect(quadsFacing(m, Face.PosX).length).toBe(m.quads);
    expect(quadArea(m)).toBe(256);
    expect(checkSectionMesh(w, palette, 0, 1, 0, m)).toEqual([]);
  });

  it('culls the bottom of the lowest section (below the world is solid) but not the top of the highest', () => {
    const w = emptyWorld();
    fillSection(w, 0, 0, 0, Block.Stone);
    fillSection(w, 0, 2, 0, Block.Stone);
    expect(quadsFacing(mesh(w, 0), Face.NegY)).toEqual([]);
    expect(quadsFacing(mesh(w, 2), Face.PosY).length).toBe(1);
  });

  it('darkens the corners of a floor next to a wall, and darkest in an inner corner', () => {
    const w = emptyWorld();
    for (let x = 0; x < 16; x++) for (let z = 0; z < 16; z++) setBlock(w, x, 16, z, Block.Stone);
    for (let z = 0; z < 16; z++) setBlock(w, 8, 17, z, Block.Stone); // a wall along z at x = 8
    for (let x = 0; x < 8; x++) setBlock(w, x, 17, 8, Block.Stone); // a wall along x at z = 8, meeting it
    const m = mesh(w);
    expect(checkSectionMesh(w, palette, 0, 1, 0, m)).toEqual([]);
    const top = (x: number, z: number): { ao: number; red: number }[] => {
      const out: { ao: number; red: number }[] = [];
      for (let i = 0; i < m.vertices; i++) {
        const p = i * 3;
        if (m.faces[i] === Face.PosY && m.positions[p + 1] === 1 && m.positions[p] === x && m.positions[p + 2] === z) out.push({ ao: m.ao[i], red: m.colors[i * 4] });
      }
      return out;
    };
    const open = top(0, 0);
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((v) => v.ao === 3)).toBe(true);
    const byWall = top(8, 1); // floor corner against the wall, away from the inner corner
    expect(byWall.length).toBeGreaterThan(0);
    expect(byWall.every((v) => v.ao === 1 && v.red < open[0].red)).toBe(true);
    const inner = top(8, 8).filter((v) => v.ao === 0); // the vertex in the crease of both walls (from the x<8, z<8 side)
    expect(inner.length).toBeGreaterThan(0);
    expect(inner.every((v) => v.red < byWall[0].red)).toBe(true);
  });

  it('keeps the face of stone next to glass, culls glass against stone and glass against glass', () => {
    const w = emptyWorld();
    setBlock(w, 5, 20, 5, Block.Stone);
    setBlock(w, 6, 20, 5, Block.Glass);
    setBlock(w, 7, 20, 5, Block.Glass);
    const m = mesh(w);
    expect(checkSectionMesh(w, palette, 0, 1, 0, m)).toEqual([]);
    const stoneEast = quadsFacing(m, Face.PosX).filter((q) => m.positions[q * 12] === 6);
    expect(stoneEast.length).toBe(1);
    expect(m.colors[stoneEast[0] * 16 + 3]).toBe(255);
    expect(quadsFacing(m, Face.NegX).filter((q) => m.positions[q * 12] === 6)).toEqual([]); // glass's west face
    expect(quadsFacing(m, Face.PosX).filter((q) => m.positions[q * 12] === 7)).toEqual([]); // between the two glass
    expect(m.quads).toBe(6 + 5); // stone: 6; the glass pair merges into 5 (its west side hidden by stone)
  });

  it('draws both faces between two different see-through blocks, and water against air only', () => {
    const w = emptyWorld();
    setBlock(w, 5, 20, 5, Block.Glass);
    setBlock(w, 6, 20, 5, Block.Leaves);
    setBlock(w, 5, 22, 5, Block.Water);
    setBlock(w, 6, 22, 5, Block.Water);
    setBlock(w, 5, 23, 5, Block.Stone);
    const m = mesh(w);
    expect(checkSectionMesh(w, palette, 0, 1, 0, m)).toEqual([]);
    expect(m.quads).toBe(6 + 6 + 6 + 6); // glass, leaves, the water pair (its top only beside the stone), stone
  });

  it('gives each vertex the smooth light of its corner and splits a floor where the light differs', () => {
    const w = emptyWorld();
    for (let x = 0; x < 16; x++) for (let z = 0; z < 16; z++) setBlock(w, x, 16, z, Block.Stone);
    const flat = mesh(w);
    expect(quadsFacing(flat, Face.PosY)).toHaveLength(1); // no light computed: open sky everywhere, one quad
    setBlock(w, 8, 17, 8, Block.Torch);
    for (let x = -16; x < 32; x++) for (let z = -16; z < 32; z++) setBlock(w, x, 30, z, Block.Stone); // a roof: dark but for the torch
    updateLight(w);
    const m = mesh(w);
    expect(checkSectionMesh(w, palette, 0, 1, 0, m)).toEqual([]);
    expect(quadsFacing(m, Face.PosY).length).toBeGreaterThan(20);
    // A floor corner at the torch's foot: the torch (14), its two sides (13) and the diagonal (12), times 17, over 4.
    let brightest = 0, sky = 0;
    for (let vi = 0; vi < m.vertices; vi++) {
      if (m.faces[vi] !== Face.PosY || m.positions[vi * 3 + 1] !== 1) continue; // the floor's top
      brightest = Math.max(brightest, m.light[vi * 2 + 1]);
      sky = Math.max(sky, m.light[vi * 2]);
    }
    expect(brightest).toBe(Math.round(((14 + 13 + 13 + 12) * 17) / 4));
    expect(sky).toBe(0);
  });

  it('covers every exposed face exactly once, with the right colour, AO and winding, on random sections', () => {
    const blocks = [Block.Stone, Block.Dirt, Block.Glass, Block.Leaves, Block.Water, 300, Block.Grass, Block.Torch];
    fc.assert(
      fc.property(fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 8 }), fc.boolean(), fc.boolean(), (seed, density, kinds, sideSection, lit) => {
        const w = emptyWorld();
        const rng = createRng(seed);
        const fillRandom = (cx: number, sy: number, cz: number): void => {
          const v = sectionVoxels(w.store, ensureSection(w, ensureColumn(w, cx, cz), sy));
          for (let i = 0; i < 4096; i++) v[i] = rng.next() < density ? blocks[rng.int(0, kinds - 1)] : Block.Air;
        };
        fillRandom(0, 1, 0);
        fillRandom(0, 0, 0);
        if (sideSection) { fillRandom(1, 1, 0); fillRandom(-1, 2, -1); fillRandom(0, 2, 1); fillRandom(0, 2, 0); fillRandom(-1, 0, 0); }
        if (lit) updateLight(w); // smooth light per vertex, and no merging across different light
        for (const sy of [0, 1, 2]) { // the bottom section sits on the solid below-world, the top one under air
          const m = mesh(w, sy);
          expect(checkSectionMesh(w, palette, 0, sy, 0, m)).toEqual([]);
          expect(quadArea(m)).toBe(countExposedFaces(w, 0, sy, 0));
        }
      }),
      { numRuns: 40 },
    );
  });
});
