/**
 * Dead reckoning for entity deltas: where an entity is expected to be some ticks after a baseline, from the
 * baseline's own quantized velocity (and gravity while airborne). Entity deltas are written against this expected
 * state instead of the raw baseline, so an entity that keeps walking, or keeps falling, sends small or no position
 * and vertical-velocity deltas. Server and client run this same function on the same integers (only + - * /,
 * Math.round and Math.max, as the determinism rules allow), so the result is identical on both sides and the
 * deltas stay exact.
 */
import type { EntityState } from '../codec/entity-delta.ts';
import { POSITION_SCALE, VELOCITY_SCALE } from '../codec/quantize.ts';
import { GRAVITY, TERMINAL_SPEED } from '../physics/controller.ts';
import { TICK_HZ } from '../tick.ts';
import type { MotionFields } from './entity-layout.ts';

/** Position units moved per velocity unit per tick. */
const UNITS_PER_TICK = POSITION_SCALE / (VELOCITY_SCALE * TICK_HZ);
/** Velocity units gained downwards per tick of falling. */
const GRAVITY_PER_TICK = (GRAVITY * VELOCITY_SCALE) / TICK_HZ;
/** Fastest fall, velocity units. */
const TERMINAL = TERMINAL_SPEED * VELOCITY_SCALE;

/** Most ticks extrapolated; a longer gap extrapolates this far (both sides agree, so any bound is exact). */
export const MAX_EXTRAPOLATION_TICKS = 64;

/**
 * The state expected `ticks` (> 0) after `base`: x and z moved by the horizontal velocity; when the base is not on
 * the ground, vy decreased by gravity each tick (down to terminal speed) and y moved by it, in the order of the
 * character controller's step. Every other field is the base's. Returns `base` itself when nothing would change, or
 * when the layout (`m`, its motion fields) lacks a position or velocity. A layout without an on-ground field counts
 * every entity as on the ground (no gravity).
 */
export function extrapolateState(base: Readonly<EntityState>, ticks: number, m: MotionFields): Readonly<EntityState> {
  if (ticks <= 0 || m.x < 0 || m.y < 0 || m.z < 0 || m.vx < 0 || m.vy < 0 || m.vz < 0) return base;
  const b = base.v;
  const airborne = m.onGround >= 0 && b[m.onGround] === 0;
  if (b[m.vx] === 0 && b[m.vz] === 0 && !airborne && b[m.vy] === 0) return base;
  const n = Math.min(ticks, MAX_EXTRAPOLATION_TICKS);
  let y = b[m.y], vy = b[m.vy];
  if (airborne) {
    for (let i = 0; i < n; i++) {
      vy = Math.max(-TERMINAL, vy - GRAVITY_PER_TICK);
      y += vy * UNITS_PER_TICK;
    }
  } else {
    y += vy * UNITS_PER_TICK * n;
  }
  // `+ 0` turns a -0 from Math.round into 0, so the expected state compares equal to a quantized one.
  const v = b.slice();
  v[m.x] = b[m.x] + Math.round(b[m.vx] * UNITS_PER_TICK * n) + 0;
  v[m.y] = Math.round(y) + 0;
  v[m.z] = b[m.z] + Math.round(b[m.vz] * UNITS_PER_TICK * n) + 0;
  v[m.vy] = Math.round(vy) + 0;
  return { id: base.id, v };
}
