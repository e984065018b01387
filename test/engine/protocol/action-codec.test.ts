/** The game action payload codec: round trips, RangeError naming the field on send, bad-payload on receipt. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeActionPayload, encodeActionPayload } from '../../../engine/protocol/action-codec.ts';
import { ProtocolError } from '../../../engine/protocol/errors.ts';
import { defineAction } from '../../../engine/protocol/user-actions.ts';
import { Cast } from '../../support/protocol-examples.ts';

const Aim = defineAction({
  id: 17, name: 'Aim', fields: [['x', 'i32'], ['label', { str: 8 }], ['on', 'bool']], writes: [],
  apply: () => ({ ok: true }),
});

describe('action payload codec', () => {
  it('round-trips any payload the declaration allows', () => {
    fc.assert(fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.string({ maxLength: 8 }), fc.boolean(), (x, label, on) => {
      expect(decodeActionPayload(Aim, encodeActionPayload(Aim, { x, label, on }))).toEqual({ x, label, on });
    }), { numRuns: 300 });
    expect([...encodeActionPayload(Cast, { cost: 10 })]).toEqual([0x91, 10]);
  });

  it('refuses a payload that breaks the declaration: RangeError when sending, ProtocolError when receiving', () => {
    expect(() => encodeActionPayload(Cast, { cost: 300 })).toThrow(/cannot act cast.cost: expected u8/);
    expect(() => decodeActionPayload(Cast, Uint8Array.of(0x91, 0xcd, 0x01, 0x2c))).toThrow(/cast.cost: expected u8/);
    expect(() => decodeActionPayload(Cast, Uint8Array.of(0xc1))).toThrow(ProtocolError);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 20 }), (bytes) => {
      try {
        decodeActionPayload(Aim, bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
      }
    }), { numRuns: 1000 });
  });
});
