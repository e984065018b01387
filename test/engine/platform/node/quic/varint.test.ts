/** QUIC varints: RFC 9000 examples, round trips, lengths, and "need more" on every truncation. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeVarint, readVarint, varintLength, MAX_VARINT } from '../../../../../engine/platform/node/quic/varint.ts';
import { hex } from './h3-codec-support.ts';

describe('QUIC varint', () => {
  it('decodes the examples of RFC 9000 appendix A.1', () => {
    expect(readVarint(hex('c2197c5eff14e88c'), 0)).toEqual({ value: 151288809941952652, next: 8 });
    expect(readVarint(hex('9d7f3e7d'), 0)).toEqual({ value: 494878333, next: 4 });
    expect(readVarint(hex('7bbd'), 0)).toEqual({ value: 15293, next: 2 });
    expect(readVarint(hex('25'), 0)).toEqual({ value: 37, next: 1 });
    expect(readVarint(hex('4025'), 0)).toEqual({ value: 37, next: 2 }); // non-minimal encodings are valid
    expect(encodeVarint(494878333)).toEqual(hex('9d7f3e7d'));
    expect(encodeVarint(15293)).toEqual(hex('7bbd'));
  });

  it('round-trips every safe integer at the length varintLength says', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 0, max: 0x3fff }), fc.integer({ min: 0, max: MAX_VARINT })), (v) => {
      const bytes = encodeVarint(v);
      expect(bytes.length).toBe(varintLength(v));
      expect(readVarint(bytes, 0)).toEqual({ value: v, next: bytes.length });
      for (let cut = 0; cut < bytes.length; cut++) expect(readVarint(bytes.subarray(0, cut), 0)).toBeUndefined();
    }), { numRuns: 2000 });
  });

  it('refuses values it cannot encode', () => {
    expect(() => encodeVarint(-1)).toThrow(RangeError);
    expect(() => encodeVarint(1.5)).toThrow(RangeError);
    expect(() => encodeVarint(2 ** 62)).toThrow(RangeError);
  });
});
