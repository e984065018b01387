/**
 * Entity delta codec: the replicated state of an entity, quantized to integers, sent as the fields that differ from
 * a baseline the client acknowledged, behind a bitmask, each as a zigzag varint of the difference. A walking entity
 * costs about 4 bytes per update. Pure functions; decoding checks every bound and throws {@link CodecError}.
 */
import {
  createByteReader, createByteWriter, readVarint, readZigzag, remaining, writeVarint, writeZigzag, written,
  type ByteReader, type ByteWriter,
} from './byte-io.ts';
import { CodecError } from './codec-error.ts';

/**
 * Replicated fields, in wire order. The order and the bit of each field are part of the protocol. The fields that
 * change while walking and jumping come first, so that their mask fits in one varint byte (bits 0..6).
 */
export const ENTITY_FIELDS = ['x', 'y', 'z', 'vx', 'vy', 'vz', 'flags', 'yaw', 'pitch', 'item', 'health'] as const;

/** One replicated field name. */
export type EntityField = (typeof ENTITY_FIELDS)[number];

/** An entity's replicated state; every value is an integer (see quantize.ts). */
export type EntityState = { [K in EntityField]: number } & {
  /** Network id. */
  id: number;
};

/** Bits of {@link EntityState.flags}. */
export const EntityFlag = {
  /** Standing on the ground. */
  OnGround: 1,
} as const;

/** The state every field is diffed against when there is no baseline. */
export const ZERO_STATE: Readonly<EntityState> = Object.freeze({
  id: 0, x: 0, y: 0, z: 0, yaw: 0, pitch: 0, vx: 0, vy: 0, vz: 0, health: 0, item: 0, flags: 0,
});

/** Bitmask of the fields where `cur` differs from `base`. */
export function changedMask(base: Readonly<EntityState>, cur: Readonly<EntityState>): number {
  let mask = 0;
  for (let i = 0; i < ENTITY_FIELDS.length; i++) if (base[ENTITY_FIELDS[i]] !== cur[ENTITY_FIELDS[i]]) mask |= 1 << i;
  return mask;
}

function writeFields(w: ByteWriter, mask: number, base: Readonly<EntityState>, cur: Readonly<EntityState>): void {
  for (let i = 0; i < ENTITY_FIELDS.length; i++) {
    if (mask & (1 << i)) writeZigzag(w, cur[ENTITY_FIELDS[i]] - base[ENTITY_FIELDS[i]]);
  }
}

function readFields(r: ByteReader, id: number, mask: number, baseOf: (id: number) => Readonly<EntityState>): EntityState {
  if (mask >= 1 << ENTITY_FIELDS.length) throw new CodecError(`entity ${id}: field mask ${mask} has unknown bits`);
  const base = baseOf(id);
  const out = { ...base, id } as EntityState;
  for (let i = 0; i < ENTITY_FIELDS.length; i++) {
    if (mask & (1 << i)) out[ENTITY_FIELDS[i]] = base[ENTITY_FIELDS[i]] + readZigzag(r);
  }
  return out;
}

/** Writes one entity's delta against `base` (ZERO_STATE when the client has none): uvar id, uvar mask, fields. */
export function writeEntityDelta(w: ByteWriter, base: Readonly<EntityState>, cur: Readonly<EntityState>): void {
  const mask = changedMask(base, cur);
  writeVarint(w, cur.id);
  writeVarint(w, mask);
  writeFields(w, mask, base, cur);
}

/** Reads one entity's delta; `baseOf` gives the baseline the sender used for that id (ZERO_STATE if none). */
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
 * bits 0..5 costs one header byte per entity, and large ids cost no more than small ones.
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
 * Size in bytes of the same states as full snapshots with the same quantization and fixed-width fields (id u32,
 * x y z i32, yaw u8, pitch i8, velocities i16, health u16, item u16, flags u8): the comparison for delta savings.
 */
export function fullSnapshotBytes(count: number): number {
  return 4 + count * (4 + 12 + 1 + 1 + 6 + 2 + 2 + 1);
}
