/** Every message round-trips through framing (property tests), and several messages batch into one frame. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFrameReader, decodeDatagram, decodeFrameBody, encodeFrame } from '../engine/protocol/framing.ts';
import { MsgType } from '../engine/protocol/messages.ts';
import type { Message } from '../engine/protocol/messages.ts';
import { SCHEMAS } from '../engine/protocol/schema.ts';
import { messageArb, messageArbOf } from './support/message-arbitraries.ts';

describe('protocol codec', () => {
  for (const s of SCHEMAS) {
    it(`round-trips ${s.name} (${s.type})`, () => {
      fc.assert(fc.property(messageArbOf(s), (m) => {
        const frame = encodeFrame([m]);
        const back = decodeDatagram(frame);
        expect(back).toEqual([m]);
        expect(back[0].type).toBe(s.type);
      }), { numRuns: 150 });
    });
  }

  it('batches several messages into one frame and splits a stream of frames at any chunk boundary', () => {
    fc.assert(fc.property(
      fc.array(fc.array(messageArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
      (batches, cuts) => {
        const bytes = concat(batches.map((b) => encodeFrame(b)));
        const reader = createFrameReader();
        const got: Message[][] = [];
        let pos = 0;
        for (let i = 0; pos < bytes.length; i++) {
          const n = cuts[i % cuts.length];
          for (const body of reader.push(bytes.subarray(pos, pos + n))) got.push(decodeFrameBody(body));
          pos += n;
        }
        expect(got).toEqual(batches);
        expect(reader.buffered).toBe(0);
      }), { numRuns: 100 });
  });

  it('refuses a frame larger than the configured maximum on both ends', () => {
    const big: Message = { type: MsgType.ChunkData, cx: 0, cz: 0, checksum: '0123456789abcdef', data: new Uint8Array(5000) };
    expect(() => encodeFrame([big], 4096)).toThrow(RangeError);
    const frame = encodeFrame([big]);
    expect(() => createFrameReader(4096).push(frame)).toThrow(/frame-too-large/);
    expect(createFrameReader(8192).push(frame)).toHaveLength(1);
  });
});

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) { out.set(p, pos); pos += p.length; }
  return out;
}
