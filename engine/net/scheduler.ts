/**
 * Timers for the network layer, injected so that the loopback transport, the link conditioner, heartbeats and
 * reconnection can run on a manual clock in tests (deterministically) and on real time in production.
 */
import type { Clock } from '../tick.ts';

/** A pending timer; pass it to {@link Scheduler.clear}. */
export interface TimerHandle {
  /** Opaque id. */
  readonly id: number;
}

/** A clock that can also run callbacks later. */
export interface Scheduler extends Clock {
  /** Runs `fn` once, `ms` milliseconds from now (0 = as soon as possible, after the current callback). */
  set(ms: number, fn: () => void): TimerHandle;
  /** Cancels a timer; harmless if it already ran. */
  clear(handle: TimerHandle | undefined): void;
}

/** A scheduler whose time moves only when told; timers run in due order, ties in the order they were set. */
export interface ManualScheduler extends Scheduler {
  /** Moves time forward by `ms`, running every timer that falls due (including ones set by those timers). */
  advance(ms: number): void;
  /** Runs the timers already due, without moving time. */
  flush(): void;
  /** Number of timers pending. */
  readonly pending: number;
}

/** The real-time scheduler: `performance.now` and `setTimeout`. */
export function createRealtimeScheduler(): Scheduler {
  let next = 1;
  const live = new Map<number, ReturnType<typeof setTimeout>>();
  return {
    now: () => performance.now(),
    set(ms, fn) {
      const id = next++;
      live.set(id, setTimeout(() => { live.delete(id); fn(); }, Math.max(0, ms)));
      return { id };
    },
    clear(h) {
      if (!h) return;
      const t = live.get(h.id);
      if (t !== undefined) { clearTimeout(t); live.delete(h.id); }
    },
  };
}

interface Entry { id: number; due: number; fn: () => void }

/** Creates a {@link ManualScheduler} starting at `startMs`. */
export function createManualScheduler(startMs = 0): ManualScheduler {
  let now = startMs;
  let next = 1;
  // Sorted by (due, id); small queues in tests, so insertion into an array is fine.
  const queue: Entry[] = [];
  const runUntil = (target: number) => {
    while (queue.length > 0 && queue[0].due <= target) {
      const e = queue.shift()!;
      if (e.due > now) now = e.due;
      e.fn();
    }
    if (target > now) now = target;
  };
  return {
    now: () => now,
    get pending() { return queue.length; },
    set(ms, fn) {
      const e: Entry = { id: next++, due: now + Math.max(0, ms), fn };
      let i = queue.length;
      while (i > 0 && queue[i - 1].due > e.due) i--;
      queue.splice(i, 0, e);
      return { id: e.id };
    },
    clear(h) {
      if (!h) return;
      const i = queue.findIndex((e) => e.id === h.id);
      if (i >= 0) queue.splice(i, 1);
    },
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`advance: ms must be >= 0, got ${ms}`);
      runUntil(now + ms);
    },
    flush: () => runUntil(now),
  };
}
