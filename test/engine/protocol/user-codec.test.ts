import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../engine/protocol/errors.ts';
import { decodeFrameBody, decodeFrameItems, encodeUserFrame, FRAME_HEADER_BYTES } from '../../../engine/protocol/framing.ts';
import { decodeUserPayload, userMessageTable } from '../../../engine/protocol/user-codec.ts';
import { defineMessage, resolveUserMessages } from '../../../engine/protocol/user-messages.ts';

const Cast = defineMessage({
  id: 300, name: 'Cast', from: 'both', channel: 'Chat',
  fields: [['spell', 'u16'], ['power', 'f64'], ['crit', 'bool'], ['who', { str: 16 }], ['targets', { list: 'i32', max: 4 }], ['blob', { bytes: 8 }]],
});
const Small = defineMessage({ id: 128, name: 'Small', from: 'client', channel: 'Input', fields: [['n', 'u8']] });
const TABLE = userMessageTable(resolveUserMessages([Cast, Small]));

const castArb = fc.record({
  spell: fc.integer({ min: 0, max: 0xffff }),
  // msgpackr writes -0 as the integer 0 (as for the engine's f64 fields): compare with +0.
  power: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)),
  crit: fc.boolean(),
  who: fc.string({ maxLength: 16 }),
  targets: fc.array(fc.integer({ min: -0x80000000, max: 0x7fffffff }), { maxLength: 4 }),
  blob: fc.uint8Array({ maxLength: 8 }),
});

describe('user message codec', () => {
  it('writes the id as a MessagePack uint (0xcc for 128..255, 0xcd above) before the payload', () => {
    expect([...encodeUserFrame(Small, { n: 5 }).subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + 2)]).toEqual([0xcc, 128]);
    const f = encodeUserFrame(Cast, { spell: 1, power: 2, crit: true, who: 'a', targets: [], blob: new Uint8Array(0) });
    expect([...f.subarray(FRAME_HEADER_BYTES, FRAME_HEADER_BYTES + 3)]).toEqual([0xcd, 0x01, 0x2c]);
  });

  it('round-trips any valid payload (property)', () => {
    fc.assert(fc.property(castArb, (p) => {
      const frame = encodeUserFrame(Cast, p);
      const [item] = decodeFrameItems(frame.subarray(FRAME_HEADER_BYTES), Infinity, TABLE);
      expect(item.type).toBe('user');
      if (item.type !== 'user') return;
      expect(item.def.name).toBe('Cast');
      expect(decodeUserPayload(item.def, item.value)).toEqual(p);
    }));
  });

  it('refuses a payload that does not match the fields with a typed error naming the field, and never hangs on garbage', () => {
    expect(() => decodeUserPayload(Small, [256])).toThrow(new ProtocolError('bad-payload', 'Small.n: expected u8'));
    expect(() => decodeUserPayload(Small, [1, 2])).toThrow(/Small\.\*: expected an array of 1 fields/);
    expect(() => decodeUserPayload(Small, 'x')).toThrow(ProtocolError);
    fc.assert(fc.property(fc.anything(), (v) => {
      try { decodeUserPayload(Cast, v); } catch (e) { expect(e).toBeInstanceOf(ProtocolError); }
    }));
  });

  it('is an unknown type for a reader without the definition, or for an id the definition lacks', () => {
    const body = encodeUserFrame(Small, { n: 1 }).subarray(FRAME_HEADER_BYTES);
    expect(() => decodeFrameBody(body)).toThrow(/unknown-type: type byte 128/);
    expect(() => decodeFrameItems(body, Infinity, userMessageTable([]))).toThrow(/unknown-type/);
  });

  it('checks the payload at the sender too', () => {
    expect(() => encodeUserFrame(Small, { n: -1 })).toThrow(new RangeError('cannot send Small.n: expected u8'));
  });
});
