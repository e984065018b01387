/**
 * A per-client bandwidth budget as a sliding one-second window: a message may go out while the bytes sent in the
 * last second are below the budget. So in any one-second window a client receives at most its budget plus one
 * message, whatever the mix of traffic. Bytes that bypass the limiter (heartbeats, acks) are recorded too, so the
 * window always sees the real total.
 */

/** Window length in ms. */
export const WINDOW_MS = 1000;

/** A sliding-window limiter. */
export interface RateLimiter {
  /** Budget in bytes per second. */
  readonly bytesPerSecond: number;
  /** Send times (ms) and sizes within the window, oldest first. */
  readonly times: number[];
  /** Sizes matching `times`. */
  readonly sizes: number[];
  /** Sum of `sizes`. */
  inWindow: number;
}

/** Creates a limiter; the budget must be positive. */
export function createRateLimiter(bytesPerSecond: number): RateLimiter {
  if (!(bytesPerSecond > 0)) throw new RangeError(`bandwidth budget must be > 0 bytes/s, got ${bytesPerSecond}`);
  return { bytesPerSecond, times: [], sizes: [], inWindow: 0 };
}

function expire(l: RateLimiter, nowMs: number): void {
  while (l.times.length && l.times[0] <= nowMs - WINDOW_MS) {
    l.times.shift();
    l.inWindow -= l.sizes.shift()!;
  }
}

/** True when a message may be sent now (the last second's bytes are below the budget). */
export function canSend(l: RateLimiter, nowMs: number): boolean {
  expire(l, nowMs);
  return l.inWindow < l.bytesPerSecond;
}

/** Records `bytes` sent at `nowMs`. */
export function recordSent(l: RateLimiter, nowMs: number, bytes: number): void {
  if (bytes <= 0) return;
  expire(l, nowMs);
  l.times.push(nowMs);
  l.sizes.push(bytes);
  l.inWindow += bytes;
}

/** Fraction of the budget used over the last second (may exceed 1 by one message). */
export function utilisation(l: RateLimiter, nowMs: number): number {
  expire(l, nowMs);
  return l.inWindow / l.bytesPerSecond;
}
