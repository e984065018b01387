/**
 * The cluster world test as CI runs it: `stratum worldtest --shards 2` (a local nats-server, two shard processes, a
 * gateway, three clients at 100 ms RTT and 2% loss). Client 1 builds on both sides of the border between the shards
 * and walks across it and back; every target but the wall-clock ones must hold, including each shard's replay.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClusterWorldTestMetrics } from '../../../game/worldtest/cluster-metrics.ts';
import { stratum } from '../../support/cli.ts';
import { skipNats } from '../../support/nats.ts';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** Runs the cluster world test with `args`; returns its metrics and output. */
async function clusterWorldTest(...args: string[]): Promise<{ m: ClusterWorldTestMetrics; code: number | null; stdout: string; out: string }> {
  const out = mkdtempSync(join(tmpdir(), 'stratum-cwt-'));
  dirs.push(out);
  const r = await stratum('worldtest', '--shards', '2', '--rtt', '100', '--loss', '0.02', '--out', out, ...args);
  const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as ClusterWorldTestMetrics;
  return { m, code: r.code, stdout: r.stdout, out };
}

/**
 * Every target but the load-sensitive one holds (the reconciliation error: on a machine too loaded to keep the shards
 * in step, a hand-off can be adopted a tick late and cost one correction; CI's blocking `stratum worldtest --shards 2`
 * runs enforce it); the verdict, the exit code and the names checks rely on agree.
 */
function expectExactTargetsMet({ m, code, stdout }: { m: ClusterWorldTestMetrics; code: number | null; stdout: string }): void {
  expect(m.phases.filter((p) => !p.ok), stdout).toEqual([]);
  expect(m.targets.filter((t) => t.wallClock).map((t) => t.metric)).toEqual(['reconciliation error avg ms (worst client; single-server target)']);
  expect(m.targets.filter((t) => !t.wallClock && !t.pass), stdout).toEqual([]);
  expect(m.handshakeBeyondRttMs).toBeGreaterThan(0);
  expect(m.pass).toBe(m.targets.every((t) => t.pass));
  expect(code).toBe(m.pass ? 0 : 1);
  expect(stdout).toContain(m.pass ? 'world test passed' : 'world test FAILED');
  for (const key of ['pass', 'lostEdits', 'handoffs', 'sessionDrops', 'replayDrift'] as const) expect(m).toHaveProperty(key);
}

describe.skipIf(skipNats('cluster world test'))('stratum worldtest --shards 2', () => {
  it('hands client 1 across the border and back, loses no edit, drops no session, and each shard replays with zero drift', async () => {
    const r = await clusterWorldTest();
    expectExactTargetsMet(r);
    expect(r.m.clients).toHaveLength(3);
    expect(r.m.handoffs).toBeGreaterThanOrEqual(4); // the scenario crosses the border five times
    expect(r.m.handoffMs.p50).toBeGreaterThan(0);
    expect(r.m.lostEdits).toBe(0);
    expect(r.m.sessionDrops).toBe(0);
    expect(r.m.replayDrift).toBe(0);
    expect(r.m.replays.map((x) => x.shard).sort()).toEqual(['s1', 's2']);
    for (const x of r.m.replays) expect(x.ticks, x.shard).toBeGreaterThan(100);
    expect(readdirSync(join(r.out, 'shards')).sort()).toEqual(['s1.jsonl', 's2.jsonl']);
  }, 240_000);

  it('with --kill-shard: the killed shard\'s regions are served again within 10 s, its players re-attached, nothing lost', async () => {
    const r = await clusterWorldTest('--kill-shard');
    expectExactTargetsMet(r);
    expect(r.m.kill?.shard).toMatch(/^s[12]$/);
    expect(r.m.kill!.regionsServedAfterMs).toBeLessThanOrEqual(10_000);
    expect(r.m.reattached.count).toBeGreaterThanOrEqual(1);
    expect(r.m.lostEdits).toBe(0);
    expect(r.m.sessionDrops).toBe(0);
    // The killed shard's recording ends where it died and still replays exactly.
    expect(r.m.replayDrift).toBe(0);
    expect(r.m.replays).toHaveLength(2);
  }, 240_000);
});
