/**
 * Components in the protocol definition: a component schema (engine/ecs/schema.ts) with an explicit wire id and a
 * replication spec: who receives it, how each field is written, and a priority weight. The engine's built-ins are
 * declared here exactly as a user declares theirs. The entity layout (engine/replication/entity-layout.ts) is made
 * from these specs: which fields go on the wire, in which order, and how each is quantized.
 */
import { POSITION_SCALE, VELOCITY_SCALE, WIRE_YAW_STEPS } from '../codec/quantize.ts';
import { COMPONENTS, EntityKind, Health, HeldItem, Inventory, NetworkId, Player, Transform, Velocity } from '../ecs/components.ts';
import type { ComponentSchema } from '../ecs/schema.ts';
import { PITCH_LIMIT, YAW_STEPS } from '../input.ts';

/** Component ids the engine keeps for its built-ins. */
export const BUILTIN_COMPONENT_IDS = { min: 1, max: 31 } as const;
/** Component ids for user components. */
export const USER_COMPONENT_IDS = { min: 32, max: 255 } as const;

/**
 * How a field is written on the wire: `'exact'` sends the value as it is (integers exactly, floats as their bits);
 * `'skip'` keeps the field on the server; `{ scale, wrap }` sends the integer `round(value * scale)` (fixed point:
 * scale 16 is 1/16 unit), reduced modulo `wrap` when given (angles).
 */
export type FieldEncoding = 'exact' | 'skip' | { readonly scale: number; readonly wrap?: number };

/** Who receives a component's state: every client that sees the entity, only the entity's owner, or nobody. */
export type Audience = 'all' | 'owner' | 'none';

/** How a component replicates, as declared. */
export interface ReplicationSpec<S extends ComponentSchema = ComponentSchema> {
  /** Who receives it. */
  readonly to: Audience;
  /** Relative weight when a client's bandwidth budget is short: higher goes first (default 1; > 0). */
  readonly priority?: number;
  /** Per-field encoding by field name; a field not named is sent `'exact'`. */
  readonly fields?: { readonly [K in keyof S['fields']]?: FieldEncoding };
  /**
   * Fields that change every update while an entity moves (default none). They take the lowest bits of the entity
   * record's field mask, so that a record changing only them has a one-byte header: at most 6 hot fields in a whole
   * definition keep that true (the engine's are Transform x, y, z and Velocity x, y, z). Part of the schema hash.
   */
  readonly hot?: readonly (keyof S['fields'] & string)[];
}

/** A component in a protocol definition, as declared. */
export interface ComponentDef<S extends ComponentSchema = ComponentSchema> {
  /** Wire id: {@link BUILTIN_COMPONENT_IDS} for the engine's, {@link USER_COMPONENT_IDS} for a user's. */
  readonly id: number;
  /** The schema (fields as the ECS lays them out). */
  readonly component: S;
  /** How it replicates. */
  readonly replicate: ReplicationSpec<S>;
}

/** A component in a definition, with its replication resolved: every field has an encoding. */
export interface ProtocolComponent {
  /** Wire id. */
  readonly id: number;
  /** The schema. */
  readonly component: ComponentSchema;
  /** Resolved replication. */
  readonly replicate: {
    /** Who receives it. */
    readonly to: Audience;
    /** Priority weight, > 0. */
    readonly priority: number;
    /** The encoding of every field, by name. */
    readonly fields: Readonly<Record<string, FieldEncoding>>;
    /** The hot fields (see {@link ReplicationSpec.hot}), in name order. */
    readonly hot: readonly string[];
  };
}

/** Declares a replicated component (keeps the schema's field names for the spec's type). */
export function replicated<S extends ComponentSchema>(id: number, component: S, replicate: ReplicationSpec<S>): ComponentDef<S> {
  return { id, component, replicate };
}

const POSITION: FieldEncoding = { scale: POSITION_SCALE };
const VELOCITY: FieldEncoding = { scale: VELOCITY_SCALE };

/**
 * The engine's components with their replication. Transform and Velocity in fixed point (engine/codec/quantize.ts),
 * their positions and velocities hot; the ground flag, health and the held item to everyone; the hotbar to its owner;
 * the network id is the record's address on the wire and the entity kind goes in EntitySpawn, so neither is a
 * replicated value.
 */
export const BUILTIN_COMPONENTS = [
  replicated(1, Transform, {
    to: 'all',
    fields: { x: POSITION, y: POSITION, z: POSITION, yaw: { scale: WIRE_YAW_STEPS / YAW_STEPS, wrap: WIRE_YAW_STEPS }, pitch: { scale: 128 / PITCH_LIMIT } },
    hot: ['x', 'y', 'z'],
  }),
  replicated(2, Velocity, { to: 'all', fields: { x: VELOCITY, y: VELOCITY, z: VELOCITY }, hot: ['x', 'y', 'z'] }),
  replicated(3, Player, { to: 'all', fields: { buttons: 'skip', lastInputTick: 'skip', edits: 'skip' } }),
  replicated(4, Health, { to: 'all', fields: { max: 'skip' } }),
  replicated(5, Inventory, { to: 'owner' }),
  replicated(6, NetworkId, { to: 'none' }),
  replicated(7, EntityKind, { to: 'none' }),
  replicated(8, HeldItem, { to: 'all' }),
] as const satisfies readonly ComponentDef[];

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function checkEncoding(what: string, e: unknown): FieldEncoding {
  if (e === 'exact' || e === 'skip') return e;
  if (typeof e !== 'object' || e === null) throw new RangeError(`${what}: encoding must be 'exact', 'skip' or { scale, wrap? }`);
  const { scale, wrap } = e as { scale: unknown; wrap?: unknown };
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) throw new RangeError(`${what}: scale must be a finite number > 0`);
  if (wrap !== undefined && !(Number.isInteger(wrap) && (wrap as number) >= 2)) throw new RangeError(`${what}: wrap must be an integer >= 2`);
  return Object.freeze(wrap === undefined ? { scale } : { scale, wrap: wrap as number });
}

/** Checks and resolves one declaration; throws RangeError naming the component. */
function resolveComponent(d: ComponentDef): ProtocolComponent {
  const c = d.component;
  const what = `component ${c?.name ?? '?'} (id ${d.id})`;
  if (!c || typeof c.name !== 'string' || !NAME.test(c.name) || typeof c.fields !== 'object') throw new RangeError(`${what}: not a component schema with a name matching ${NAME}`);
  if (!Number.isInteger(d.id) || d.id < BUILTIN_COMPONENT_IDS.min || d.id > USER_COMPONENT_IDS.max) throw new RangeError(`${what}: id must be an integer in ${BUILTIN_COMPONENT_IDS.min}..${USER_COMPONENT_IDS.max}`);
  const spec = d.replicate;
  if (!spec || !['all', 'owner', 'none'].includes(spec.to)) throw new RangeError(`${what}: replicate.to must be 'all', 'owner' or 'none'`);
  const priority = spec.priority ?? 1;
  if (typeof priority !== 'number' || !Number.isFinite(priority) || priority <= 0) throw new RangeError(`${what}: priority must be a finite number > 0`);
  const declared = (spec.fields ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(declared)) {
    if (!Object.hasOwn(c.fields, name)) throw new RangeError(`${what}: replicate.fields names ${name}, which is not a field`);
  }
  const fields: Record<string, FieldEncoding> = {};
  for (const name of Object.keys(c.fields)) {
    if (!NAME.test(name)) throw new RangeError(`${what}: field name ${JSON.stringify(name)} must match ${NAME}`);
    fields[name] = checkEncoding(`${what}.${name}`, declared[name] ?? 'exact');
  }
  const hot = [...new Set(spec.hot ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of hot) {
    if (!Object.hasOwn(c.fields, name)) throw new RangeError(`${what}: replicate.hot names ${String(name)}, which is not a field`);
    if (fields[name] === 'skip') throw new RangeError(`${what}: replicate.hot names ${String(name)}, which is 'skip'`);
  }
  return Object.freeze({ id: d.id, component: c, replicate: Object.freeze({ to: spec.to, priority, fields: Object.freeze(fields), hot: Object.freeze(hot) }) });
}

/**
 * Checks the components section: ids and names unique, every built-in present with its id (the engine's world
 * always lays them out), user components in {@link USER_COMPONENT_IDS}. Returns them resolved, in id order.
 */
export function resolveComponents(defs: readonly ComponentDef[]): readonly ProtocolComponent[] {
  const byId = new Map<number, ProtocolComponent>();
  const names = new Set<string>();
  const builtinId = new Map<ComponentSchema, number>(BUILTIN_COMPONENTS.map((b) => [b.component, b.id]));
  for (const d of defs) {
    const r = resolveComponent(d);
    const name = r.component.name;
    if (byId.has(r.id)) throw new RangeError(`component id ${r.id} given twice (${byId.get(r.id)!.component.name}, ${name})`);
    if (names.has(name)) throw new RangeError(`component name ${name} given twice`);
    const builtin = builtinId.get(r.component);
    if (builtin !== undefined && builtin !== r.id) throw new RangeError(`component ${name}: the built-in has id ${builtin}, not ${r.id}`);
    if (builtin === undefined) {
      if (COMPONENTS.some((b) => b.name === name)) throw new RangeError(`component ${name}: a user component cannot take a built-in's name`);
      if (r.id < USER_COMPONENT_IDS.min) throw new RangeError(`component ${name}: user component ids are ${USER_COMPONENT_IDS.min}..${USER_COMPONENT_IDS.max}, got ${r.id}`);
    }
    byId.set(r.id, r);
    names.add(name);
  }
  const missing = COMPONENTS.filter((b) => !byId.has(builtinId.get(b)!) || byId.get(builtinId.get(b)!)!.component !== b).map((b) => b.name);
  if (missing.length) throw new RangeError(`every built-in component must be declared (missing: ${missing.join(', ')}); start from [...BUILTIN_COMPONENTS, ...]`);
  return Object.freeze([...byId.values()].sort((a, b) => a.id - b.id));
}
