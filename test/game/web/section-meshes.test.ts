import { describe, expect, it } from 'vitest';
import { Block } from '../../../engine/voxel/blocks.ts';
import { chunkKey, createVoxelWorld, ensureColumn, setBlock } from '../../../engine/voxel/voxel-world.ts';
import { meshSectionSync } from '../../../workers/mesh.main.ts';
import type { MeshedSection } from '../../../workers/mesh.common.ts';
import { FACE_LIGHT, applySectionMeshes, createSectionMeshes, shadeByFace } from '../../../game/web/renderer/section-meshes.ts';

function oneBlockWorld() {
  const world = createVoxelWorld({ columnSections: 4 });
  ensureColumn(world, 1, -1);
  setBlock(world, 16 + 3, 20, -16 + 5, Block.Stone);
  const section = world.columns.get(chunkKey(1, -1))!.sections[1];
  const meshed: MeshedSection = { cx: 1, sy: 1, cz: -1, section, mesh: meshSectionSync(world, 1, 1, -1) };
  return { world, meshed };
}

describe('section meshes in the scene', () => {
  it('places a section mesh at its corner with its six faces', () => {
    const { world, meshed } = oneBlockWorld();
    const set = createSectionMeshes();
    applySectionMeshes(set, world, [meshed]);
    const m = set.byKey.get('1,1,-1')!;
    expect(m.position.toArray()).toEqual([16, 16, -16]);
    expect(m.geometry.getAttribute('position').count).toBe(24);
    expect(m.geometry.getIndex()!.count).toBe(36);
    applySectionMeshes(set, world, [meshed]); // replaced, not added twice
    expect(set.group.children.length).toBe(1);
  });

  it('skips a late mesh whose section id no longer sits there', () => {
    const { world, meshed } = oneBlockWorld();
    const set = createSectionMeshes();
    applySectionMeshes(set, world, [{ ...meshed, section: meshed.section + 1 }]);
    expect(set.byKey.size).toBe(0);
  });

  it('lights faces by direction', () => {
    const colors = new Uint8Array([200, 100, 50, 255, 200, 100, 50, 255]);
    shadeByFace(colors, new Uint8Array([2, 3]));
    expect([...colors.subarray(0, 4)]).toEqual([200, 100, 50, 255]);
    expect(colors[4]).toBe(Math.floor(200 * FACE_LIGHT[3]));
    expect(colors[7]).toBe(255);
  });
});
