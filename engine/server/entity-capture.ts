/**
 * Every component of one entity as bytes, and back: what a hand-off carries so that the receiving server's copy of
 * the entity is bit for bit the sender's (every store of the world's component layout, not only the replicated
 * fields). Each field is copied as its raw bytes, so floats (NaN payloads included) survive exactly.
 */
import { addComponent, hasComponent } from 'bitecs';
import type { EcsWorld } from '../ecs/world.ts';
import { spawnEntity } from '../ecs/world.ts';

/** One component of an entity: its name and each field's bytes, in the schema's field order. */
export type CapturedComponent = [name: string, fields: Uint8Array[]];

type RawStore = Record<string, ArrayBufferView & { length: number }>;

/** The bytes of `eid`'s elements in `arr` (a view: copy before keeping). */
function fieldBytes(arr: ArrayBufferView & { length: number }, eid: number, per: number): Uint8Array {
  const bpe = (arr as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  return new Uint8Array(arr.buffer, arr.byteOffset + eid * per * bpe, per * bpe);
}

/** Every component `eid` has, in layout order, with copies of its fields' bytes. */
export function captureComponents(ecs: EcsWorld, eid: number): CapturedComponent[] {
  const stores = ecs.stores as unknown as Record<string, RawStore>;
  const out: CapturedComponent[] = [];
  for (const schema of ecs.schemas) {
    const store = stores[schema.name];
    if (!hasComponent(ecs, eid, store)) continue;
    out.push([schema.name, Object.entries(schema.fields).map(([f, def]) => fieldBytes(store[f], eid, def.length ?? 1).slice())]);
  }
  return out;
}

/**
 * Checks `components` against the world's layout: each a known component, no repeats, every field present with its
 * byte length. Returns why not, or undefined when they fit.
 */
export function componentsProblem(ecs: EcsWorld, components: unknown): string | undefined {
  if (!Array.isArray(components)) return 'components is not a list';
  const seen = new Set<string>();
  for (const c of components) {
    if (!Array.isArray(c) || typeof c[0] !== 'string' || !Array.isArray(c[1])) return 'a component is not [name, fields]';
    const [name, fields] = c as [string, unknown[]];
    const schema = ecs.schemas.find((s) => s.name === name);
    if (!schema) return `component ${name} is not in this server's layout`;
    if (seen.has(name)) return `component ${name} appears twice`;
    seen.add(name);
    const defs = Object.entries(schema.fields);
    if (fields.length !== defs.length) return `component ${name} has ${fields.length} fields; this server's has ${defs.length}`;
    const stores = ecs.stores as unknown as Record<string, RawStore>;
    for (let i = 0; i < defs.length; i++) {
      const want = fieldBytes(stores[name][defs[i][0]], 0, defs[i][1].length ?? 1).length;
      const got = fields[i];
      if (!(got instanceof Uint8Array) || got.length !== want) return `${name}.${defs[i][0]}: expected ${want} bytes`;
    }
  }
  return undefined;
}

/**
 * Adds a new entity with `components` (checked with {@link componentsProblem} first: throws RangeError naming the
 * problem) and returns its entity id.
 */
export function restoreComponents(ecs: EcsWorld, components: readonly CapturedComponent[]): number {
  const problem = componentsProblem(ecs, components);
  if (problem) throw new RangeError(`entity state: ${problem}`);
  const stores = ecs.stores as unknown as Record<string, RawStore>;
  const eid = spawnEntity(ecs);
  for (const [name, fields] of components) {
    const schema = ecs.schemas.find((s) => s.name === name)!;
    addComponent(ecs, eid, stores[name]);
    Object.entries(schema.fields).forEach(([f, def], i) => fieldBytes(stores[name][f], eid, def.length ?? 1).set(fields[i]));
  }
  return eid;
}
