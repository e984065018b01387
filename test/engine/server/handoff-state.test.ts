import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HANDOFF_VERSION, HandoffStateError, decodeHandoff, encodeHandoff } from '../../../engine/server/handoff-state.ts';

describe('hand-off state codec', () => {
  it('garbage and wrong shapes throw HandoffStateError, never anything else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try { decodeHandoff(bytes); } catch (e) { expect(e).toBeInstanceOf(HandoffStateError); }
    }), { numRuns: 500 });
    const ok = { version: HANDOFF_VERSION, kind: 'entity' as const, adoptTick: 3, netId: 4, components: [] };
    expect(decodeHandoff(encodeHandoff(ok))).toEqual(ok);
    expect(() => decodeHandoff(encodeHandoff({ ...ok, version: 99 }))).toThrow(/version 99/);
    expect(() => decodeHandoff(encodeHandoff({ ...ok, netId: 0 }))).toThrow(/netId/);
    expect(() => decodeHandoff(encodeHandoff({ ...ok, adoptTick: -1 }))).toThrow(/adoptTick/);
    expect(() => decodeHandoff(encodeHandoff({ ...ok, kind: 'player' as 'entity' }))).toThrow(/name is not a string/);
  });
});
