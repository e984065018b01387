/**
 * Region leases in a NATS key-value bucket (Node only). A lease is the key of a region whose value is the owning
 * shard's id. nats-server 2.9 has no per-key TTL, so the bucket's `max_age` is the lease TTL: the server drops a key
 * TTL after its last write, and a renewal rewrites the key (the same value, `update` checked against the revision this
 * shard last wrote), which resets its age.
 *
 * - `acquire` is `kv.create`: it succeeds only when the key is absent (never written, expired, or released).
 * - A renewal that the server refuses because the revision moved (another shard took the region after it expired, or
 *   an operator wrote the key) means the lease is lost; so does the local deadline passing without a renewal (TTL
 *   after the last successful renewal was *sent*, which is never later than the server's own expiry). Either way the
 *   shard is told through `onLost`, and `holds` turns false at the deadline without waiting for any network.
 * - `watch` reports every shard's leases: acquired (a new owner's write), released (a delete) and expired. The server
 *   drops an expired key silently (no watch entry), so expiry is noticed by a timer per key: TTL after the last write
 *   seen, the key is read back, and reported expired when it is gone.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV, type KvWatchEntry } from '@nats-io/kv';
import { parseRegionKey, type RegionKey } from './region.ts';

/** The default lease bucket. */
export const LEASE_BUCKET = 'stratum-leases';

/** JetStream's "wrong last sequence" error code: a revision-checked write found another revision. */
const WRONG_LAST_SEQUENCE = 10071;

/** Options of {@link openLeases}. */
export interface LeaseOptions {
  /** This shard's id, stored as the owner of its leases (1..128 characters). */
  shard: string;
  /** The key-value bucket (default {@link LEASE_BUCKET}). */
  bucket?: string;
  /** Lease time to live in ms: the bucket's max age (integer, 500..600000; default 6000). */
  ttlMs?: number;
  /** Renewal interval in ms (integer, 50..ttlMs / 2; default 2000, capped at ttlMs / 3). */
  renewMs?: number;
  /**
   * Renew on a timer (default true). With false nothing runs on its own: the owner calls `renewNow` (a shard that
   * drives renewals from its own loop, or a test simulating a stalled shard).
   */
  autoRenew?: boolean;
}

/** Why this shard lost a lease. */
export type LeaseLossReason = 'taken' | 'expired';

/** This shard lost a lease it held. */
export interface LeaseLost {
  /** The region. */
  region: RegionKey;
  /** `taken`: a renewal found another revision; `expired`: the deadline passed, or the key was gone. */
  reason: LeaseLossReason;
  /** The owner now, when known (a `taken` lease's new holder). */
  owner?: string;
}

/** A change of any shard's lease, as {@link LeaseManager.watch} reports it. */
export interface LeaseChange {
  /** `acquired`: a new owner wrote the lease; `released`: deleted; `expired`: dropped by the server's TTL. */
  kind: 'acquired' | 'released' | 'expired';
  /** The region. */
  region: RegionKey;
  /** The shard that acquired, released or let expire the lease (undefined when unknown). */
  owner: string | undefined;
}

/** One shard's view of the leases. */
export interface LeaseManager {
  /** This shard's id. */
  readonly shard: string;
  /** The lease TTL in ms. */
  readonly ttlMs: number;
  /** The renewal interval in ms. */
  readonly renewMs: number;
  /** Takes the region's lease if no live lease exists; resolves false when another shard (or this one) holds it. */
  acquire(region: RegionKey): Promise<boolean>;
  /** Gives the lease up (deletes the key if it is still this shard's revision). */
  release(region: RegionKey): Promise<void>;
  /** The shard holding the region's lease now, per the server (undefined when none). */
  owner(region: RegionKey): Promise<string | undefined>;
  /** True while this shard holds the lease and its local deadline has not passed (no network). */
  holds(region: RegionKey): boolean;
  /** The regions this shard holds (deadline not passed), sorted. */
  held(): RegionKey[];
  /** Renews every lease held now; losses are reported through `onLost` before this resolves. */
  renewNow(): Promise<void>;
  /** Calls `listener` whenever this shard loses a lease; returns a function that removes it. */
  onLost(listener: (lost: LeaseLost) => void): () => void;
  /** Reports every lease change in the bucket (current leases first, as acquired); resolves with a stop function. */
  watch(listener: (change: LeaseChange) => void): Promise<() => void>;
  /**
   * Waits until `region` has an owner other than `not` (the shard that died), reading the key every 100 ms: resolves
   * to it, or to undefined after `timeoutMs` or once `cancelled()` is true. A failed read counts as no owner yet.
   */
  awaitOwner(region: RegionKey, not: string, timeoutMs: number, cancelled?: () => boolean): Promise<string | undefined>;
  /** Stops renewing and watching; releases the leases held unless `release` is false (default true). */
  close(options?: { release?: boolean }): Promise<void>;
}

/** A lease this shard holds. */
interface Held {
  /** Revision of this shard's last write. */
  revision: number;
  /** Local time (performance.now) after which the lease may have expired on the server. */
  deadline: number;
  /** Fires at the deadline (auto renew only). */
  timer?: ReturnType<typeof setTimeout>;
}

function intInRange(key: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) throw new RangeError(`${key} must be an integer in ${min}..${max}, got ${v}`);
  return v;
}

/** Validated lease timings; a bad value names the option and its allowed range. */
export function leaseTimings(options: Pick<LeaseOptions, 'ttlMs' | 'renewMs'>): { ttlMs: number; renewMs: number } {
  const ttlMs = intInRange('ttlMs', options.ttlMs ?? 6000, 500, 600_000);
  const renewMs = intInRange('renewMs', options.renewMs ?? Math.min(2000, Math.floor(ttlMs / 3)), 50, Math.floor(ttlMs / 2));
  return { ttlMs, renewMs };
}

function isWrongLastSequence(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === WRONG_LAST_SEQUENCE;
}

/** Opens (creating when needed) the lease bucket and returns this shard's lease manager. */
export async function openLeases(nc: NatsConnection, options: LeaseOptions): Promise<LeaseManager> {
  const { ttlMs, renewMs } = leaseTimings(options);
  const shard = options.shard;
  if (typeof shard !== 'string' || shard.length < 1 || shard.length > 128) {
    throw new RangeError(`shard must be a string of 1..128 characters, got '${String(shard)}'`);
  }
  const bucket = options.bucket ?? LEASE_BUCKET;
  const autoRenew = options.autoRenew ?? true;
  let kv: KV;
  try {
    kv = await new Kvm(nc).create(bucket, { history: 1, ttl: ttlMs });
  } catch (err) {
    throw new Error(`lease bucket '${bucket}' could not be opened with ttlMs ${ttlMs} (an existing bucket with another ` +
      `TTL must be deleted first): ${(err as Error).message}`, { cause: err });
  }
  const status = await kv.status();
  if (status.ttl !== ttlMs) {
    throw new Error(`lease bucket '${bucket}' has a TTL of ${status.ttl} ms, not ${ttlMs}; all shards must agree on ttlMs`);
  }

  const held = new Map<RegionKey, Held>();
  const lostListeners = new Set<(lost: LeaseLost) => void>();
  const stops = new Set<() => void>();
  let closed = false;
  let renewing: Promise<void> | undefined;

  const check = (region: RegionKey): void => { parseRegionKey(region); };
  const live = (h: Held | undefined): h is Held => h !== undefined && performance.now() < h.deadline;

  const lose = (region: RegionKey, reason: LeaseLossReason, owner?: string): void => {
    const h = held.get(region);
    if (!h) return;
    clearTimeout(h.timer);
    held.delete(region);
    const lost: LeaseLost = owner === undefined ? { region, reason } : { region, reason, owner };
    for (const l of lostListeners) {
      try { l(lost); } catch (err) { console.error('lease onLost listener threw', err); }
    }
  };

  /** Records a successful write sent at `sent`. */
  const wrote = (region: RegionKey, revision: number, sent: number): void => {
    const h = held.get(region) ?? { revision, deadline: 0 };
    h.revision = revision;
    h.deadline = sent + ttlMs;
    clearTimeout(h.timer);
    if (autoRenew) h.timer = setTimeout(() => lose(region, 'expired'), Math.max(0, h.deadline - performance.now()));
    held.set(region, h);
  };

  const ownerOf = async (region: RegionKey): Promise<string | undefined> => {
    const e = await kv.get(region);
    return e && e.operation === 'PUT' ? e.string() : undefined;
  };

  const renewOne = async (region: RegionKey, h: Held): Promise<void> => {
    const sent = performance.now();
    try {
      const rev = await kv.update(region, shard, h.revision);
      if (held.get(region) === h) wrote(region, rev, sent);
    } catch (err) {
      if (held.get(region) !== h) return;
      if (!isWrongLastSequence(err)) return; // no answer: the deadline decides
      const now = await ownerOf(region).catch(() => undefined);
      lose(region, now === undefined ? 'expired' : 'taken', now);
    }
  };

  const renewAll = (): Promise<void> => {
    renewing ??= Promise.all([...held].map(([r, h]) => renewOne(r, h))).then(() => { renewing = undefined; });
    return renewing;
  };

  const interval = autoRenew ? setInterval(() => { if (!closed) void renewAll(); }, renewMs) : undefined;
  interval?.unref?.();

  const manager: LeaseManager = {
    shard, ttlMs, renewMs,
    async acquire(region) {
      check(region);
      if (closed) throw new Error('lease manager is closed');
      if (live(held.get(region))) return false;
      const sent = performance.now();
      try {
        const rev = await kv.create(region, shard);
        if (closed) {
          // Closed while the create was on its way: give the lease back instead of holding one nobody renews.
          await kv.delete(region, { previousSeq: rev }).catch(() => {});
          return false;
        }
        wrote(region, rev, sent);
        return true;
      } catch (err) {
        if (isWrongLastSequence(err)) return false;
        throw err;
      }
    },
    async release(region) {
      check(region);
      const h = held.get(region);
      if (!h) return;
      clearTimeout(h.timer);
      held.delete(region);
      await kv.delete(region, { previousSeq: h.revision }).catch((err: unknown) => {
        if (!isWrongLastSequence(err)) throw err; // already someone else's: nothing to release
      });
    },
    owner(region) {
      check(region);
      return ownerOf(region);
    },
    holds(region) {
      return live(held.get(region));
    },
    held() {
      return [...held].filter(([, h]) => live(h)).map(([r]) => r).sort();
    },
    renewNow() {
      return renewAll();
    },
    onLost(listener) {
      lostListeners.add(listener);
      return () => { lostListeners.delete(listener); };
    },
    async awaitOwner(region, not, timeoutMs, cancelled = () => false) {
      check(region);
      const end = performance.now() + timeoutMs;
      while (!cancelled() && performance.now() < end) {
        const owner = await ownerOf(region).catch(() => undefined);
        if (owner !== undefined && owner !== not) return owner;
        await new Promise((r) => setTimeout(r, 100));
      }
      return undefined;
    },
    async watch(listener) {
      const iter = await kv.watch({ key: '>' });
      const known = new Map<string, { owner: string; revision: number; timer?: ReturnType<typeof setTimeout> }>();
      let stopped = false;
      const emit = (change: LeaseChange): void => {
        if (stopped) return;
        try { listener(change); } catch (err) { console.error('lease watch listener threw', err); }
      };
      /** TTL after a write was seen, reads the key back: gone means expired; still there (server not yet) re-arms. */
      const arm = (key: string, delay: number): void => {
        const k = known.get(key);
        if (!k) return;
        clearTimeout(k.timer);
        k.timer = setTimeout(() => {
          void kv.get(key).then((e) => {
            if (stopped || known.get(key) !== k) return;
            if (!e || e.operation !== 'PUT') {
              known.delete(key);
              emit({ kind: 'expired', region: key, owner: k.owner });
            } else {
              arm(key, Math.min(250, renewMs));
            }
          }, () => arm(key, Math.min(250, renewMs)));
        }, delay);
      };
      const onEntry = (e: KvWatchEntry): void => {
        const k = known.get(e.key);
        if (e.operation === 'PUT') {
          const owner = e.string();
          if (!k || k.owner !== owner) {
            if (k) clearTimeout(k.timer);
            known.set(e.key, { owner, revision: e.revision });
            emit({ kind: 'acquired', region: e.key, owner });
          } else {
            k.revision = e.revision;
          }
          // The first read-back: TTL after the write's server time, at least TTL after now when it is an old write.
          const age = Math.max(0, Date.now() - e.created.getTime());
          arm(e.key, Math.max(ttlMs - age, 0) + Math.min(250, renewMs));
        } else if (k) {
          clearTimeout(k.timer);
          known.delete(e.key);
          emit({ kind: 'released', region: e.key, owner: k.owner });
        }
      };
      void (async () => {
        for await (const e of iter) onEntry(e);
      })().catch((err: unknown) => { if (!stopped) console.error('lease watch failed', err); });
      const stop = (): void => {
        if (stopped) return;
        stopped = true;
        for (const k of known.values()) clearTimeout(k.timer);
        known.clear();
        iter.stop();
        stops.delete(stop);
      };
      stops.add(stop);
      return stop;
    },
    async close(opts = {}) {
      if (closed) return;
      closed = true;
      clearInterval(interval);
      for (const stop of [...stops]) stop();
      await renewing;
      const regions = [...held.keys()];
      if (opts.release ?? true) {
        await Promise.all(regions.map((r) => manager.release(r).catch(() => undefined)));
      }
      for (const h of held.values()) clearTimeout(h.timer);
      held.clear();
    },
  };
  return manager;
}
