/** Hostile frames: every malformed input throws a typed ProtocolError, never hangs, never allocates the declared size. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../engine/protocol/errors.ts';
import { createFrameReader, decodeDatagram, decodeFrameBody, encodeFrame } from '../../../engine/protocol/framing.ts';
import { MsgType } from '../../../engine/protocol/messages.ts';
import { packr } from '../../../engine/protocol/codec.ts';

const ping = encodeFrame([{ type: MsgType.Ping, nonce: 7, sentMs: 1.5 }]);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return (err as ProtocolError).code;
  }
}

describe('framing under hostile input', () => {
  it('random bytes either decode to valid messages or throw ProtocolError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      codeOf(() => decodeDatagram(bytes));
      codeOf(() => createFrameReader(1000).push(bytes).forEach(decodeFrameBody));
    }), { numRuns: 2000 });
  });

  it('a 4 GB declared length is refused from the header alone', () => {
    const header = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 1);
    expect(codeOf(() => createFrameReader().push(header))).toBe('frame-too-large');
    expect(codeOf(() => decodeDatagram(header))).toBe('frame-too-large');
  });

  it('truncated frames wait on a stream and are refused as datagrams', () => {
    for (let cut = 0; cut < ping.length; cut++) {
      const part = ping.subarray(0, cut);
      expect(codeOf(() => decodeDatagram(part))).toBe('bad-frame');
      expect(createFrameReader().push(part)).toEqual([]);
    }
    // A body cut inside the msgpack payload (with the length patched to match) is a payload error.
    const body = ping.subarray(4, ping.length - 2);
    expect(codeOf(() => decodeFrameBody(body))).toBe('bad-payload');
  });

  it('unknown message types and wrong field shapes are refused', () => {
    expect(codeOf(() => decodeFrameBody(concat(Uint8Array.of(99), packr.pack([1]))))).toBe('unknown-type');
    expect(codeOf(() => decodeFrameBody(concat(Uint8Array.of(0), packr.pack([]))))).toBe('unknown-type');
    expect(codeOf(() => decodeFrameBody(concat(Uint8Array.of(MsgType.Ping), packr.pack([1]))))).toBe('bad-payload');
    expect(codeOf(() => decodeFrameBody(concat(Uint8Array.of(MsgType.Ping), packr.pack([-1, 2]))))).toBe('bad-payload');
    expect(codeOf(() => decodeFrameBody(concat(Uint8Array.of(MsgType.Ping), packr.pack({ nonce: 1 }))))).toBe('bad-payload');
    expect(codeOf(() => decodeFrameBody(Uint8Array.of(MsgType.Ping)))).toBe('bad-frame');
    expect(codeOf(() => createFrameReader().push(new Uint8Array(4)))).toBe('bad-frame');
  });
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
