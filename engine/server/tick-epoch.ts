/**
 * Ticking in step with other servers: with a shared epoch, tick n of every server falls due at wall time
 * `epochMs + n * TICK_MS`, so servers that start at different moments still run the same tick numbers at the same
 * moments (a hand-off names the tick the receiving server adopts a player at). Only the loop's phase and the first
 * tick number come from the wall clock; the simulation never reads it.
 */
import { TICK_MS, type Tick } from '../tick.ts';

/** Largest network id base (network ids are u32 on the wire; a base this high leaves room for ~3 billion ids). */
export const MAX_NET_ID_BASE = 2 ** 30;

/** Throws a RangeError naming the option unless `base` is an integer in 1..{@link MAX_NET_ID_BASE}. */
export function checkNetIdBase(base: number): number {
  if (!Number.isInteger(base) || base < 1 || base > MAX_NET_ID_BASE) {
    throw new RangeError(`netIdBase must be an integer in 1..${MAX_NET_ID_BASE}, got ${base}`);
  }
  return base;
}

/** Throws a RangeError naming the option unless `epochMs` is a finite number of milliseconds >= 0. */
export function checkTickEpoch(epochMs: number): number {
  if (typeof epochMs !== 'number' || !Number.isFinite(epochMs) || epochMs < 0) {
    throw new RangeError(`tickEpochMs must be a finite number of milliseconds >= 0 (wall time of tick 0), got ${epochMs}`);
  }
  return epochMs;
}

/** Where a server joins the shared schedule: the next tick to run and how long until it is due. */
export interface EpochStart {
  /** The tick to run next (never below the world's current tick). */
  tick: Tick;
  /** Milliseconds from now until it is due (>= 0; beyond one tick only when the world is ahead of the schedule). */
  dueInMs: number;
}

/**
 * The first tick due at or after wall time `nowMs` on the schedule of `epochMs` (not below `worldTick`, the next tick
 * the world would run), and the wait until it is due.
 */
export function epochStart(epochMs: number, nowMs: number, worldTick: Tick): EpochStart {
  if (!Number.isFinite(nowMs)) throw new RangeError(`wallClock returned ${nowMs}; it must return finite milliseconds`);
  const due = Math.max(0, Math.ceil((nowMs - epochMs) / TICK_MS));
  const tick = Math.max(worldTick, due);
  // A world already ahead of the schedule waits for its tick's slot.
  return { tick, dueInMs: Math.max(0, epochMs + tick * TICK_MS - nowMs) };
}
