/**
 * Dead reckoning for entity deltas: where an entity is expected to be some ticks after a baseline, from the
 * baseline's own quantized velocity (and gravity while airborne). Entity deltas are written against this expected
 * state instead of the raw baseline, so an entity that keeps walking, or keeps falling, sends small or no position
 * and vertical-velocity deltas. Server and client run this same function on the same integers (only + - * /,
 * Math.round and Math.max, as the determinism rules allow), so the result is identical on both sides and the
 * deltas stay exact.
 */
import { EntityFlag, type EntityState } from '../codec/entity-delta.ts';
import { POSITION_SCALE, VELOCITY_SCALE } from '../codec/quantize.ts';
import { GRAVITY, TERMINAL_SPEED } from '../physics/controller.ts';
import { TICK_HZ } from '../tick.ts';

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
 * character controller's step. Every other field is the base's. Returns `base` itself when nothing would change.
 */
export function extrapolateState(base: Readonly<EntityState>, ticks: number): Readonly<EntityState> {
  const airborne = (base.flags & EntityFlag.OnGround) === 0;
  if (ticks <= 0 || (base.vx === 0 && base.vz === 0 && !airborne && base.vy === 0)) return base;
  const n = Math.min(ticks, MAX_EXTRAPOLATION_TICKS);
  let y = base.y, vy = base.vy;
  if (airborne) {
    for (let i = 0; i < n; i++) {
      vy = Math.max(-TERMINAL, vy - GRAVITY_PER_TICK);
      y += vy * UNITS_PER_TICK;
    }
  } else {
    y += vy * UNITS_PER_TICK * n;
  }
  // `+ 0` turns a -0 from Math.round into 0, so the expected state compares equal to a quantized one.
  return {
    ...base,
    x: base.x + Math.round(base.vx * UNITS_PER_TICK * n) + 0,
    y: Math.round(y) + 0,
    z: base.z + Math.round(base.vz * UNITS_PER_TICK * n) + 0,
    vy: Math.round(vy) + 0,
  };
}
