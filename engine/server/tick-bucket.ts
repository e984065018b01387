/**
 * A token bucket counted in server ticks (never the wall clock, so budgets behave the same in tests and replays):
 * it holds at most `capacity` tokens and gains `perTick` tokens per tick; each counted message takes one.
 */
import type { Tick } from '../tick.ts';

/** A bucket of message tokens. */
export interface TickBucket {
  /** Most tokens held (the burst). */
  readonly capacity: number;
  /** Tokens gained per server tick. */
  readonly perTick: number;
  /** Tokens now (as of `at`). */
  tokens: number;
  /** The tick `tokens` was last brought up to date. */
  at: Tick;
}

/** Creates a full bucket at `tick`. */
export function createTickBucket(capacity: number, perTick: number, tick: Tick): TickBucket {
  if (!(capacity >= 1) || !(perTick > 0)) throw new RangeError(`a tick bucket needs capacity >= 1 and perTick > 0; got ${capacity}, ${perTick}`);
  return { capacity, perTick, tokens: capacity, at: tick };
}

/** Brings the bucket up to `tick` and returns its whole tokens. */
export function tokensAt(b: TickBucket, tick: Tick): number {
  if (tick > b.at) {
    b.tokens = Math.min(b.capacity, b.tokens + (tick - b.at) * b.perTick);
    b.at = tick;
  }
  return Math.floor(b.tokens);
}

/** Takes one token at `tick` when there is one; false (and nothing taken) when the bucket is empty. */
export function takeToken(b: TickBucket, tick: Tick): boolean {
  if (tokensAt(b, tick) < 1) return false;
  b.tokens -= 1;
  return true;
}
