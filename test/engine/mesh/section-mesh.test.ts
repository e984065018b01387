import { describe, expect, it } from 'vitest';
import { createMeshBuilder, meshBytes, packMeshes, reserveQuads } from '../../../engine/mesh/section-mesh.ts';

function addQuads(b: ReturnType<typeof createMeshBuilder>, n: number, mark: number): void {
  reserveQuads(b, n);
  for (let i = 0; i < n; i++) {
    const q = b.quads++;
    b.positions.fill(mark, q * 12, q * 12 + 12);
    b.colors.fill(mark, q * 16, q * 16 + 16);
    b.flips[q] = i & 1;
  }
}

describe('section mesh packing', () => {
  it('packs several meshes into one buffer, aligned, each with its own quads and 16-bit indices', () => {
    const b = createMeshBuilder(2);
    addQuads(b, 3, 7);
    addQuads(b, 0, 0);
    addQuads(b, 5, 9);
    const [a, empty, c] = packMeshes(b, [0, 3, 3, 8]);
    expect(b.quads).toBe(0);
    expect([a.quads, empty.quads, c.quads]).toEqual([3, 0, 5]);
    expect(a.buffer).toBe(c.buffer);
    expect(a.buffer.byteLength).toBe(meshBytes(a) + meshBytes(c));
    expect(a.indices).toBeInstanceOf(Uint16Array);
    expect(c.indices.byteOffset % 4).toBe(0);
    expect(c.positions.every((x) => x === 9) && a.colors.every((x) => x === 7)).toBe(true);
    expect([...a.indices.subarray(0, 12)]).toEqual([0, 1, 2, 0, 2, 3, 5, 6, 7, 5, 7, 4]);
  });

  it('switches to 32-bit indices past 65536 vertices', () => {
    const b = createMeshBuilder();
    addQuads(b, 16385, 1);
    const [m] = packMeshes(b, [0, 16385]);
    expect(m.indices).toBeInstanceOf(Uint32Array);
    expect(m.indices[m.indices.length - 1]).toBe(16384 * 4 + 3);
    expect(Math.max(...m.indices)).toBe(65539);
  });
});
