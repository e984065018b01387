import { describe, expect, it } from 'vitest';
import { Block } from '../../../engine/voxel/blocks.ts';
import { chunkKey, createVoxelWorld, ensureColumn, setBlock } from '../../../engine/voxel/voxel-world.ts';
import { meshSectionSync } from '../../../workers/mesh.main.ts';
import { updateLight } from '../../../engine/light/world-light.ts';
import type { MeshedSection } from '../../../workers/mesh.common.ts';
import { FACE_LIGHT, MIN_BRIGHTNESS, applySectionMeshes, createSectionMeshes, lightCurve, setDaylight, shadeByFace, splitByAlpha } from '../../../engine/web/renderer/section-meshes.ts';

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

  it('gives each vertex its smooth light as a normalized vec2 attribute, and the shader a shared daylight', () => {
    const { world } = oneBlockWorld();
    updateLight(world);
    const section = world.columns.get(chunkKey(1, -1))!.sections[1];
    const mesh = meshSectionSync(world, 1, 1, -1);
    const set = createSectionMeshes();
    applySectionMeshes(set, world, [{ cx: 1, sy: 1, cz: -1, section, mesh }]);
    const light = set.byKey.get('1,1,-1')!.geometry.getAttribute('light');
    expect(light.itemSize).toBe(2);
    expect(light.normalized).toBe(true);
    expect(light.count).toBe(24);
    // Open sky all round the one block: the top face's sky light is level 15 (255).
    expect(Math.max(...Array.from({ length: 24 }, (_, v) => light.getX(v)))).toBe(1);
    setDaylight(set, 0.25);
    expect(set.daylight.value).toBe(0.25);
    expect(() => setDaylight(set, 1.5)).toThrow(/daylight must be in 0\.\.1, got 1\.5/);
    expect(lightCurve(0)).toBe(MIN_BRIGHTNESS);
    expect(lightCurve(1)).toBe(1);
    expect(lightCurve(0.5)).toBeLessThan(0.5);
  });

  it('skips a late mesh whose section id no longer sits there', () => {
    const { world, meshed } = oneBlockWorld();
    const set = createSectionMeshes();
    applySectionMeshes(set, world, [{ ...meshed, section: meshed.section + 1 }]);
    expect(set.byKey.size).toBe(0);
  });

  it('draws see-through blocks (glass) in a second, blended group after the opaque quads', () => {
    const { world } = oneBlockWorld();
    setBlock(world, 16 + 8, 20, -16 + 5, Block.Glass);
    const section = world.columns.get(chunkKey(1, -1))!.sections[1];
    const set = createSectionMeshes();
    applySectionMeshes(set, world, [{ cx: 1, sy: 1, cz: -1, section, mesh: meshSectionSync(world, 1, 1, -1) }]);
    const g = set.byKey.get('1,1,-1')!.geometry;
    expect(g.groups).toEqual([{ start: 0, count: 36, materialIndex: 0 }, { start: 36, count: 36, materialIndex: 1 }]);
  });

  it('splitByAlpha keeps each quad whole, opaque quads first', () => {
    const indices = new Uint16Array([0, 1, 2, 0, 2, 3, 4, 5, 6, 4, 6, 7, 8, 9, 10, 8, 10, 11]);
    const colors = new Uint8Array(12 * 4).fill(255);
    colors[4 * 4 + 3] = 160; // quad 1 (vertices 4..7) is see-through
    const r = splitByAlpha(indices, colors);
    expect(r.opaque).toBe(12);
    expect([...r.indices]).toEqual([0, 1, 2, 0, 2, 3, 8, 9, 10, 8, 10, 11, 4, 5, 6, 4, 6, 7]);
  });

  it('lights faces by direction', () => {
    const colors = new Uint8Array([200, 100, 50, 255, 200, 100, 50, 255]);
    shadeByFace(colors, new Uint8Array([2, 3]));
    expect([...colors.subarray(0, 4)]).toEqual([200, 100, 50, 255]);
    expect(colors[4]).toBe(Math.floor(200 * FACE_LIGHT[3]));
    expect(colors[7]).toBe(255);
  });
});
