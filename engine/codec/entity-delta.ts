/**
 * Entity delta codec: the replicated state of an entity, quantized to int32 values, sent as the fields that differ
 * from a baseline the client acknowledged, behind a bitmask, each as a zigzag varint of the difference. Which fields
 * there are and their order is the entity layout's (engine/replication/entity-layout.ts, made from the protocol
 * definition); this file only sees a state's list of values, so the codec knows no component. A walking entity costs
 * about 4 bytes per update. Pure functions; decoding checks every bound and throws {@link CodecError}.
 */
import {
  createByteReader, createByteWriter, readVarint, readZigzag, remaining, writeVarint, writeZigzag, written,
  type ByteReader, type ByteWriter,
} from './byte-io.ts';
import { CodecError } from './codec-error.ts';

/** Most wire fields in a state (mask bits 0..30: a record header `mask * 2 + 1` stays a uint32). */
export const MAX_WIRE_FIELDS = 31;

/** An entity's replicated state: the values of the layout's wire fields, in wire order, each an int32. */
export interface EntityState {
  /** Network id. */
  id: number;
  /** Quantized values, `v[i]` for wire field i (mask bit i). */
  v: number[];
}

/** The all-zero state of `fieldCount` fields: what every field is diffed against when there is no baseline. */
export function zeroState(fieldCount: number): Readonly<EntityState> {
  if (!Number.isInteger(fieldCount) || fieldCount < 0 || fieldCount > MAX_WIRE_FIELDS) {
    throw new RangeError(`fieldCount must be an integer in 0..${MAX_WIRE_FIELDS}, got ${fieldCount}`);
  }
  return Object.freeze({ id: 0, v: Object.freeze(new Array<number>(fieldCount).fill(0)) as number[] });
}

/** Bitmask of the fields where `cur` differs from `base` (same field count). */
export function changedMask(base: Readonly<EntityState>, cur: Readonly<EntityState>): number {
  let mask = 0;
  const b = base.v, c = cur.v;
  for (let i = 0; i < c.length; i++) if (b[i] !== c[i]) mask |= 1 << i;
  return mask;
}

// Differences are taken modulo 2^32 (`| 0`), so any two int32 values differ by an int32 and the sum comes back exact.
function writeFields(w: ByteWriter, mask: number, base: Readonly<EntityState>, cur: Readonly<EntityState>): void {
  for (let i = 0; i < cur.v.length; i++) {
    if (mask & (1 << i)) writeZigzag(w, (cur.v[i] - base.v[i]) | 0);
  }
}

function readFields(r: ByteReader, id: number, mask: number, baseOf: (id: number) => Readonly<EntityState>): EntityState {
  const base = baseOf(id);
  const n = base.v.length;
  if (mask >= 2 ** n) throw new CodecError(`entity ${id}: field mask ${mask} has unknown bits (${n} fields)`);
  const v = base.v.slice();
  for (let i = 0; i < n; i++) {
    if (mask & (1 << i)) v[i] = (base.v[i] + readZigzag(r)) | 0;
  }
  return { id, v };
}

/** Writes one entity's delta against `base` (the zero state when the client has none): uvar id, uvar mask, fields. */
export function writeEntityDelta(w: ByteWriter, base: Readonly<EntityState>, cur: Readonly<EntityState>): void {
  const mask = changedMask(base, cur);
  writeVarint(w, cur.id);
  writeVarint(w, mask);
  writeFields(w, mask, base, cur);
}

/** Reads one entity's delta; `baseOf` gives the baseline the sender used for that id (the zero state if none). */
export function readEntityDelta(r: ByteReader, baseOf: (id: number) => Readonly<EntityState>): EntityState {
  const id = readVarint(r);
  return readFields(r, id, readVarint(r), baseOf);
}

/** Largest network id a record can carry. */
export const MAX_ENTITY_ID = 0xffffffff;

/**
 * Writes one record of a list in increasing id order, naming the id by its distance from the previous record's
 * (`prevId`, 0 before the first): uvar `mask << 1` when `id = prevId + 1`, else uvar `mask << 1 | 1` then uvar
 * `id - prevId - 2`; then the fields as in {@link writeEntityDelta}. A run of consecutive ids whose changes are in
 * bits 0..5 (the layout's hot fields) costs one header byte per entity, and large ids cost no more than small ones.
 */
export function writeEntityRecord(w: ByteWriter, prevId: number, base: Readonly<EntityState>, cur: Readonly<EntityState>): void {
  if (!(cur.id > prevId)) throw new RangeError(`entity records must be in increasing id order: ${cur.id} after ${prevId}`);
  const mask = changedMask(base, cur);
  if (cur.id === prevId + 1) {
    writeVarint(w, mask * 2);
  } else {
    writeVarint(w, mask * 2 + 1);
    writeVarint(w, cur.id - prevId - 2);
  }
  writeFields(w, mask, base, cur);
}

/** Reads a record written by {@link writeEntityRecord} after the record of `prevId`. */
export function readEntityRecord(r: ByteReader, prevId: number, baseOf: (id: number) => Readonly<EntityState>): EntityState {
  const header = readVarint(r);
  const id = header % 2 === 0 ? prevId + 1 : prevId + 2 + readVarint(r);
  if (id > MAX_ENTITY_ID) throw new CodecError(`entity id ${id} exceeds ${MAX_ENTITY_ID}`);
  return readFields(r, id, Math.floor(header / 2), baseOf);
}

/** Encodes a batch: a count, then each entity's delta against `baseOf(id)`. */
export function encodeEntityBatch(states: readonly EntityState[], baseOf: (id: number) => Readonly<EntityState>, w: ByteWriter = createByteWriter(256)): Uint8Array {
  w.length = 0;
  writeVarint(w, states.length);
  for (const s of states) writeEntityDelta(w, baseOf(s.id), s);
  return written(w).slice();
}

/** Decodes a batch made by {@link encodeEntityBatch}. At most `maxEntities` entries are accepted. */
export function decodeEntityBatch(bytes: Uint8Array, baseOf: (id: number) => Readonly<EntityState>, maxEntities = 4096): EntityState[] {
  const r = createByteReader(bytes, 'entity batch', 0, bytes.length, (m) => new CodecError(m));
  const n = readVarint(r);
  if (n > maxEntities) throw new CodecError(`entity batch of ${n} exceeds ${maxEntities}`);
  const out: EntityState[] = [];
  for (let i = 0; i < n; i++) out.push(readEntityDelta(r, baseOf));
  if (remaining(r) !== 0) throw new CodecError(`${remaining(r)} trailing byte(s) after ${n} entities`);
  return out;
}

/**
 * Size in bytes of `count` states as full snapshots with fixed-width fields (id u32 plus `fieldBytes` per entity,
 * the layout's `fullBytes`), and a u32 count: the comparison for delta savings.
 */
export function fullSnapshotBytes(count: number, fieldBytes: number): number {
  return 4 + count * (4 + fieldBytes);
}
