/**
 * Quantization for replication: positions to 1/16 block, yaw and pitch to 256 steps, velocities to 1/16 block per
 * second. Quantized values are integers, so deltas between them are exact and small. They are never -0 (`Math.round`
 * of a small negative number is -0, which the wire cannot carry: a client would hold 0 where the server holds -0, and
 * `Object.is`-based comparisons such as deep equality in tests would call them different); adding 0 turns -0 into 0.
 */
import { PITCH_LIMIT, YAW_STEPS } from '../input.ts';

/** Position units per block. */
export const POSITION_SCALE = 16;
/** Velocity units per block per second. */
export const VELOCITY_SCALE = 16;
/** Yaw steps on the wire per full turn. */
export const WIRE_YAW_STEPS = 256;

/** Block coordinate -> integer 1/16 units (nearest). */
export function quantizePosition(v: number): number {
  return Math.round(v * POSITION_SCALE) + 0;
}

/** Integer 1/16 units -> block coordinate. */
export function dequantizePosition(q: number): number {
  return q / POSITION_SCALE;
}

/** Blocks per second -> integer 1/16 units (nearest). */
export function quantizeVelocity(v: number): number {
  return Math.round(v * VELOCITY_SCALE) + 0;
}

/** Integer 1/16 units -> blocks per second. */
export function dequantizeVelocity(q: number): number {
  return q / VELOCITY_SCALE;
}

/** Simulation yaw step [0, YAW_STEPS) -> wire yaw [0, 256). */
export function quantizeYaw(step: number): number {
  return Math.round((step * WIRE_YAW_STEPS) / YAW_STEPS) % WIRE_YAW_STEPS;
}

/** Wire yaw -> simulation yaw step. */
export function dequantizeYaw(q: number): number {
  return (q * YAW_STEPS) / WIRE_YAW_STEPS;
}

/** Simulation pitch step [-PITCH_LIMIT, PITCH_LIMIT] -> wire pitch [-128, 128]. */
export function quantizePitch(step: number): number {
  return Math.round((step * 128) / PITCH_LIMIT) + 0;
}

/** Wire pitch -> simulation pitch step. */
export function dequantizePitch(q: number): number {
  return (q * PITCH_LIMIT) / 128;
}
