import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ENTITY_FIELDS, MAX_ENTITY_ID, ZERO_STATE, decodeEntityBatch, encodeEntityBatch, fullSnapshotBytes, readEntityRecord,
  writeEntityRecord, type EntityState,
} from '../../../engine/codec/entity-delta.ts';
import { createByteReader, createByteWriter, remaining, written } from '../../../engine/codec/byte-io.ts';
import { CodecError } from '../../../engine/codec/codec-error.ts';
import { dequantizeYaw, quantizePitch, quantizePosition, quantizeVelocity, quantizeYaw } from '../../../engine/codec/quantize.ts';
import { yawDelta } from '../../../engine/prediction/interpolation.ts';

const stateArb = fc.record({
  id: fc.integer({ min: 1, max: 1_000_000 }),
  x: fc.integer({ min: -8_000_000, max: 8_000_000 }), y: fc.integer({ min: -1024, max: 8192 }), z: fc.integer({ min: -8_000_000, max: 8_000_000 }),
  yaw: fc.integer({ min: 0, max: 255 }), pitch: fc.integer({ min: -128, max: 128 }),
  vx: fc.integer({ min: -2000, max: 2000 }), vy: fc.integer({ min: -2000, max: 2000 }), vz: fc.integer({ min: -2000, max: 2000 }),
  health: fc.integer({ min: 0, max: 65535 }), item: fc.integer({ min: 0, max: 65535 }), flags: fc.integer({ min: 0, max: 255 }),
});

describe('entity delta codec', () => {
  it('round-trips any batch against any baselines', () => {
    fc.assert(fc.property(fc.uniqueArray(stateArb, { selector: (s) => s.id, maxLength: 30 }), fc.array(stateArb, { maxLength: 30 }), (states, bases) => {
      const baseline = new Map<number, EntityState>();
      bases.forEach((b, i) => { if (states[i]) baseline.set(states[i].id, { ...b, id: states[i].id }); });
      const baseOf = (id: number) => baseline.get(id) ?? ZERO_STATE;
      const bytes = encodeEntityBatch(states, baseOf);
      expect(decodeEntityBatch(bytes, baseOf)).toEqual(states);
    }));
  });

  it('sends only changed fields: a walking entity costs a few bytes', () => {
    const base: EntityState = { id: 7, x: quantizePosition(10.5), y: 112, z: -40, yaw: 12, pitch: 0, vx: 0, vy: 0, vz: 69, health: 20, item: 3, flags: 1 };
    const moved = { ...base, z: base.z + 7 }; // 0.43 blocks: one 10 Hz step of walking
    const bytes = encodeEntityBatch([moved], () => base);
    expect(bytes.length).toBeLessThanOrEqual(5);
    expect(bytes.length * 5).toBeLessThan(fullSnapshotBytes(1));
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
    const base: EntityState = { ...ZERO_STATE, id: 0, x: 100, z: 100, flags: 1 };
    const w = createByteWriter();
    for (let id = 70_001; id <= 70_010; id++) writeEntityRecord(w, id === 70_001 ? 70_000 : id - 1, { ...base, id }, { ...base, id, x: 103, z: 98 });
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
    expect(ENTITY_FIELDS.length).toBeLessThanOrEqual(14);
  });
});
