/** The InputBundle inputs codec: round trips, compactness for steady walking, typed errors on garbage. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Button } from '../../../engine/input.ts';
import type { PlayerInput } from '../../../engine/input.ts';
import { ProtocolError } from '../../../engine/protocol/errors.ts';
import { decodeInputs, encodeInputs } from '../../../engine/protocol/input-bundle.ts';
import { inputsArb } from '../../support/message-arbitraries.ts';

describe('input bundle codec', () => {
  it('round-trips any consecutive inputs', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }).chain((t) => inputsArb(t, 8).map((l) => [t, l] as const)),
      ([tick, list]) => {
        expect(decodeInputs(encodeInputs(list, 8), tick, 8)).toEqual(list);
      }), { numRuns: 500 });
  });

  it('costs one byte per repeated steady-walking input', () => {
    const walk = (t: number): PlayerInput => ({ tick: t, buttons: Button.Forward, yaw: 300, pitch: -12 });
    const one = encodeInputs([walk(10)]);
    const four = encodeInputs([walk(7), walk(8), walk(9), walk(10)]);
    expect(four.length - one.length).toBe(3);
    expect(one.length).toBeLessThanOrEqual(7);
  });

  it('carries game actions as id, length and payload bytes, and refuses bad ones', () => {
    const list: PlayerInput[] = [{ tick: 5, buttons: 0, yaw: 0, pitch: 0, actions: [{ id: 16, data: Uint8Array.of(0x91, 10) }, { id: 255, data: new Uint8Array(0) }] }];
    const bytes = encodeInputs(list);
    expect([...bytes]).toEqual([1, 32, 2, 16, 2, 0x91, 10, 255, 0]);
    expect(decodeInputs(bytes, 5)).toEqual(list);
    expect(() => decodeInputs(Uint8Array.of(1, 32, 1, 15, 0), 5)).toThrow(/action id 15 not in 16..255/);
    expect(() => decodeInputs(Uint8Array.of(1, 32, 5, 16, 0, 16, 0, 16, 0, 16, 0, 16, 0), 5)).toThrow(/action count 5 not in 1..4/);
    expect(() => decodeInputs(Uint8Array.of(1, 32, 1, 16, 3, 1), 5)).toThrow(/truncated/);
    expect(() => encodeInputs([{ ...list[0], actions: [{ id: 3, data: new Uint8Array(0) }] }])).toThrow(RangeError);
    expect(() => encodeInputs([{ ...list[0], actions: [{ id: 16, data: new Uint8Array(256) }] }])).toThrow(/at most 255/);
  });

  it('wraps yaw deltas the short way round', () => {
    const list: PlayerInput[] = [{ tick: 1, buttons: 0, yaw: 1023, pitch: 0 }, { tick: 2, buttons: 0, yaw: 1, pitch: 0 }];
    const bytes = encodeInputs(list);
    expect(decodeInputs(bytes, 2)).toEqual(list);
    expect(bytes.length).toBe(1 + 2 + 2); // count; flags+yaw(-1); flags+yaw(+2)
  });

  it('refuses garbage with ProtocolError and bad local inputs with RangeError', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
      try {
        decodeInputs(bytes, 100, 8);
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
      }
    }), { numRuns: 2000 });
    expect(() => decodeInputs(Uint8Array.of(9, 0, 0, 0, 0, 0, 0, 0, 0, 0), 100, 8)).toThrow(ProtocolError);
    expect(() => decodeInputs(Uint8Array.of(1, 0, 0), 100, 8)).toThrow(/trailing/);
    expect(() => encodeInputs([{ tick: 1, buttons: 64, yaw: 0, pitch: 0 }])).toThrow(RangeError);
    expect(() => encodeInputs([{ tick: 1, buttons: 0, yaw: 0, pitch: 0 }, { tick: 3, buttons: 0, yaw: 0, pitch: 0 }])).toThrow(RangeError);
  });
});
