/**
 * Entity states in the game's entity layout (game/protocol.ts), written by the short names the tests used before the
 * layout existed (x, y, z, vx, vy, vz, yaw, pitch, health, item, flags), and read back the same way.
 */
import type { EntityState } from '../../engine/codec/entity-delta.ts';
import { createEntityLayout } from '../../engine/replication/entity-layout.ts';
import { GAME_PROTOCOL } from '../../game/protocol.ts';

/** The game's entity layout. */
export const GAME_LAYOUT = createEntityLayout(GAME_PROTOCOL);

/** Short names of the game's wire fields. */
export const SHORT_NAMES = {
  x: 'Transform.x', y: 'Transform.y', z: 'Transform.z', yaw: 'Transform.yaw', pitch: 'Transform.pitch', vx: 'Velocity.x',
  vy: 'Velocity.y', vz: 'Velocity.z', health: 'Health.current', item: 'HeldItem.item', flags: 'Player.onGround',
} as const;

/** A short name. */
export type ShortName = keyof typeof SHORT_NAMES;

/** A state by short names. */
export type Named = { id: number } & Record<ShortName, number>;

const index = Object.fromEntries(Object.entries(SHORT_NAMES).map(([k, full]) => {
  const [c, f] = full.split('.');
  const i = GAME_LAYOUT.fields.findIndex((w) => w.component === c && w.field === f);
  if (i < 0) throw new Error(`the game layout has no ${full}`);
  return [k, i];
})) as Record<ShortName, number>;

/** The state with these values (fields not given are 0). */
export function stateOf(n: Partial<Named> & { id: number }): EntityState {
  const v = GAME_LAYOUT.zero.v.slice();
  for (const k of Object.keys(SHORT_NAMES) as ShortName[]) if (n[k] !== undefined) v[index[k]] = n[k]!;
  return { id: n.id, v };
}

/** The values of a state by short name. */
export function named(s: Readonly<EntityState>): Named {
  const out = { id: s.id } as Named;
  for (const k of Object.keys(SHORT_NAMES) as ShortName[]) out[k] = s.v[index[k]];
  return out;
}
