import { describe, expect, it } from 'vitest';
import { createLocalMotion, noteTick, smoothedPosition } from '../../../game/web/local-motion.ts';
import { hexToBytes } from '../../../engine/hash.ts';

describe('local player smoothing', () => {
  it('draws between the last two ticks by elapsed time, never past the newest', () => {
    const m = createLocalMotion();
    const body = { x: 0, y: 7, z: 0 };
    expect(smoothedPosition(m, body, 0, 50)).toEqual([0, 7, 0]);
    noteTick(m, body, 1000);
    const moved = { x: 0.2, y: 7, z: 0 };
    expect(smoothedPosition(m, moved, 1000, 50)[0]).toBeCloseTo(0, 9);
    expect(smoothedPosition(m, moved, 1025, 50)[0]).toBeCloseTo(0.1, 9);
    expect(smoothedPosition(m, moved, 1090, 50)[0]).toBeCloseTo(0.2, 9);
  });

  it('jumps at once over a teleport instead of sweeping', () => {
    const m = createLocalMotion();
    noteTick(m, { x: 0, y: 7, z: 0 }, 0);
    expect(smoothedPosition(m, { x: 10, y: 7, z: 0 }, 10, 50)).toEqual([10, 7, 0]);
  });
});

describe('connect info', () => {
  it('parses certificate hashes and refuses malformed hex', () => {
    expect([...hexToBytes('00ff7a')]).toEqual([0, 255, 122]);
    expect(() => hexToBytes('abc')).toThrow(RangeError);
    expect(() => hexToBytes('zz')).toThrow(RangeError);
  });
});
