import { describe, expect, it } from 'vitest';
import { Render, SEE_THROUGH_ALPHA, attachMeshPalette, createMeshPalette, fallbackColor } from '../../../engine/mesh/mesh-palette.ts';
import { Block, createBlockRegistry } from '../../../engine/voxel/blocks.ts';

describe('mesh palette', () => {
  const palette = createMeshPalette(createBlockRegistry());

  it('classes air, opaque, see-through and unknown ids', () => {
    expect(palette.render[Block.Air]).toBe(0);
    expect(palette.render[Block.Stone]).toBe(Render.Drawn | Render.Opaque);
    expect(palette.render[Block.Glass]).toBe(Render.Drawn);
    expect(palette.render[Block.Leaves]).toBe(Render.Drawn);
    expect(palette.render[Block.Water]).toBe(Render.Drawn);
    expect(palette.render[40000]).toBe(Render.Drawn | Render.Opaque);
  });

  it('takes registry colours, alpha by opacity, and stable distinct colours for unknown ids', () => {
    expect([...palette.rgba.subarray(Block.Grass * 4, Block.Grass * 4 + 4)]).toEqual([0x5f, 0xa8, 0x3a, 255]);
    expect(palette.rgba[Block.Glass * 4 + 3]).toBe(SEE_THROUGH_ALPHA);
    const c = fallbackColor(9000);
    expect([...palette.rgba.subarray(9000 * 4, 9000 * 4 + 3)]).toEqual([c >> 16, (c >> 8) & 255, c & 255]);
    const colours = new Set(Array.from({ length: 200 }, (_, i) => fallbackColor(1000 + i)));
    expect(colours.size).toBeGreaterThan(190);
    for (const col of colours) for (const ch of [col >> 16, (col >> 8) & 255, col & 255]) expect(ch >= 64 && ch <= 223).toBe(true);
  });

  it('is shared memory that another thread can view without a copy', () => {
    expect(palette.handles.buffer).toBeInstanceOf(SharedArrayBuffer);
    const other = attachMeshPalette(palette.handles);
    palette.rgba[4] = 1;
    expect(other.rgba[4]).toBe(1);
  });
});
