/** The HPACK/QPACK Huffman code: RFC 7541 appendix B codes, appendix C examples, round trips, hostile padding. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { huffmanCode, huffmanDecode, huffmanEncode } from '../../../../../engine/platform/node/quic/huffman.ts';
import { H3Code } from '../../../../../engine/platform/node/quic/h3-error.ts';
import { h3CodeOf, hex } from './h3-codec-support.ts';

const text = (s: string) => new TextEncoder().encode(s);

describe('Huffman code', () => {
  it('derives the codes of RFC 7541 appendix B from the lengths', () => {
    const table: Array<[number, number, number]> = [
      [0, 0x1ff8, 13], [1, 0x7fffd8, 23], [9, 0xffffea, 24], [10, 0x3ffffffc, 30], [32, 0x14, 6], [48, 0x0, 5],
      [97, 0x3, 5], [122, 0x7b, 7], [127, 0xffffffc, 28], [128, 0xfffe6, 20], [199, 0x1ffffec, 25],
      [254, 0x7fffff0, 27], [255, 0x3ffffee, 26], [256, 0x3fffffff, 30],
    ];
    for (const [sym, code, bits] of table) expect(huffmanCode(sym), `symbol ${sym}`).toEqual({ code, bits });
  });

  it('encodes and decodes the examples of RFC 7541 appendix C.4 and C.6', () => {
    const cases: Array<[string, string]> = [
      ['www.example.com', 'f1e3c2e5f23a6ba0ab90f4ff'],
      ['no-cache', 'a8eb10649cbf'],
      ['custom-key', '25a849e95ba97d7f'],
      ['custom-value', '25a849e95bb8e8b4bf'],
      ['302', '6402'],
      ['private', 'aec3771a4b'],
      ['Mon, 21 Oct 2013 20:13:21 GMT', 'd07abe941054d444a8200595040b8166e082a62d1bff'],
      ['https://www.example.com', '9d29ad171863c78f0b97c8e9ae82ae43d3'],
      ['foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1', '94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007'],
    ];
    for (const [plain, coded] of cases) {
      expect(huffmanEncode(text(plain))).toEqual(hex(coded));
      expect(huffmanDecode(hex(coded))).toEqual(text(plain));
    }
  });

  it('round-trips any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      expect(huffmanDecode(huffmanEncode(bytes))).toEqual(bytes);
    }), { numRuns: 2000 });
  });

  it('decodes garbage to bytes or a QPACK_DECOMPRESSION_FAILED error, never anything else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
      const code = h3CodeOf(() => huffmanDecode(bytes));
      if (code !== undefined) expect(code).toBe(H3Code.QpackDecompressionFailed);
    }), { numRuns: 5000 });
  });

  it('refuses EOS in the string, long padding and padding of zeros', () => {
    expect(h3CodeOf(() => huffmanDecode(hex('ffffffff')))).toBe(H3Code.QpackDecompressionFailed); // EOS (30 ones)
    expect(h3CodeOf(() => huffmanDecode(hex('ff')))).toBe(H3Code.QpackDecompressionFailed); // 8 bits of padding
    expect(h3CodeOf(() => huffmanDecode(hex('00')))).toBe(H3Code.QpackDecompressionFailed); // '0' then 3 zero bits
    expect(huffmanDecode(hex('07'))).toEqual(text('0')); // '0' (00000) then 111: valid padding
  });
});
