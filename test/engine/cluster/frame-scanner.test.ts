/**
 * The frame scanner: whatever the chunking, it reports each chunk's last frame boundary and whether the stream is at
 * a boundary, exactly where whole frames end; a length of 0 or over the limit throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFrameScanner, FrameLengthError } from '../../../engine/cluster/frame-scanner.ts';

/** The header byte and `[len][body]` for each body length, and the offsets where a frame (or the header) ends. */
function stream(lengths: number[]): { bytes: Uint8Array; ends: Set<number> } {
  const bytes = new Uint8Array(1 + lengths.reduce((n, l) => n + 4 + l, 0));
  const view = new DataView(bytes.buffer);
  const ends = new Set([1]);
  bytes[0] = 9;
  let at = 1;
  for (const l of lengths) { view.setUint32(at, l); at += 4 + l; ends.add(at); }
  return { bytes, ends };
}

describe('frame scanner', () => {
  it('is at a boundary after the header and after each whole frame, never inside one', () => {
    const s = createFrameScanner();
    expect(s.atBoundary).toBe(false); // the header byte is still to come
    const { bytes } = stream([3]);
    expect(s.scan(bytes.subarray(0, 3))).toBe(1);
    expect([s.header, s.atBoundary]).toEqual([9, false]);
    expect(s.scan(bytes.subarray(3, 7))).toBe(-1);
    expect(s.scan(bytes.subarray(7))).toBe(1);
    expect(s.atBoundary).toBe(true);
    expect(createFrameScanner(1024, false).atBoundary).toBe(true);
  });

  it('any chunking: each chunk reports its last boundary, and atBoundary holds exactly at frame ends', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1 }),
      (lengths, cuts) => {
        const { bytes, ends } = stream(lengths);
        const s = createFrameScanner(300);
        let at = 0;
        for (let i = 0; at < bytes.length; i++) {
          const next = Math.min(bytes.length, at + cuts[i % cuts.length]);
          const last = [...ends].filter((e) => e > at && e <= next).pop();
          expect(s.scan(bytes.subarray(at, next))).toBe(last === undefined ? -1 : last - at);
          at = next;
          expect(s.atBoundary).toBe(ends.has(at));
        }
      },
    ));
  });

  it('a length of 0 or over the limit throws, naming both', () => {
    expect(() => createFrameScanner(10, false).scan(Uint8Array.of(0, 0, 0, 0))).toThrow(new FrameLengthError('frame length 0 is not in 1..10'));
    expect(() => createFrameScanner(10).scan(Uint8Array.of(1, 0, 0, 0, 11))).toThrow('frame length 11 is not in 1..10');
  });
});
