/**
 * Asking the gateway owner's re-attach hook: its answer, giving up, a rejection and a bad shard id each become an
 * outcome (never a throw), the failures with a reason naming the region.
 */
import { describe, expect, it } from 'vitest';
import { askReattach } from '../../../engine/cluster/bridge-reattach.ts';

describe('askReattach', () => {
  it('passes the region and the dead shard, and returns the shard named', async () => {
    const calls: string[][] = [];
    const hook = async (region: string, dead: string) => { calls.push([region, dead]); return 'B'; };
    expect(await askReattach(hook, 'r-1_2', 'A')).toEqual({ ok: true, shard: 'B' });
    expect(calls).toEqual([['r-1_2', 'A']]);
  });

  it('giving up, a rejection, a throw and a bad shard id are reasons naming the region', async () => {
    expect(await askReattach(async () => undefined, 'r-1_2', 'A')).toEqual({ ok: false, reason: 'no shard took over region r-1_2' });
    expect(await askReattach(() => Promise.reject(new Error('watch closed')), 'r-1_2', 'A'))
      .toEqual({ ok: false, reason: 'finding the new owner of region r-1_2 failed: watch closed' });
    expect(await askReattach(() => { throw new Error('boom'); }, 'r-1_2', 'A'))
      .toEqual({ ok: false, reason: 'finding the new owner of region r-1_2 failed: boom' });
    expect(await askReattach(async () => 'a.b', 'r-1_2', 'A')).toEqual({
      ok: false,
      reason: "the re-attach hook named a bad shard for region r-1_2: reattach shard must be 1..64 characters of letters, digits, '_' or '-', got 'a.b'",
    });
  });
});
