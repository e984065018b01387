/**
 * Renewal of the server's pinned certificate (browsers pin certificates valid at most 14 days; ours last 13). A
 * renewal has two steps, so that a page holding an older `/connect.json` is never stranded:
 *
 * 1. `publishBeforeMs` before the served certificate expires, a successor is created and published beside it: from
 *    then on `/connect.json` lists both hashes, and a page that loads pins both.
 * 2. `swapBeforeMs` before expiry, the server starts serving the successor to new connections (open sessions keep
 *    the old one). The old hash stays published until it expires: that is the overlap.
 *
 * Plain data and free functions with the time passed in; {@link startCertRenewal} runs them on a timer.
 */
import type { SelfSignedCert } from './cert.ts';
import { createSelfSignedCert } from './cert.ts';

/** The certificates in play. */
export interface CertSet {
  /** The certificate served to new connections. */
  served: SelfSignedCert;
  /** Its successor, published but not served yet. */
  next?: SelfSignedCert;
  /** The certificate served before `served`, published until it expires. */
  previous?: SelfSignedCert;
}

/** When renewal steps happen, relative to the served certificate's expiry. */
export interface RenewalTiming {
  /** Create and publish the successor this long before expiry, ms (default 3 days). */
  publishBeforeMs: number;
  /** Serve the successor this long before expiry, ms (default 2 days). */
  swapBeforeMs: number;
}

/** Default timing: publish 3 days ahead, serve the new certificate 2 days ahead, so pages have a day to pick it up. */
export const DEFAULT_RENEWAL: RenewalTiming = { publishBeforeMs: 3 * 86_400_000, swapBeforeMs: 2 * 86_400_000 };

/**
 * The set at time `nowMs`: creates the successor (with `create`) or swaps to it when due, and forgets an expired
 * previous certificate. Returns the same object when nothing changed.
 */
export function renewCerts(set: CertSet, nowMs: number, create: (nowMs: number) => SelfSignedCert, timing: RenewalTiming = DEFAULT_RENEWAL): CertSet {
  let s = set;
  if (s.previous && s.previous.notAfter.getTime() <= nowMs) s = { ...s, previous: undefined };
  const expires = s.served.notAfter.getTime();
  if (!s.next && nowMs >= expires - timing.publishBeforeMs) s = { ...s, next: create(nowMs) };
  if (s.next && nowMs >= expires - timing.swapBeforeMs) s = { served: s.next, previous: s.served };
  return s;
}

/** The SHA-256 hashes (hex) `/connect.json` publishes at `nowMs`: served first, then the successor and predecessor. */
export function publishedHashes(set: CertSet, nowMs: number): string[] {
  return [set.served, set.next, set.previous].filter((c): c is SelfSignedCert => c !== undefined && c.notAfter.getTime() > nowMs).map((c) => c.sha256Hex);
}

/** Options of {@link startCertRenewal}. */
export interface CertRenewalOptions {
  /** The certificate served at start. */
  initial: SelfSignedCert;
  /** The clock, ms since the epoch (default `Date.now`). */
  now?: () => number;
  /** Makes a successor (default: {@link createSelfSignedCert} at that time, 13 days). */
  create?: (nowMs: number) => SelfSignedCert;
  /** Step timing (default {@link DEFAULT_RENEWAL}). */
  timing?: RenewalTiming;
  /** How often to check, ms (default one hour); 0 starts no timer (tests call `check`). */
  checkEveryMs?: number;
  /** Called when the served certificate changes: swap it in the servers that can. */
  onServe(cert: SelfSignedCert): void;
}

/** A running renewal. */
export interface CertRenewal {
  /** The certificates now. */
  readonly set: CertSet;
  /** The hashes to publish now. */
  hashesHex(): string[];
  /** Applies what is due now; true when something changed. */
  check(): boolean;
  /** Stops the timer. */
  stop(): void;
}

/** Starts renewing: checks every `checkEveryMs` and calls `onServe` on each swap. */
export function startCertRenewal(o: CertRenewalOptions): CertRenewal {
  const now = o.now ?? Date.now;
  const create = o.create ?? ((nowMs: number) => createSelfSignedCert({ nowMs }));
  let set: CertSet = { served: o.initial };
  const check = () => {
    const next = renewCerts(set, now(), create, o.timing);
    if (next === set) return false;
    const swapped = next.served !== set.served;
    set = next;
    if (swapped) o.onServe(set.served);
    return true;
  };
  const every = o.checkEveryMs ?? 3_600_000;
  const timer = every > 0 ? setInterval(check, every) : undefined;
  timer?.unref();
  return {
    get set() { return set; },
    hashesHex: () => publishedHashes(set, now()),
    check,
    stop: () => clearInterval(timer),
  };
}
