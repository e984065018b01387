import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_ENTITY_ID, MAX_WIRE_FIELDS, decodeEntityBatch, encodeEntityBatch, fullSnapshotBytes, readEntityRecord, writeEntityRecord,
  zeroState, type EntityState,
} from '../../../engine/codec/entity-delta.ts';
import { createByteReader, createByteWriter, remaining, written } from '../../../engine/codec/byte-io.ts';
import { CodecError } from '../../../engine/codec/codec-error.ts';
import { dequantizeYaw, quantizePitch, quantizePosition, quantizeVelocity, quantizeYaw } from '../../../engine/codec/quantize.ts';
import { yawDelta } from '../../../engine/prediction/interpolation.ts';
import { GAME_LAYOUT, named, stateOf } from '../../support/entity-states.ts';

const ZERO_STATE = GAME_LAYOUT.zero;
const N = GAME_LAYOUT.fields.length;
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const stateArb = fc.record({
  id: fc.integer({ min: 1, max: 1_000_000 }),
  v: fc.array(fc.oneof(fc.integer({ min: -2000, max: 2000 }), int32), { minLength: N, maxLength: N }),
});

describe('entity delta codec', () => {
  it('round-trips any batch against any baselines, any int32 values', () => {
    fc.assert(fc.property(fc.uniqueArray(stateArb, { selector: (s) => s.id, maxLength: 30 }), fc.array(stateArb, { maxLength: 30 }), (states, bases) => {
      const baseline = new Map<number, EntityState>();
      bases.forEach((b, i) => { if (states[i]) baseline.set(states[i].id, { ...b, id: states[i].id }); });
      const baseOf = (id: number) => baseline.get(id) ?? ZERO_STATE;
      const bytes = encodeEntityBatch(states, baseOf);
      expect(decodeEntityBatch(bytes, baseOf)).toEqual(states);
    }));
  });

  it('works for any field count up to MAX_WIRE_FIELDS, and refuses more', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_WIRE_FIELDS }), fc.array(int32, { minLength: MAX_WIRE_FIELDS, maxLength: MAX_WIRE_FIELDS }), (n, values) => {
      const zero = zeroState(n);
      const st: EntityState = { id: 9, v: values.slice(0, n) };
      expect(decodeEntityBatch(encodeEntityBatch([st], () => zero), () => zero)).toEqual([st]);
    }));
    expect(() => zeroState(MAX_WIRE_FIELDS + 1)).toThrow(/0\.\.31/);
  });

  it('sends only changed fields: a walking entity costs a few bytes', () => {
    const base = stateOf({ id: 7, x: quantizePosition(10.5), y: 112, z: -40, yaw: 12, pitch: 0, vx: 0, vy: 0, vz: 69, health: 20, item: 3, flags: 1 });
    const moved = stateOf({ ...named(base), z: named(base).z + 7 }); // 0.43 blocks: one 10 Hz step of walking
    const bytes = encodeEntityBatch([moved], () => base);
    expect(bytes.length).toBeLessThanOrEqual(5);
    expect(bytes.length * 5).toBeLessThan(fullSnapshotBytes(1, GAME_LAYOUT.fullBytes));
    expect(encodeEntityBatch([base], () => base).length).toBe(3); // count, id, empty mask
  });

  it('rejects garbage with a CodecError, never hanging', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try { decodeEntityBatch(bytes, () => ZERO_STATE); } catch (e) { expect(e).toBeInstanceOf(CodecError); }
    }), { numRuns: 2000 });
    expect(() => decodeEntityBatch(Uint8Array.of(1, 1, 0xff, 0x7f), () => ZERO_STATE)).toThrow(/unknown bits/);
    expect(() => decodeEntityBatch(Uint8Array.of(0xff, 0xff, 0x03), () => ZERO_STATE)).toThrow(/exceeds/);
    expect(() => decodeEntityBatch(Uint8Array.of(0, 9), () => ZERO_STATE)).toThrow(/trailing/);
  });

  it('round-trips records in increasing id order, ids as distances, up to MAX_ENTITY_ID', () => {
    const idsArb = fc.uniqueArray(fc.integer({ min: 1, max: MAX_ENTITY_ID }), { maxLength: 30 }).map((a) => a.sort((x, y) => x - y));
    fc.assert(fc.property(idsArb, fc.array(stateArb, { minLength: 30, maxLength: 30 }), fc.array(stateArb, { minLength: 30, maxLength: 30 }), (ids, cur, bases) => {
      const states = ids.map((id, i) => ({ ...cur[i], id }));
      const baseOf = (id: number) => ({ ...bases[ids.indexOf(id)], id });
      const w = createByteWriter();
      let prev = 0;
      for (const st of states) { writeEntityRecord(w, prev, baseOf(st.id), st); prev = st.id; }
      const bytes = written(w);
      const r = createByteReader(bytes, 'records', 0, bytes.length, (m) => new CodecError(m));
      const out: EntityState[] = [];
      prev = 0;
      for (let i = 0; i < states.length; i++) { out.push(readEntityRecord(r, prev, baseOf)); prev = out[i].id; }
      expect(out).toEqual(states);
      expect(remaining(r)).toBe(0);
    }));
  });

  it('a run of consecutive ids costs one header byte each; ids out of order are refused', () => {
    const base = stateOf({ id: 0, x: 100, z: 100, flags: 1 });
    const w = createByteWriter();
    const walked = (id: number) => ({ ...stateOf({ ...named(base), x: 103, z: 98 }), id });
    for (let id = 70_001; id <= 70_010; id++) writeEntityRecord(w, id === 70_001 ? 70_000 : id - 1, { ...base, id }, walked(id));
    expect(w.length).toBe(10 * 3); // header, x, z
    expect(() => writeEntityRecord(createByteWriter(), 5, base, { ...base, id: 5 })).toThrow(RangeError);
    const reader = (...b: number[]) => createByteReader(Uint8Array.from(b), 'record', 0, b.length, (m) => new CodecError(m));
    expect(() => readEntityRecord(reader(0x80, 0x20), 0, () => ZERO_STATE)).toThrow(/unknown bits/);
    expect(() => readEntityRecord(reader(1, 0xff, 0xff, 0xff, 0xff, 0x7f), 0, () => ZERO_STATE)).toThrow(/varint too long/);
    expect(() => readEntityRecord(reader(1, 0xff, 0x01), 0xfffffff0, () => ZERO_STATE)).toThrow(/exceeds/);
    expect(() => readEntityRecord(reader(1), 0, () => ZERO_STATE)).toThrow(CodecError);
  });

  it('never quantizes to -0 (the wire carries 0, so a client would hold a different value)', () => {
    for (const v of [-0, -0.01, -0.03, -1e-9]) {
      expect(Object.is(quantizePosition(v), 0)).toBe(true);
      expect(Object.is(quantizeVelocity(v), 0)).toBe(true);
    }
    expect(Object.is(quantizePitch(-1), 0)).toBe(true);
    expect(Object.is(quantizePitch(-0), 0)).toBe(true);
    expect(quantizePosition(-0.04)).toBe(-1);
  });

  it('quantizes yaw to 256 wire steps and back within one step', () => {
    for (let s = 0; s < 1024; s++) expect(Math.abs(yawDelta(s, dequantizeYaw(quantizeYaw(s))))).toBeLessThanOrEqual(2);
    expect(GAME_LAYOUT.fields.length).toBeLessThanOrEqual(14);
  });
});
