/**
 * Region leases on a real nats-server (short TTLs): one owner at a time; renewal keeps a lease past its TTL; a shard
 * that stops renewing loses it within TTL + one renewal interval, another takes it, and the stalled shard's late
 * renewal fails and tells it; the watch reports acquired, released and expired.
 */
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  LEASE_BUCKET, leaseTimings, openLeases, type LeaseChange, type LeaseLost, type LeaseManager,
} from '../../../engine/cluster/leases.ts';
import { startNats, type NatsHandle } from '../../../engine/cluster/nats-server.ts';
import { skipNats } from '../../support/nats.ts';

const TTL = 1000;
const RENEW = 250;
const R = 'r-1_2';

describe('lease timings', () => {
  it('a bad value names the option and the allowed range', () => {
    expect(leaseTimings({})).toEqual({ ttlMs: 6000, renewMs: 2000 });
    expect(leaseTimings({ ttlMs: 1000 })).toEqual({ ttlMs: 1000, renewMs: 333 });
    expect(() => leaseTimings({ ttlMs: 100 })).toThrow('ttlMs must be an integer in 500..600000, got 100');
    expect(() => leaseTimings({ ttlMs: 1000, renewMs: 600 })).toThrow('renewMs must be an integer in 50..500, got 600');
    expect(() => leaseTimings({ renewMs: 2.5 })).toThrow('renewMs must be an integer in 50..3000, got 2.5');
  });
});

describe.skipIf(skipNats('leases.test.ts'))('region leases on nats-server', () => {
  let nats: NatsHandle;
  let ncA: NatsConnection;
  let ncB: NatsConnection;
  const managers: LeaseManager[] = [];

  beforeEach(async () => {
    nats = await startNats({ env: { PATH: process.env.PATH } });
    ncA = await nats.connect();
    ncB = await nats.connect();
  });

  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.close({ release: false })));
    await nats.stop();
  });

  async function open(nc: NatsConnection, shard: string, autoRenew = true): Promise<LeaseManager> {
    const m = await openLeases(nc, { shard, ttlMs: TTL, renewMs: RENEW, autoRenew });
    managers.push(m);
    return m;
  }

  it('awaitOwner waits for an owner other than the dead one; undefined when cancelled or out of time', async () => {
    const a = await open(ncA, 'A');
    const b = await open(ncB, 'B');
    expect(await a.acquire(R)).toBe(true);
    expect(await b.awaitOwner(R, 'A', 300)).toBeUndefined(); // A still holds it
    expect(await b.awaitOwner(R, 'A', 60_000, () => true)).toBeUndefined();
    const waiting = b.awaitOwner(R, 'A', 60_000);
    await a.release(R);
    expect(await b.acquire(R)).toBe(true);
    expect(await waiting).toBe('B');
    expect(await a.awaitOwner(R, 'A', 300)).toBe('B');
  });

  it('an acquire still on its way when the manager closes gives the lease back', async () => {
    const a = await open(ncA, 'A');
    const b = await open(ncB, 'B');
    const pending = a.acquire(R);
    await a.close({ release: true });
    expect(await pending).toBe(false);
    expect(await b.owner(R)).toBeUndefined();
    expect(await b.acquire(R)).toBe(true); // at once, not after A's TTL
  });

  it('one owner at a time; renewals keep the lease alive well past its TTL', async () => {
    const a = await open(ncA, 'A');
    const b = await open(ncB, 'B');
    expect(await a.acquire(R)).toBe(true);
    expect(await b.acquire(R)).toBe(false);
    expect(await a.acquire(R)).toBe(false); // already held
    expect(await b.owner(R)).toBe('A');
    expect(a.holds(R)).toBe(true);
    expect(b.holds(R)).toBe(false);
    const lost: LeaseLost[] = [];
    a.onLost((l) => lost.push(l));
    const until = performance.now() + 3 * TTL;
    while (performance.now() < until) {
      expect(await b.acquire(R)).toBe(false);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(a.held()).toEqual([R]);
    expect(lost).toEqual([]);
    expect(await b.owner(R)).toBe('A');
  });

  it('a shard that stops renewing loses the lease within TTL + renew; its late renewal fails and tells it', async () => {
    const a = await open(ncA, 'A', false); // stalled: nothing renews
    const b = await open(ncB, 'B');
    const lost: LeaseLost[] = [];
    a.onLost((l) => lost.push(l));
    expect(await a.acquire(R)).toBe(true);
    const t0 = performance.now();
    expect(await b.acquire(R)).toBe(false);
    while (!(await b.acquire(R))) {
      expect(performance.now() - t0).toBeLessThan(TTL + RENEW + 1000);
      await new Promise((r) => setTimeout(r, 50));
    }
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(TTL - 100);
    console.log(`lease taken over ${Math.round(took)} ms after the last renewal (TTL ${TTL} ms)`);
    expect(a.holds(R)).toBe(false); // its own deadline passed, no network needed
    expect(lost).toEqual([]);
    await a.renewNow();
    expect(lost).toEqual([{ region: R, reason: 'taken', owner: 'B' }]);
    expect(a.held()).toEqual([]);
    expect(await a.owner(R)).toBe('B');
  });

  it('a renewal refused because someone else wrote the lease tells the shard at once (auto renew)', async () => {
    const a = await open(ncA, 'A');
    const lost: LeaseLost[] = [];
    a.onLost((l) => lost.push(l));
    expect(await a.acquire(R)).toBe(true);
    const kv = await new Kvm(ncB).open(LEASE_BUCKET);
    await kv.put(R, 'operator');
    await expect.poll(() => lost, { timeout: 3 * RENEW, interval: 20 }).toEqual([{ region: R, reason: 'taken', owner: 'operator' }]);
    expect(a.holds(R)).toBe(false);
  });

  it('release lets another shard in at once; the watch reports acquired, released and expired', async () => {
    const a = await open(ncA, 'A');
    const b = await open(ncB, 'B', false);
    const changes: LeaseChange[] = [];
    const stop = await a.watch((c) => changes.push(c));
    expect(await a.acquire(R)).toBe(true);
    expect(await a.acquire('r0_0')).toBe(true);
    await a.release(R);
    expect(a.held()).toEqual(['r0_0']);
    expect(await b.acquire(R)).toBe(true);
    // B never renews: its lease expires, A's (renewed) stays.
    await expect.poll(() => changes.length, { timeout: TTL + 2000, interval: 50 }).toBe(5);
    expect(changes).toEqual([
      { kind: 'acquired', region: R, owner: 'A' },
      { kind: 'acquired', region: 'r0_0', owner: 'A' },
      { kind: 'released', region: R, owner: 'A' },
      { kind: 'acquired', region: R, owner: 'B' },
      { kind: 'expired', region: R, owner: 'B' },
    ]);
    await new Promise((r) => setTimeout(r, TTL));
    expect(changes).toHaveLength(5);
    stop();
  });

  it('a watch started later reports the live leases first', async () => {
    const a = await open(ncA, 'A');
    expect(await a.acquire('r5_-5')).toBe(true);
    const b = await open(ncB, 'B');
    const changes: LeaseChange[] = [];
    const stop = await b.watch((c) => changes.push(c));
    await expect.poll(() => changes).toEqual([{ kind: 'acquired', region: 'r5_-5', owner: 'A' }]);
    stop();
  });

  it('refuses a bucket whose TTL differs, naming both', async () => {
    await open(ncA, 'A');
    await expect(openLeases(ncB, { shard: 'B', ttlMs: 2000 })).rejects.toThrow(/lease bucket 'stratum-leases'.*2000/);
  });
});
