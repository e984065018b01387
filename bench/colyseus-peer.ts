/**
 * The peer of the entity bench: `@colyseus/schema` encoding the same movement the way a Colyseus room does. One
 * Schema state holds a MapSchema of entities keyed by network id; a joining client gets `encodeAll()`, then every
 * replication tick the server assigns the new values, sends `encode()` (only the changed fields of changed entities)
 * to every client over a reliable ordered channel, and calls `discardChanges()`. Decorator-free `schema()` API.
 *
 * Variants, all carrying exactly the information of our EntityState in the game's entity layout (PEER_FIELDS):
 * - `int`: our quantized integers in fixed-width fields (x y z int32 in 1/16 block, yaw uint8, pitch int16 (our wire
 *   pitch reaches +-128), velocities int16, health, item uint16, flags (Player.onGround) uint8);
 * - `float32`: position and velocity as float32 blocks (the dequantized values), the rest as in `int`;
 * - `number`: every field as `number` (Colyseus's self-describing variable-length encoding) of the quantized integer.
 */
import { Decoder, Encoder, schema, t } from '@colyseus/schema';
import type { EntityState } from '../engine/codec/entity-delta.ts';
import { POSITION_SCALE, VELOCITY_SCALE } from '../engine/codec/quantize.ts';
import type { EntityLayout } from '../engine/replication/entity-layout.ts';

/** The peer's fields, and the wire field of the game's entity layout each one holds. */
const PEER_FIELDS = {
  x: 'Transform.x', y: 'Transform.y', z: 'Transform.z', yaw: 'Transform.yaw', pitch: 'Transform.pitch', vx: 'Velocity.x',
  vy: 'Velocity.y', vz: 'Velocity.z', health: 'Health.current', item: 'HeldItem.item', flags: 'Player.onGround',
} as const;

/** One peer field name. */
type PeerField = keyof typeof PEER_FIELDS;
const FIELD_NAMES = Object.keys(PEER_FIELDS) as PeerField[];

/** Field encodings of the peer. */
export type ColyseusVariant = 'int' | 'float32' | 'number';

/** All variants, in table order. */
export const COLYSEUS_VARIANTS: readonly ColyseusVariant[] = ['int', 'float32', 'number'];

function entityClass(variant: ColyseusVariant) {
  if (variant === 'number') {
    return schema({
      x: t.number(), y: t.number(), z: t.number(), yaw: t.number(), pitch: t.number(), vx: t.number(), vy: t.number(),
      vz: t.number(), health: t.number(), item: t.number(), flags: t.number(),
    }, 'Entity');
  }
  const pos = variant === 'float32' ? t.float32 : t.int32;
  const vel = variant === 'float32' ? t.float32 : t.int16;
  return schema({
    x: pos(), y: pos(), z: pos(), yaw: t.uint8(), pitch: t.int16(), vx: vel(), vy: vel(), vz: vel(),
    health: t.uint16(), item: t.uint16(), flags: t.uint8(),
  }, 'Entity');
}

/** What one field holds in a variant, for our integer value (float32 variants hold blocks). */
function toField(variant: ColyseusVariant, field: PeerField, q: number): number {
  if (variant !== 'float32') return q;
  if (field === 'x' || field === 'y' || field === 'z') return q / POSITION_SCALE;
  if (field === 'vx' || field === 'vy' || field === 'vz') return q / VELOCITY_SCALE;
  return q;
}

/** One server state and one client decoding it. */
export interface ColyseusPeer {
  /** The variant. */
  variant: ColyseusVariant;
  /** The client joins with the entities at `states`: sets them and returns the `encodeAll()` bytes. */
  join(states: readonly EntityState[]): number;
  /** One replication tick on the server: assigns `states`, returns the patch (null when nothing changed: no message). */
  update(states: readonly EntityState[]): Uint8Array | null;
  /** The client decodes a patch (reliable, ordered: every patch, in order). */
  receive(patch: Uint8Array): void;
  /** True when the client's decoded state equals `states` exactly (same ids, same values). */
  clientEquals(states: readonly EntityState[]): boolean;
}

/**
 * Creates a peer for `variant`, for states in `layout` (the game's: it must carry every field of the peer's entity,
 * and those only). The states given to it must keep the same set of ids.
 */
export function createColyseusPeer(variant: ColyseusVariant, layout: EntityLayout): ColyseusPeer {
  const index = {} as Record<PeerField, number>;
  for (const f of FIELD_NAMES) {
    const [component, field] = PEER_FIELDS[f].split('.');
    index[f] = layout.fields.findIndex((w) => w.component === component && w.field === field);
    if (index[f] < 0) throw new RangeError(`colyseus peer: the entity layout has no field ${PEER_FIELDS[f]}`);
  }
  if (layout.fields.length !== FIELD_NAMES.length) throw new RangeError(`colyseus peer: the entity layout has ${layout.fields.length} fields, the peer ${FIELD_NAMES.length}`);
  const Entity = entityClass(variant);
  const State = schema({ entities: t.map(Entity) }, 'State');
  type EntityInstance = InstanceType<typeof Entity>;
  const state = new State();
  // 1000 entities need more than the default shared buffer; it would grow anyway, with a warning per encoder.
  Encoder.BUFFER_SIZE = Math.max(Encoder.BUFFER_SIZE, 256 * 1024);
  const encoder = new Encoder(state);
  const decoder = new Decoder(new State());
  const assign = (e: EntityInstance, s: EntityState): void => {
    // The setter records a change only when the value differs, so assigning every field is what a room does.
    for (const f of FIELD_NAMES) (e as unknown as Record<string, number>)[f] = toField(variant, f, s.v[index[f]]);
  };
  return {
    variant,
    join(states) {
      for (const s of states) {
        const e = new Entity();
        assign(e, s);
        state.entities.set(String(s.id), e);
      }
      const bytes = encoder.encodeAll();
      decoder.decode(bytes);
      // The client starts from the full state; changes made so far are in it.
      encoder.discardChanges();
      return bytes.length;
    },
    update(states) {
      for (const s of states) {
        const e = state.entities.get(String(s.id));
        if (!e) throw new Error(`colyseus peer: entity ${s.id} was not there at join`);
        assign(e, s);
      }
      if (!encoder.hasChanges) return null;
      const patch = encoder.encode().slice(); // encode() returns a view of the encoder's shared buffer
      encoder.discardChanges();
      return patch;
    },
    receive(patch) {
      decoder.decode(patch);
    },
    clientEquals(states) {
      const held = decoder.state.entities;
      if (held.size !== states.length) return false;
      for (const s of states) {
        const e = held.get(String(s.id)) as unknown as Record<string, number> | undefined;
        if (!e) return false;
        for (const f of FIELD_NAMES) if (e[f] !== toField(variant, f, s.v[index[f]])) return false;
      }
      return true;
    },
  };
}
