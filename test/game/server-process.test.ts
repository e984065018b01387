/**
 * The real thing: `stratum serve` as a child process, clients over WebTransport on 127.0.0.1. Covers joining with
 * `stratum bot --connect`, and durability: every edit acknowledged before a SIGKILL is back after a restart.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockActionKind, type PlayerInput } from '../../engine/input.ts';
import { openEditStore } from '../../engine/platform/node/edit-store.ts';
import { getBlock } from '../../engine/voxel/voxel-world.ts';
import type { GameClient } from '../../engine/client/game-client.ts';
import { CLI, stratum } from '../support/cli.ts';
import { joinClient, until } from '../support/headless.ts';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts `stratum serve` and resolves with its page URL once it is ready. */
function startServer(storage: string): Promise<{ proc: ChildProcess; url: string; out: () => string }> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--storage', storage, '--http-port', '0', '--port', '0', '--world', 'superflat', '--world-radius', '2', '--view-distance', '2', '--column-sections', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(proc);
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/ready: open (https?:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve({ proc, url: m[1], out: () => out }); }
    });
    proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${out}`)); });
  });
}

describe('stratum serve as a process', () => {
  it('npm start, then `stratum bot --connect URL` joins, walks and builds, and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-serve-'));
    dirs.push(dir);
    const { url, proc } = await startServer(join(dir, 'w.sqlite'));
    const { stdout, code } = await stratum('bot', '--connect', url, '--seconds', '12', '--seed', '1');
    expect(code).toBe(0);
    expect(stdout).toMatch(/joined https:\/\/127\.0\.0\.1:\d+\/stratum/);
    const ticks = Number(stdout.match(/ticks (\d+)/)![1]);
    expect(ticks).toBeGreaterThan(40);
    expect(Number(stdout.match(/confirmed (\d+)/)![1])).toBeGreaterThan(0);
    proc.kill('SIGINT');
    await new Promise((r) => proc.once('exit', r));
  }, 90_000);

  it('every edit acknowledged before a SIGKILL is present after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-kill-'));
    dirs.push(dir);
    const storage = join(dir, 'world.sqlite');
    const first = await startServer(storage);
    // Place a block every other tick on a growing line of cells around the player, and break some back.
    let n = 0;
    const builder = (c: GameClient): Omit<PlayerInput, 'tick'> => {
      const b = c.predictor?.body;
      if (!b || c.tick % 2) return { buttons: 0, yaw: 0, pitch: 0 };
      const k = n++;
      const x = Math.floor(b.x) + 2 + (k % 3), z = Math.floor(b.z) - 2 + ((k / 3) | 0) % 5;
      const kind = k % 7 === 6 ? BlockActionKind.Break : BlockActionKind.Place;
      return { buttons: 0, yaw: 0, pitch: 0, block: { kind, x, y: kind === BlockActionKind.Place ? 6 : 7, z, face: 3 } };
    };
    const { client, bus } = await joinClient(first.url, builder);
    const acked = new Map<string, number>();
    bus.on('BlockResult', (r) => { if (r.ok) acked.set(`${r.x},${r.y},${r.z}`, r.block); });
    await until(() => acked.size >= 8, 20_000, 'acknowledged edits');
    first.proc.kill('SIGKILL');
    await new Promise((r) => first.proc.once('exit', r));
    client.stop();
    expect(acked.size).toBeGreaterThanOrEqual(8);

    // The store has every acknowledged edit...
    const store = openEditStore(storage);
    const stored = new Map(store.loadAll().map((e) => [`${e.x},${e.y},${e.z}`, e.block]));
    store.close();
    for (const [k, block] of acked) expect(stored.get(k), k).toBe(block);

    // ...and a restarted server serves them to a new client.
    const second = await startServer(storage);
    expect(second.out()).toMatch(/restored \d+ stored edits/);
    const viewer = await joinClient(second.url, () => ({ buttons: 0, yaw: 0, pitch: 0 }));
    await until(() => viewer.client.stats.chunks >= 9, 20_000, 'chunks');
    for (const [k, block] of acked) {
      const [x, y, z] = k.split(',').map(Number);
      expect(getBlock(viewer.client.world.voxels, x, y, z), k).toBe(block);
    }
    viewer.client.stop();
    second.proc.kill('SIGINT');
    await new Promise((r) => second.proc.once('exit', r));
  }, 120_000);
});
