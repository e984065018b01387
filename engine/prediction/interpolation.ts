/**
 * Interpolation of remote entities: snapshots arrive by server tick; the client draws each remote entity at a
 * render time about 100 ms (2 ticks) in the past, lerping position between the two snapshots around it and turning
 * yaw along the shortest arc. Past the newest snapshot it extrapolates for a bounded time, then holds.
 */
import { YAW_STEPS } from '../input.ts';
import type { Tick } from '../tick.ts';

/** How far behind the newest server tick remote entities are drawn, in ticks (100 ms). */
export const INTERPOLATION_DELAY_TICKS = 2;

/** Most ticks of extrapolation past the newest snapshot before holding still (150 ms). */
export const MAX_EXTRAPOLATION_TICKS = 3;

/** Snapshots kept per entity. */
const CAPACITY = 32;

/** One entity's recent snapshots (a ring, oldest overwritten). */
export interface SnapshotBuffer {
  /** Server tick of each slot (-1 = empty). */
  readonly ticks: Int32Array;
  /** Positions, 3 per slot. */
  readonly pos: Float64Array;
  /** Yaw steps per slot. */
  readonly yaw: Float64Array;
  /** Newest tick stored (-1 when empty). */
  newest: Tick;
}

/** A sampled pose. */
export interface Pose {
  /** Position x, blocks. */
  x: number;
  /** Position y, blocks. */
  y: number;
  /** Position z, blocks. */
  z: number;
  /** Yaw in steps (fractional), [0, YAW_STEPS). */
  yaw: number;
}

/** Creates an empty buffer. */
export function createSnapshotBuffer(): SnapshotBuffer {
  return { ticks: new Int32Array(CAPACITY).fill(-1), pos: new Float64Array(CAPACITY * 3), yaw: new Float64Array(CAPACITY), newest: -1 };
}

/** Stores the entity's pose at server tick `tick` (older-than-window or repeated ticks are ignored). */
export function pushSnapshot(buf: SnapshotBuffer, tick: Tick, x: number, y: number, z: number, yaw: number): void {
  if (tick <= buf.newest - CAPACITY) return;
  const i = tick % CAPACITY;
  buf.ticks[i] = tick;
  buf.pos[i * 3] = x; buf.pos[i * 3 + 1] = y; buf.pos[i * 3 + 2] = z;
  buf.yaw[i] = yaw;
  if (tick > buf.newest) buf.newest = tick;
}

function slotOf(buf: SnapshotBuffer, tick: Tick): number {
  const i = ((tick % CAPACITY) + CAPACITY) % CAPACITY;
  return buf.ticks[i] === tick ? i : -1;
}

/** Yaw difference b - a along the shortest arc, in steps, in [-YAW_STEPS/2, YAW_STEPS/2). */
export function yawDelta(a: number, b: number): number {
  const half = YAW_STEPS / 2;
  return ((((b - a + half) % YAW_STEPS) + YAW_STEPS) % YAW_STEPS) - half;
}

function blend(buf: SnapshotBuffer, a: number, b: number, t: number, out: Pose): Pose {
  out.x = buf.pos[a * 3] + (buf.pos[b * 3] - buf.pos[a * 3]) * t;
  out.y = buf.pos[a * 3 + 1] + (buf.pos[b * 3 + 1] - buf.pos[a * 3 + 1]) * t;
  out.z = buf.pos[a * 3 + 2] + (buf.pos[b * 3 + 2] - buf.pos[a * 3 + 2]) * t;
  const yaw = buf.yaw[a] + yawDelta(buf.yaw[a], buf.yaw[b]) * t;
  out.yaw = ((yaw % YAW_STEPS) + YAW_STEPS) % YAW_STEPS;
  return out;
}

/**
 * Samples the pose at fractional server tick `renderTick` into `out`. Returns false when the buffer is empty.
 * Between snapshots: linear; missing snapshots in between are bridged by the nearest known ones; past the newest:
 * extrapolated along the last step for at most {@link MAX_EXTRAPOLATION_TICKS}, then held.
 */
export function samplePose(buf: SnapshotBuffer, renderTick: number, out: Pose): boolean {
  if (buf.newest < 0) return false;
  const newest = slotOf(buf, buf.newest);
  if (renderTick >= buf.newest) {
    // Extrapolate from the two newest snapshots, bounded.
    let prevTick = buf.newest - 1;
    while (prevTick > buf.newest - CAPACITY && slotOf(buf, prevTick) < 0) prevTick--;
    const prev = slotOf(buf, prevTick);
    if (prev < 0) return blend(buf, newest, newest, 0, out), true;
    const ahead = Math.min(renderTick - buf.newest, MAX_EXTRAPOLATION_TICKS);
    return blend(buf, prev, newest, 1 + ahead / (buf.newest - prevTick), out), true;
  }
  const base = Math.floor(renderTick);
  let lo = base;
  while (lo > buf.newest - CAPACITY && slotOf(buf, lo) < 0) lo--;
  let hi = base + 1;
  while (hi < buf.newest && slotOf(buf, hi) < 0) hi++;
  const a = slotOf(buf, lo), b = slotOf(buf, hi);
  if (a < 0) return blend(buf, b, b, 0, out), true;
  return blend(buf, a, b, (renderTick - lo) / (hi - lo), out), true;
}

/** Distance, in blocks, beyond which the drawn pose jumps instead of following (a teleport, a respawn). */
export const SNAP_DISTANCE = 8;

/**
 * Moves the drawn pose `drawn` towards the sampled pose `target` by at most `maxHorizontal` blocks across and
 * `maxVertical` blocks up or down (the entity's top speeds times the frame time), so that corrections after an
 * extrapolation never show as a jump; yaw follows at once. Farther than {@link SNAP_DISTANCE} away it jumps (a
 * real teleport).
 */
export function followPose(drawn: Pose, target: Pose, maxHorizontal: number, maxVertical: number = maxHorizontal): void {
  const dx = target.x - drawn.x, dy = target.y - drawn.y, dz = target.z - drawn.z;
  drawn.yaw = target.yaw;
  if (Math.sqrt(dx * dx + dy * dy + dz * dz) > SNAP_DISTANCE) {
    drawn.x = target.x; drawn.y = target.y; drawn.z = target.z;
    return;
  }
  const h = Math.sqrt(dx * dx + dz * dz);
  const k = h <= maxHorizontal ? 1 : maxHorizontal / h;
  drawn.x += dx * k; drawn.z += dz * k;
  drawn.y += Math.max(-maxVertical, Math.min(maxVertical, dy));
}
