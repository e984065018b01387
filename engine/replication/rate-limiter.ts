/**
 * A per-client bandwidth budget as a sliding one-second window. Essential traffic (the player's own state, timing
 * advice, heartbeats) always goes out and is recorded; optional traffic (entity updates, section updates, columns)
 * may go out while the last second's bytes plus a reserve for the essential traffic to come are below the budget.
 * The reserve is the essential bytes of the last second with a margin, so in any one-second window a client
 * receives at most its budget plus one message.
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
  /** Essential bytes within the window (a subset of `sizes`, flagged in `essential`). */
  essentialInWindow: number;
  /** Which entries are essential. */
  readonly essential: boolean[];
  /** Time of the first record (NaN before), to scale the reserve during the first second. */
  since: number;
}

/** Extra room kept for essential traffic beyond last second's, as a fraction, plus a fixed number of bytes. */
const RESERVE_MARGIN = 0.25;
const RESERVE_FIXED = 256;
/** Shortest history the reserve is scaled from (one tick). */
const MIN_SPAN_MS = 50;

/** Creates a limiter; the budget must be positive. */
export function createRateLimiter(bytesPerSecond: number): RateLimiter {
  if (!(bytesPerSecond > 0)) throw new RangeError(`bandwidth budget must be > 0 bytes/s, got ${bytesPerSecond}`);
  return { bytesPerSecond, times: [], sizes: [], inWindow: 0, essentialInWindow: 0, essential: [], since: NaN };
}

function expire(l: RateLimiter, nowMs: number): void {
  while (l.times.length && l.times[0] <= nowMs - WINDOW_MS) {
    l.times.shift();
    const size = l.sizes.shift()!;
    l.inWindow -= size;
    if (l.essential.shift()) l.essentialInWindow -= size;
  }
}

/** True when an optional message may be sent now. */
export function canSend(l: RateLimiter, nowMs: number): boolean {
  expire(l, nowMs);
  // Less than a second of history (just joined): scale what was seen up to a full second.
  const seen = Number.isNaN(l.since) ? WINDOW_MS : Math.min(WINDOW_MS, Math.max(MIN_SPAN_MS, nowMs - l.since + MIN_SPAN_MS));
  const reserve = (l.essentialInWindow * WINDOW_MS / seen) * (1 + RESERVE_MARGIN) + RESERVE_FIXED;
  return l.inWindow + reserve < l.bytesPerSecond;
}

/** Records `bytes` sent at `nowMs`; `essential` marks traffic that is sent whatever the budget. */
export function recordSent(l: RateLimiter, nowMs: number, bytes: number, essential = false): void {
  if (bytes <= 0) return;
  expire(l, nowMs);
  if (Number.isNaN(l.since)) l.since = nowMs;
  l.times.push(nowMs);
  l.sizes.push(bytes);
  l.essential.push(essential);
  l.inWindow += bytes;
  if (essential) l.essentialInWindow += bytes;
}

/** Fraction of the budget used over the last second (may exceed 1 by one message). */
export function utilisation(l: RateLimiter, nowMs: number): number {
  expire(l, nowMs);
  return l.inWindow / l.bytesPerSecond;
}
