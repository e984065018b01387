import { describe, expect, it } from 'vitest';
import { createHeldEdits, holdEdits, releaseHeld, withoutHeld } from '../../../engine/server/held-edits.ts';
import { voxelIndex } from '../../../engine/voxel/section.ts';
import { chunkKey } from '../../../engine/voxel/voxel-world.ts';

const edit = (x: number, y: number, z: number, block: number, prev: number) => ({ tick: 1, x, y, z, block, prev, by: 0 });

describe('held edits', () => {
  it('undoes the held edits of one section, newest first, and forgets them once released in order', () => {
    const h = createHeldEdits();
    const a = edit(1, 2, 3, 5, 3), b = edit(1, 2, 3, 7, 5), c = edit(17, 2, 3, 9, 3);
    holdEdits(h, [a, b]);
    holdEdits(h, [c]);
    expect([...h.columns]).toEqual([[chunkKey(0, 0), 2], [chunkKey(1, 0), 1]]);
    const now = new Uint16Array(4096);
    now[voxelIndex(1, 2, 3)] = 7;
    const before = withoutHeld(h, 0, 0, 0, now.slice())!;
    expect(before[voxelIndex(1, 2, 3)]).toBe(3); // a's prev, not b's
    expect(withoutHeld(h, 0, 1, 0, null)).toBeNull(); // another section of a held column: nothing held in it
    expect(withoutHeld(h, 1, 0, 0, null)![voxelIndex(1, 2, 3)]).toBe(3);

    expect(() => releaseHeld(h, [b])).toThrow('held edits released out of order: edit 0 of 1 at (1, 2, 3)');
    releaseHeld(h, [a, b]);
    expect([...h.columns]).toEqual([[chunkKey(1, 0), 1]]);
    expect(withoutHeld(h, 0, 0, 0, now)).toBe(now);
    releaseHeld(h, [c]);
    expect(h.columns.size).toBe(0);
    releaseHeld(h, [edit(0, 0, 0, 1, 0)]); // never held (no durable store): nothing to do
  });
});
