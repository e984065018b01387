/**
 * The frame cutter: whatever the chunking, what comes out is the header byte and whole frames, in order, and what is
 * held is the incomplete rest; a length of 0 or over the limit throws, naming both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFrameCutter, FrameLengthError } from '../../../engine/cluster/frame-cutter.ts';

/** `[len][body]` for each body. */
function frames(bodies: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(bodies.reduce((n, b) => n + 4 + b.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const b of bodies) { view.setUint32(at, b.length); out.set(b, at + 4); at += 4 + b.length; }
  return out;
}

const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

describe('frame cutter', () => {
  it('passes the header byte at once and a frame only when whole', () => {
    const c = createFrameCutter();
    expect([...c.push(Uint8Array.of(7))]).toEqual([7]);
    expect(c.header).toBe(7);
    const f = frames([Uint8Array.of(1, 2, 3)]);
    expect(c.push(f.subarray(0, 5)).length).toBe(0);
    expect(c.held).toBe(5);
    expect([...c.push(f.subarray(5))]).toEqual([0, 0, 0, 3, 1, 2, 3]);
    expect(c.held).toBe(0);
  });

  it('any chunking: the output is the longest prefix ending on a boundary, held is the rest', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 255 }),
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 8 }),
      fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 10 }),
      (header, bodies, cuts) => {
        const all = concat([Uint8Array.of(header), frames(bodies)]);
        const points = [...new Set(cuts.map((x) => x % (all.length + 1)))].sort((a, b) => a - b);
        const c = createFrameCutter(64);
        const out: Uint8Array[] = [];
        let from = 0;
        for (const p of [...points, all.length]) {
          out.push(c.push(all.subarray(from, p)));
          from = p;
          // Every output so far ends on a boundary: a fresh cutter takes it whole.
          const whole = concat(out);
          expect(createFrameCutter(64).push(whole).length).toBe(whole.length);
          expect(whole.length + c.held).toBe(p);
        }
        expect(concat(out)).toEqual(all);
        expect(c.header).toBe(header);
      },
    ));
  });

  it('without a header byte, frames start at once', () => {
    const c = createFrameCutter(100, false);
    expect([...c.push(Uint8Array.of(0, 0, 0, 1, 9, 0))]).toEqual([0, 0, 0, 1, 9]);
    expect(c.header).toBeUndefined();
    expect(c.held).toBe(1);
  });

  it('a length of 0 or over the limit throws, naming the length and the limit', () => {
    const c = createFrameCutter(100);
    c.push(Uint8Array.of(0));
    expect(() => c.push(Uint8Array.of(0, 0, 0, 101))).toThrow(new FrameLengthError('frame length 101 is not in 1..100'));
    expect(() => createFrameCutter(100).push(Uint8Array.of(0, 0, 0, 0, 0))).toThrow('frame length 0 is not in 1..100');
    expect(() => createFrameCutter().push(Uint8Array.of(0x63, 0x63, 0x30, 0x3b, 0x63))).toThrow('frame length 1664105315 is not in 1..1048576');
  });
});
