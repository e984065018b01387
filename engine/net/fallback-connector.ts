/**
 * A connector that prefers one transport and falls back to another: the first attempt goes to the preferred
 * connector (native WebTransport over HTTP/3), and when it fails or has not connected within the timeout (no
 * WebTransport in this browser, UDP blocked, a refused certificate) every attempt from then on goes to the fallback
 * (the HTTP/2 / WebSocket mapping). Once the preferred transport has connected, reconnects keep using it.
 * Isomorphic; timers come from the injected scheduler.
 */
import type { Scheduler } from './scheduler.ts';
import type { Connector, TransportSession } from './transport.ts';

/** Which transport a {@link FallbackConnector} uses: undefined until the first attempt settled. */
export type FallbackChoice = 'preferred' | 'fallback' | undefined;

/** A connector plus the choice it made. */
export interface FallbackConnector {
  /** Opens sessions. */
  readonly connect: Connector;
  /** The transport in use. */
  readonly using: FallbackChoice;
  /** Why the preferred transport was given up, if it was. */
  readonly fallbackReason: string | undefined;
}

/** Options of {@link createFallbackConnector}. */
export interface FallbackOptions {
  /** The preferred connector, or undefined when it is unavailable (then the fallback is used from the start). */
  preferred: Connector | undefined;
  /** The fallback connector. */
  fallback: Connector;
  /** Timers. */
  scheduler: Scheduler;
  /** How long the first preferred attempt may take, ms (default 3000). */
  timeoutMs?: number;
}

/** Creates a {@link FallbackConnector}. */
export function createFallbackConnector(options: FallbackOptions): FallbackConnector {
  const { scheduler, fallback } = options;
  let using: FallbackChoice = options.preferred ? undefined : 'fallback';
  let fallbackReason: string | undefined = options.preferred ? undefined : 'the preferred transport is unavailable';

  const giveUp = (reason: string, done: (r: TransportSession | Error) => void) => {
    using = 'fallback';
    fallbackReason = reason;
    fallback(done);
  };

  const connect: Connector = (done) => {
    const preferred = options.preferred;
    if (using === 'fallback' || !preferred) {
      fallback(done);
      return;
    }
    if (using === 'preferred') {
      preferred(done);
      return;
    }
    let settled = false;
    const timeoutMs = options.timeoutMs ?? 3000;
    const timer = scheduler.set(timeoutMs, () => {
      if (settled) return;
      settled = true;
      giveUp(`no session within ${timeoutMs} ms`, done);
    });
    preferred((result) => {
      if (settled) {
        if (!(result instanceof Error)) result.close({ code: 0, reason: 'fell back to another transport' });
        return;
      }
      settled = true;
      scheduler.clear(timer);
      if (result instanceof Error) {
        giveUp(result.message, done);
        return;
      }
      using = 'preferred';
      done(result);
    });
  };

  return {
    connect,
    get using() { return using; },
    get fallbackReason() { return fallbackReason; },
  };
}
