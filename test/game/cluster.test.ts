/**
 * `stratum cluster` (npm run cluster): the region plan, and the whole cluster as a process. A local nats-server, two
 * shard processes, a gateway; two headless players join through the gateway and play on the shard that leases the
 * spawn region (one places a block, the other sees it); each shard's `/metrics` tells which holds them; SIGTERM
 * stops every process and removes the local NATS store.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockActionKind } from '../../engine/input.ts';
import { getBlock } from '../../engine/voxel/voxel-world.ts';
import { regionKeyOf } from '../../engine/cluster/region.ts';
import { planRegions } from '../../game/cluster/plan.ts';
import { CLI, getText, prebuiltWebDir } from '../support/cli.ts';
import { joinClient, until } from '../support/headless.ts';
import { skipNats } from '../support/nats.ts';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('region plan', () => {
  it('deals every region of the world once, in stripes of region x, the spawn region to the first shard', () => {
    const plan = planRegions(20, 2); // columns -20..20: regions -2..1 on each axis
    expect(plan.flat().sort()).toEqual([-2, -1, 0, 1].flatMap((rx) => [-2, -1, 0, 1].map((rz) => `r${rx}_${rz}`)).sort());
    expect(plan[0]).toContain(regionKeyOf(0, 0));
    for (const key of plan[0]) expect(Math.abs(Number(key.slice(1).split("_")[0]) % 2)).toBe(0);
    for (const key of plan[1]) expect(Math.abs(Number(key.slice(1).split('_')[0]) % 2)).toBe(1);
    expect(planRegions(3, 1)).toEqual([['r-1_-1', 'r-1_0', 'r0_-1', 'r0_0']]);
    expect(() => planRegions(3, 0)).toThrow(/shards must be an integer >= 1, got 0/);
  });
});

/** Lines of JSON the cluster printed. */
type Line = Record<string, unknown> & { msg: string };

describe.skipIf(skipNats('cluster process test'))('stratum cluster as a process', () => {
  it('two players join through the gateway and play on the spawn region\'s shard; SIGTERM stops it all', async () => {
    const web = prebuiltWebDir(); // nothing is built
    dirs.push(web);
    const proc = spawn(process.execPath, [CLI, 'cluster', '--shards', '2', '--http-port', '0', '--port', '0',
      '--world', 'superflat', '--world-radius', '2', '--view-distance', '2', '--column-sections', '4', '--web-dir', web],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NATS_URL: '' } });
    children.push(proc);
    const lines: Line[] = [];
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const text = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(JSON.parse(text) as Line); // every line is JSON
      }
    });
    const find = (msg: RegExp) => lines.find((l) => msg.test(l.msg));
    await until(() => !!find(/^Stratum cluster ready: open /) || proc.exitCode !== null, 60_000, `the cluster (${err})`);
    const ready = find(/^Stratum cluster ready/)!;
    expect(ready, err).toBeDefined();
    const shards = lines.filter((l) => l.msg === 'shard ready');
    expect(shards.map((s) => s.shard)).toEqual(['s1', 's2']);
    expect(shards[0].regions).toContain('r0_0');
    const storeDir = String(find(/local nats-server/)!.storeDir);
    expect(existsSync(storeDir)).toBe(true);

    // Two players; A places a block in front of itself, B sees it.
    let placed = false;
    const a = await joinClient(String(ready.url), (c) => {
      const b = c.predictor?.body;
      if (!b || placed || c.tick % 10) return { buttons: 0, yaw: 0, pitch: 0 };
      placed = true;
      return { buttons: 0, yaw: 0, pitch: 0, block: { kind: BlockActionKind.Place, x: Math.floor(b.x) + 2, y: 6, z: Math.floor(b.z), face: 3 } };
    }, 'alice');
    const b = await joinClient(String(ready.url), () => ({ buttons: 0, yaw: 0, pitch: 0 }), 'bob');
    const results: Array<{ ok: boolean; x: number; y: number; z: number; block: number }> = [];
    a.bus.on('BlockResult', (r) => results.push(r));
    await until(() => results.some((r) => r.ok), 30_000, 'the placed block to be confirmed');
    const done = results.find((r) => r.ok)!;
    await until(() => getBlock(b.client.world.voxels, done.x, done.y, done.z) === done.block, 10_000, 'B to see the block');

    // The spawn region's shard holds both players; the other none.
    const metric = async (url: string, name: string) => {
      const text = (await getText(url)).body;
      return Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'm').exec(text)?.[1]);
    };
    expect(await metric(String(shards[0].metricsUrl), 'stratum_players')).toBe(2);
    expect(await metric(String(shards[1].metricsUrl), 'stratum_players')).toBe(0);
    a.client.stop();
    b.client.stop();

    proc.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => proc.once('exit', r));
    expect(code).toBe(0);
    expect(find(/SIGTERM: stopping the cluster/)).toBeDefined();
    expect(existsSync(storeDir)).toBe(false);
  }, 120_000);
});
