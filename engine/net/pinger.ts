/**
 * Ping bookkeeping of one connection: hands out nonces, matches pongs to pings, keeps a smoothed round-trip time,
 * and fails outstanding pings on timeout or close.
 */
import type { Pong } from '../protocol/messages.ts';
import type { Scheduler, TimerHandle } from './scheduler.ts';

/** Outstanding pings and the RTT estimate. */
export interface Pinger {
  /** Smoothed round trip in ms (NaN until the first pong). */
  readonly rttMs: number;
  /** Registers a ping; returns its nonce and a promise of its RTT that rejects after `timeoutMs`. */
  start(timeoutMs: number, label: string): { nonce: number; rtt: Promise<number> };
  /** Handles a Pong; unknown or late nonces are ignored. */
  onPong(pong: Pong): void;
  /** Rejects every outstanding ping. */
  failAll(reason: string): void;
}

/** Creates an empty {@link Pinger}; sent times are read from `scheduler`. */
export function createPinger(scheduler: Scheduler): Pinger {
  const pending = new Map<number, { resolve: (ms: number) => void; reject: (e: Error) => void; timer: TimerHandle }>();
  let rtt = NaN;
  let next = 0;
  return {
    get rttMs() { return rtt; },
    start(timeoutMs, label) {
      const nonce = next;
      next = (next + 1) >>> 0;
      const rttPromise = new Promise<number>((resolve, reject) => {
        const timer = scheduler.set(timeoutMs, () => {
          pending.delete(nonce);
          reject(new Error(`ping on ${label} timed out`));
        });
        pending.set(nonce, { resolve, reject, timer });
      });
      return { nonce, rtt: rttPromise };
    },
    onPong(pong) {
      const p = pending.get(pong.nonce);
      if (!p) return;
      pending.delete(pong.nonce);
      scheduler.clear(p.timer);
      const ms = scheduler.now() - pong.sentMs;
      rtt = Number.isNaN(rtt) ? ms : rtt * 0.875 + ms * 0.125;
      p.resolve(ms);
    },
    failAll(reason) {
      for (const p of pending.values()) {
        scheduler.clear(p.timer);
        p.reject(new Error(`connection closed: ${reason}`));
      }
      pending.clear();
    },
  };
}
