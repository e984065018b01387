import { describe, expect, it } from 'vitest';
import { Render, createMeshPalette } from '../../../engine/mesh/mesh-palette.ts';
import {
  BELOW_WORLD, CENTRE_SLOT, createNeighbourhood, gatherNeighbourhood, neighbourSlot, neighbourhoodIds, paddedIndex,
} from '../../../engine/mesh/section-neighbourhood.ts';
import { createRng } from '../../../engine/rng.ts';
import { Block } from '../../../engine/voxel/blocks.ts';
import { NO_SECTION, sectionVoxels } from '../../../engine/voxel/section-store.ts';
import { createVoxelWorld, ensureColumn, ensureSection, getBlock } from '../../../engine/voxel/voxel-world.ts';

describe('section neighbourhood', () => {
  it('names the 27 neighbour ids, below-world under section 0 and air above the top and in missing columns', () => {
    const w = createVoxelWorld({ columnSections: 2 });
    const col = ensureColumn(w, 0, 0);
    const s0 = ensureSection(w, col, 0), s1 = ensureSection(w, col, 1);
    const east = ensureSection(w, ensureColumn(w, 1, 0), 0);
    const ids = neighbourhoodIds(w, 0, 0, 0);
    expect(ids[CENTRE_SLOT]).toBe(s0);
    expect(ids[neighbourSlot(0, 1, 0)]).toBe(s1);
    expect(ids[neighbourSlot(1, 0, 0)]).toBe(east);
    expect(ids[neighbourSlot(-1, 0, 0)]).toBe(NO_SECTION);
    for (let dx = -1; dx <= 1; dx++) for (let dz = -1; dz <= 1; dz++) expect(ids[neighbourSlot(dx, -1, dz)]).toBe(BELOW_WORLD);
    expect(neighbourhoodIds(w, 0, 1, 0)[neighbourSlot(0, 1, 0)]).toBe(NO_SECTION);
  });

  it('gathers exactly what getBlock reads around a section, with render classes from the palette', () => {
    const w = createVoxelWorld({ columnSections: 3 });
    const rng = createRng(5);
    const kinds = [Block.Air, Block.Stone, Block.Glass, Block.Water, 1234];
    for (let cx = -1; cx <= 1; cx++) for (let cz = -1; cz <= 1; cz++) for (let sy = 0; sy < 3; sy++) {
      if (cx === 1 && cz === -1) continue; // a missing column reads as air
      const v = sectionVoxels(w.store, ensureSection(w, ensureColumn(w, cx, cz), sy));
      for (let i = 0; i < 4096; i++) v[i] = kinds[rng.int(0, kinds.length - 1)];
    }
    const palette = createMeshPalette(w.blocks);
    const hood = createNeighbourhood();
    for (const sy of [0, 1, 2]) {
      const drawn = gatherNeighbourhood(w.store, palette, neighbourhoodIds(w, 0, sy, 0), hood);
      let want = 0;
      for (let y = -1; y <= 16; y++) for (let z = -1; z <= 16; z++) for (let x = -1; x <= 16; x++) {
        const p = paddedIndex(x, y, z);
        const wy = sy * 16 + y;
        const inside = x >= 0 && x < 16 && y >= 0 && y < 16 && z >= 0 && z < 16;
        if (wy < 0) {
          expect(hood.render[p]).toBe(Render.Drawn | Render.Opaque);
          expect(hood.opaqueRows[(y + 1) * 18 + (z + 1)] & (1 << (x + 1))).not.toBe(0);
          continue;
        }
        const b = getBlock(w, x, wy, z);
        expect(hood.ids[p], `${x},${wy},${z}`).toBe(b);
        expect(hood.render[p]).toBe(palette.render[b]);
        const row = (y + 1) * 18 + (z + 1), bit = 1 << (x + 1);
        expect(hood.opaqueRows[row] & bit ? Render.Opaque : 0).toBe(palette.render[b] & Render.Opaque);
        expect(hood.drawnRows[row] & bit ? Render.Drawn : 0).toBe(palette.render[b] & Render.Drawn);
        if (inside && palette.render[b] & Render.Drawn) want++;
      }
      expect(drawn).toBe(want);
    }
  });
});
