/**
 * The entity layout: which component fields an entity's replicated state carries, in which order, and how each is
 * quantized, made from a protocol definition's component specs (engine/protocol/component-spec.ts). Plain data, so
 * it goes to workers as it is.
 *
 * Wire order: the components of the audience in id order, within each its non-'skip' fields in name order (an array
 * field as one wire field per element, in index order); then the hot fields (`replicate.hot`) move to the front,
 * keeping that order among themselves. The engine's hot fields are Transform x, y, z and Velocity x, y, z: mask bits
 * 0..5, so a record of a walking entity has a one-byte header.
 *
 * Values on the wire are int32: `{ scale }` fields are `round(value * scale)` (then modulo `wrap` when given),
 * `'exact'` integer fields their value as an int32 (u32 values above 2^31 wrap, and come back unsigned), `'exact'`
 * f32 fields their bits. An entity without one of the layout's components carries zeros for its fields.
 */
import { hasComponent } from 'bitecs';
import type { EntityState } from '../codec/entity-delta.ts';
import { MAX_WIRE_FIELDS, zeroState } from '../codec/entity-delta.ts';
import type { FieldKind } from '../ecs/schema.ts';
import type { EcsWorld } from '../ecs/world.ts';
import type { Audience, FieldEncoding } from '../protocol/component-spec.ts';
import type { ProtocolDefinition } from '../protocol/define.ts';

/** One field on the wire. */
export interface WireField {
  /** Component name. */
  readonly component: string;
  /** Component wire id. */
  readonly componentId: number;
  /** Field name. */
  readonly field: string;
  /** Element index within the field (0 for a scalar field). */
  readonly element: number;
  /** Elements per entity of the field (1 for a scalar). */
  readonly length: number;
  /** The field's typed-array kind. */
  readonly kind: FieldKind;
  /** Its encoding (never 'skip'). */
  readonly encoding: Exclude<FieldEncoding, 'skip'>;
  /** Declared hot. */
  readonly hot: boolean;
  /** Its component's priority weight (replicate.priority, > 0). */
  readonly priority: number;
}

/** Indices in the layout of the fields dead reckoning reads (entity-extrapolation.ts); -1 when absent. */
export interface MotionFields {
  /** Transform.x. */ readonly x: number;
  /** Transform.y. */ readonly y: number;
  /** Transform.z. */ readonly z: number;
  /** Velocity.x. */ readonly vx: number;
  /** Velocity.y. */ readonly vy: number;
  /** Velocity.z. */ readonly vz: number;
  /** Player.onGround. */ readonly onGround: number;
  /** Transform.yaw. */ readonly yaw: number;
}

/** A layout: the wire fields of one audience. */
export interface EntityLayout {
  /** Wire fields in wire order (field i is mask bit i). */
  readonly fields: readonly WireField[];
  /** The components with fields in the layout, in id order: name and the range of its fields in `fields`... */
  readonly components: readonly { readonly name: string; readonly id: number; readonly indices: readonly number[] }[];
  /** Where the motion fields are. */
  readonly motion: MotionFields;
  /** The all-zero state (no baseline). */
  readonly zero: Readonly<EntityState>;
  /** Bytes of one entity's values as a fixed-width snapshot (store sizes; a wrapped field the bytes its range needs). */
  readonly fullBytes: number;
}

/**
 * The priority weight of a change: the highest `replicate.priority` among the components with a field in `mask`
 * (a changed-field mask), 1 when the mask is empty.
 */
export function changeWeight(layout: EntityLayout, mask: number): number {
  let w = 0;
  for (let i = 0; mask !== 0 && i < layout.fields.length; i++, mask >>>= 1) if (mask & 1 && layout.fields[i].priority > w) w = layout.fields[i].priority;
  return w || 1;
}

const KIND_BYTES: Record<FieldKind, number> = { f32: 4, f64: 8, i8: 1, u8: 1, i16: 2, u16: 2, i32: 4, u32: 4 };

/**
 * Most wire fields in a player's own layout (OwnState carries changed components whole, with no field mask): 255,
 * which keeps an OwnState of every field (at most 5 bytes each) within its 4096 bytes.
 */
export const MAX_OWN_FIELDS = 255;

/** The engine's components that PlayerState carries to a player's own client every tick (its predicted body). */
export const BODY_COMPONENTS: readonly string[] = Object.freeze(['Transform', 'Velocity', 'Player']);

/**
 * The layout of the components whose audience is in `audiences` (default `['all']`: what every client that sees an
 * entity gets), leaving out the components named in `except`. Throws RangeError when it has more than `maxFields`
 * (default `MAX_WIRE_FIELDS`, 31: what an entity delta's field mask carries) fields or an `'exact'` f64 field (which
 * an int32 cannot carry). A player's own layout (OwnState: no field mask) allows {@link MAX_OWN_FIELDS}.
 */
export function createEntityLayout(def: ProtocolDefinition, audiences: readonly Audience[] = ['all'], except: readonly string[] = [], maxFields: number = MAX_WIRE_FIELDS): EntityLayout {
  const cold: WireField[] = [], hot: WireField[] = [];
  for (const c of def.components) {
    if (!audiences.includes(c.replicate.to) || except.includes(c.component.name)) continue;
    const names = Object.keys(c.component.fields).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      const encoding = c.replicate.fields[name];
      if (encoding === 'skip') continue;
      const f = c.component.fields[name];
      if (encoding === 'exact' && f.kind === 'f64') throw new RangeError(`component ${c.component.name}.${name}: an f64 field needs a { scale } encoding or 'skip'`);
      const length = f.length ?? 1;
      const isHot = c.replicate.hot.includes(name);
      for (let e = 0; e < length; e++) {
        (isHot ? hot : cold).push(Object.freeze({ component: c.component.name, componentId: c.id, field: name, element: e, length, kind: f.kind, encoding, hot: isHot, priority: c.replicate.priority }));
      }
    }
  }
  const fields = Object.freeze([...hot, ...cold]);
  if (fields.length > maxFields) throw new RangeError(`entity layout has ${fields.length} wire fields; at most ${maxFields} (mark fields 'skip')`);
  const components = def.components
    .filter((c) => fields.some((f) => f.componentId === c.id))
    .map((c) => Object.freeze({ name: c.component.name, id: c.id, indices: Object.freeze(fields.flatMap((f, i) => (f.componentId === c.id ? [i] : []))) }));
  const at = (component: string, field: string) => fields.findIndex((f) => f.component === component && f.field === field);
  const motion: MotionFields = Object.freeze({
    x: at('Transform', 'x'), y: at('Transform', 'y'), z: at('Transform', 'z'), vx: at('Velocity', 'x'), vy: at('Velocity', 'y'),
    vz: at('Velocity', 'z'), onGround: at('Player', 'onGround'), yaw: at('Transform', 'yaw'),
  });
  const fullBytes = fields.reduce((n, f) => n + (typeof f.encoding === 'object' && f.encoding.wrap !== undefined ? Math.ceil(Math.log2(f.encoding.wrap) / 8) : KIND_BYTES[f.kind]), 0);
  return Object.freeze({ fields, components: Object.freeze(components), motion, zero: fields.length <= MAX_WIRE_FIELDS ? zeroState(fields.length) : Object.freeze({ id: 0, v: Object.freeze(new Array<number>(fields.length).fill(0)) as number[] }), fullBytes });
}

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

/** One value as it goes on the wire (an int32). */
export function quantizeField(f: WireField, value: number): number {
  const e = f.encoding;
  if (e === 'exact') {
    if (f.kind === 'f32') { F32[0] = value; return I32[0]; }
    return value | 0;
  }
  const q = Math.round(value * e.scale);
  return (e.wrap === undefined ? q : ((q % e.wrap) + e.wrap) % e.wrap) | 0;
}

/** A wire value back as the field's value (`'exact'`: the value itself; `{ scale }`: `q / scale`). */
export function dequantizeField(f: WireField, q: number): number {
  const e = f.encoding;
  if (e === 'exact') {
    if (f.kind === 'f32') { I32[0] = q; return F32[0]; }
    return f.kind === 'u32' ? q >>> 0 : q;
  }
  return q / e.scale;
}

type AnyStores = Readonly<Record<string, Readonly<Record<string, ArrayLike<number>>> | undefined>>;

/**
 * The replicated state of entity `eid` in `layout`: its network id and each wire field's value quantized; zeros for
 * the fields of components the entity does not have. Throws RangeError when the world has no store for one of the
 * layout's components.
 */
export function readEntityState(layout: EntityLayout, ecs: EcsWorld, eid: number): EntityState {
  const stores = ecs.stores as unknown as AnyStores;
  const v = new Array<number>(layout.fields.length);
  for (const c of layout.components) {
    const store = stores[c.name];
    if (!store) throw new RangeError(`the world has no store for replicated component ${c.name}`);
    const has = hasComponent(ecs, eid, store);
    for (const i of c.indices) {
      const f = layout.fields[i];
      v[i] = has ? quantizeField(f, store[f.field][eid * f.length + f.element]) + 0 : 0;
    }
  }
  return { id: ecs.stores.NetworkId.id[eid], v };
}

/** A component's values: each field's value, or for an array field the list of its elements. */
export type ComponentValues = Record<string, number | number[]>;

/** The values of component `name` in `state`, dequantized (yaw and other wrapped fields in [0, wrap / scale)); undefined when the layout does not carry it. */
export function componentValues(layout: EntityLayout, state: Readonly<EntityState>, name: string): ComponentValues | undefined {
  const c = layout.components.find((x) => x.name === name);
  if (!c) return undefined;
  const out: ComponentValues = {};
  for (const i of c.indices) {
    const f = layout.fields[i];
    const value = dequantizeField(f, state.v[i]);
    if (f.length === 1) out[f.field] = value;
    else ((out[f.field] ??= new Array<number>(f.length).fill(0)) as number[])[f.element] = value;
  }
  return out;
}
