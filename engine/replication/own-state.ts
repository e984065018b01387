/**
 * A player's own component values on the wire (OwnState): the components replicated to the owner or to all, except
 * the body PlayerState already carries every tick ({@link BODY_COMPONENTS}), in their own entity layout. The server
 * sends, on the reliable chunk stream, the components whose values changed since its last OwnState to that client;
 * absolute values, so nothing needs acknowledging. Only the owner receives them.
 *
 * `OwnState.data`: uvar component count, then per component in id order: uvar component id, then each of its wire
 * fields (layout order) as svar of the int32 value.
 */
import { createByteReader, createByteWriter, readVarint, readZigzag, remaining, writeVarint, writeZigzag, written } from '../codec/byte-io.ts';
import { CodecError } from '../codec/codec-error.ts';
import type { EntityState } from '../codec/entity-delta.ts';
import type { ProtocolDefinition } from '../protocol/define.ts';
import { BODY_COMPONENTS, MAX_OWN_FIELDS, createEntityLayout, type EntityLayout } from './entity-layout.ts';

/** The layout of a player's own state: components to 'owner' or 'all', minus the body; up to MAX_OWN_FIELDS fields. */
export function createOwnLayout(def: ProtocolDefinition): EntityLayout {
  return createEntityLayout(def, ['all', 'owner'], BODY_COMPONENTS, MAX_OWN_FIELDS);
}

/**
 * Encodes the components of `state` whose values differ from `sent` (every component when `sent` is undefined);
 * null when none did.
 */
export function encodeOwnState(layout: EntityLayout, state: Readonly<EntityState>, sent: Readonly<EntityState> | undefined): Uint8Array | null {
  const changed = layout.components.filter((c) => !sent || c.indices.some((i) => sent.v[i] !== state.v[i]));
  if (changed.length === 0) return null;
  const w = createByteWriter(64);
  writeVarint(w, changed.length);
  for (const c of changed) {
    writeVarint(w, c.id);
    for (const i of c.indices) writeZigzag(w, state.v[i]);
  }
  return written(w).slice();
}

/**
 * Decodes `data` into `held` (the owner's values in `layout` order, updated in place) and returns the names of the
 * components it carried. Throws {@link CodecError} on an unknown component, a truncated body or trailing bytes;
 * `held` is then unchanged.
 */
export function applyOwnState(layout: EntityLayout, held: number[], data: Uint8Array): string[] {
  const r = createByteReader(data, 'own state', 0, data.length, (m) => new CodecError(m));
  const n = readVarint(r);
  if (n > layout.components.length) throw new CodecError(`own state of ${n} components; the layout has ${layout.components.length}`);
  const next = held.slice();
  const names: string[] = [];
  for (let k = 0; k < n; k++) {
    const id = readVarint(r);
    const c = layout.components.find((x) => x.id === id);
    if (!c) throw new CodecError(`own state: component ${id} is not in the owner's layout`);
    for (const i of c.indices) next[i] = readZigzag(r) | 0;
    names.push(c.name);
  }
  if (remaining(r) !== 0) throw new CodecError(`${remaining(r)} trailing byte(s) in own state`);
  for (let i = 0; i < next.length; i++) held[i] = next[i];
  return names;
}
