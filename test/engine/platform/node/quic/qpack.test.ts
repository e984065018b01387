/**
 * QPACK field sections without a dynamic table: a CONNECT as Chromium sends it (Huffman literals), round trips of
 * random fields, and garbage that must fail with a typed error within the limits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFieldSection, encodeFieldSection } from '../../../../../engine/platform/node/quic/qpack.ts';
import type { Field } from '../../../../../engine/platform/node/quic/qpack.ts';
import { huffmanEncode } from '../../../../../engine/platform/node/quic/huffman.ts';
import { H3Code } from '../../../../../engine/platform/node/quic/h3-error.ts';
import { h3CodeOf } from './h3-codec-support.ts';

const latin = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('QPACK field sections', () => {
  it('decodes a hand-built extended CONNECT with static references and Huffman literals', () => {
    const huff = (s: string) => { const h = huffmanEncode(latin(s)); return [0x80 | h.length, ...h]; };
    const protocolName = huffmanEncode(latin(':protocol'));
    const section = Uint8Array.from([
      0x00, 0x00, // required insert count, base
      0xc0 | 15, // indexed: :method CONNECT
      0xc0 | 23, // indexed: :scheme https
      0x50 | 0, ...huff('127.0.0.1:4433'), // name ref 0 (:authority), Huffman value
      0x50 | 1, ...huff('/stratum'), // name ref 1 (:path)
      ...(protocolName.length < 7 ? [0x28 | protocolName.length] : [0x2f, protocolName.length - 7]), ...protocolName, ...huff('webtransport'), // literal name, Huffman name and value
      0x5f, 90 - 15, ...huff('http://127.0.0.1:8080'), // name ref 90 (origin) with a two-byte index
    ]);
    expect(decodeFieldSection(section)).toEqual([
      [':method', 'CONNECT'], [':scheme', 'https'], [':authority', '127.0.0.1:4433'], [':path', '/stratum'],
      [':protocol', 'webtransport'], ['origin', 'http://127.0.0.1:8080'],
    ]);
  });

  it('encodes static matches as one byte and round-trips', () => {
    expect(encodeFieldSection([[':status', '200']])).toEqual(Uint8Array.of(0, 0, 0xc0 | 25));
    const fields: Field[] = [[':status', '200'], ['sec-webtransport-http3-draft', 'draft02'], [':path', '/x'], ['origin', '']];
    expect(decodeFieldSection(encodeFieldSection(fields))).toEqual(fields);
  });

  it('round-trips random fields, static names included', () => {
    const str = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 40 });
    const name = fc.oneof(str, fc.constantFrom(':path', ':status', 'origin', 'content-type', 'x-frame-options'));
    fc.assert(fc.property(fc.array(fc.tuple(name, str), { maxLength: 20 }), (fields) => {
      expect(decodeFieldSection(encodeFieldSection(fields))).toEqual(fields);
    }), { numRuns: 1000 });
  });

  it('decodes garbage to fields or a typed QPACK/load error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const code = h3CodeOf(() => decodeFieldSection(bytes));
      if (code !== undefined) expect([H3Code.QpackDecompressionFailed, H3Code.ExcessiveLoad]).toContain(code);
    }), { numRuns: 5000 });
  });

  it('refuses dynamic references, overlong integers and strings past the end', () => {
    const bad = (b: number[]) => h3CodeOf(() => decodeFieldSection(Uint8Array.from(b)));
    expect(bad([1, 0])).toBe(H3Code.QpackDecompressionFailed); // required insert count 1
    expect(bad([0, 0, 0x80])).toBe(H3Code.QpackDecompressionFailed); // dynamic indexed
    expect(bad([0, 0, 0x10])).toBe(H3Code.QpackDecompressionFailed); // post-base indexed
    expect(bad([0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])).toBe(H3Code.QpackDecompressionFailed); // index too big
    expect(bad([0, 0, 0xc0 | 63])).toBe(H3Code.QpackDecompressionFailed); // truncated integer
    expect(bad([0, 0, 0x51, 0x7f, 0xff, 0xff, 0xff, 0x0f])).toBe(H3Code.QpackDecompressionFailed); // value length past the end
  });

  it('enforces the field count and section size limits', () => {
    const many: Field[] = Array.from({ length: 65 }, () => [':path', '/']);
    expect(h3CodeOf(() => decodeFieldSection(encodeFieldSection(many)))).toBe(H3Code.ExcessiveLoad);
    const big: Field[] = [['x', 'y'.repeat(2000)]];
    expect(h3CodeOf(() => decodeFieldSection(encodeFieldSection(big), { maxSectionSize: 1000, maxFields: 10 }))).toBe(H3Code.ExcessiveLoad);
  });
});
