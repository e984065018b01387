/**
 * The world test from a fresh start, as CI runs it: `stratum worldtest` over real WebTransport (HTTP/2 with the link
 * conditioner, and QUIC through the UDP link emulator), then `stratum replay` and `stratum diff` of the recording.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEventStream } from '../../../engine/replay/event-stream.ts';
import { STATE_HASH_INTERVAL } from '../../../engine/replay/event-types.ts';
import type { WorldTestMetrics } from '../../../game/worldtest/metrics.ts';
import { stratum } from '../../support/cli.ts';

const dirs: string[] = [];

/**
 * Every target but the wall-clock ones holds, and the exit code and verdict agree with the targets. Wall-clock targets
 * (handshake time, update rate) are not asserted here, where test files run side by side on a shared machine; CI's
 * blocking `stratum worldtest` run enforces them.
 */
function expectExactTargetsMet(m: WorldTestMetrics, r: { code: number | null; stdout: string }): void {
  expect(m.phases.filter((p) => !p.ok), r.stdout).toEqual([]);
  expect(m.targets.filter((t) => !t.wallClock && !t.pass)).toEqual([]);
  expect(m.targets.filter((t) => t.wallClock).map((t) => t.metric).sort()).toEqual(['entity update rate Hz (slowest client)', 'handshake ms beyond the added RTT (worst client)']);
  expect(m.pass).toBe(m.targets.every((t) => t.pass));
  expect(r.code).toBe(m.pass ? 0 : 1);
  expect(r.stdout).toContain(m.pass ? 'world test passed' : 'world test FAILED');
}
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('stratum worldtest', () => {
  it('passes with 2 clients at 100 ms RTT and 2% loss; its recording replays with zero drift three times', async () => {
    const out = mkdtempSync(join(tmpdir(), 'stratum-wt2-'));
    dirs.push(out);
    const r = await stratum('worldtest', '--clients', '2', '--rtt', '100', '--loss', '0.02', '--out', out);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as WorldTestMetrics;
    expect(m.targets.length).toBeGreaterThanOrEqual(8);
    expectExactTargetsMet(m, r);
    expect(m.clients).toHaveLength(2);
    // The throwaway warm-up client joined before the measured ones, and its own server recorded none of this run.
    expect(m.coldHandshakeMs).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/warm-up: a throwaway server and client joined in \d+ ms/);
    expect(readFileSync(join(out, 'server-events.jsonl'), 'utf8')).not.toContain('warm-up');
    expect(m.replayDrift).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');
    // Every stream parses (ticks never decrease) and carries one StateHash per window of 20 server ticks: the server
    // in every window; a client from its 250 ms samples, so it misses a window only when its event loop stalls
    // for more than 20 ticks (allowed for here: a loaded CI machine does that now and then).
    for (const name of ['server-events.jsonl', 'client-1-events.jsonl', 'client-2-events.jsonl']) {
      const stream = parseEventStream(readFileSync(join(out, name), 'utf8'), name);
      const hashes = stream.events.filter((e) => e.type === 'StateHash');
      const windows = new Set(hashes.map((e) => Math.floor(e.tick / STATE_HASH_INTERVAL)));
      expect(windows.size, name).toBe(hashes.length);
      const last = Math.floor(stream.events.at(-1)!.tick / STATE_HASH_INTERVAL);
      const first = Math.floor(hashes[0].tick / STATE_HASH_INTERVAL);
      if (name.startsWith('server')) expect(hashes.length, name).toBe(last - first + 1);
      else expect(hashes.length, name).toBeGreaterThanOrEqual(0.8 * (last - first + 1));
      expect(hashes.length, name).toBeGreaterThan(10);
    }
    for (let i = 0; i < 3; i++) {
      const replayed = join(out, `replay-${i}.jsonl`);
      expect((await stratum('replay', '--inputs', join(out, 'inputs'), '--out', replayed)).code).toBe(0);
      const d = await stratum('diff', join(out, 'server-events.jsonl'), replayed);
      expect(d.stdout).toContain('streams match');
      expect(d.code).toBe(0);
    }
  }, 180_000);

  it('passes over QUIC through the UDP link emulator at 100 ms RTT and 2% real packet loss; its recording replays with zero drift', async () => {
    const out = mkdtempSync(join(tmpdir(), 'stratum-wtq-'));
    dirs.push(out);
    const r = await stratum('worldtest', '--transport', 'quic', '--clients', '2', '--rtt', '100', '--jitter', '10', '--loss', '0.02', '--out', out);
    expect(r.stdout).toContain('QUIC through the UDP link emulator');
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as WorldTestMetrics;
    expectExactTargetsMet(m, r);
    expect(m.replayDrift).toBe(0);
    expect(m.link).toMatchObject({ transport: 'quic', rttMs: 100, jitterMs: 10, loss: 0.02 });
    // The loss is real: the emulator dropped packets (about 2% of them), and the transport recovered.
    expect(m.link.dropped!).toBeGreaterThan(0);
    expect(m.link.dropped! / m.link.packets!).toBeLessThan(0.05);
    for (const c of m.clients) expect(c.transportConnectMs).toBeGreaterThan(0);
    const replayed = join(out, 'replay.jsonl');
    expect((await stratum('replay', '--inputs', join(out, 'inputs'), '--out', replayed)).code).toBe(0);
    const d = await stratum('diff', join(out, 'server-events.jsonl'), replayed);
    expect(d.stdout).toContain('streams match');
    expect(d.code).toBe(0);
  }, 180_000);

  it('passes with 8 clients at 100 ms RTT', async () => {
    const out = mkdtempSync(join(tmpdir(), 'stratum-wt8-'));
    dirs.push(out);
    const r = await stratum('worldtest', '--clients', '8', '--rtt', '100', '--out', out);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as WorldTestMetrics;
    expectExactTargetsMet(m, r);
    expect(m.clients).toHaveLength(8);
  }, 180_000);

  it('refuses a bad option or scenario with the key and its range', async () => {
    const r = await stratum('worldtest', '--loss', '0.9');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--loss must be a number in 0..0.5');
    const dir = mkdtempSync(join(tmpdir(), 'stratum-scn-'));
    dirs.push(dir);
    const bad = join(dir, 'bad.toml');
    (await import('node:fs')).writeFileSync(bad, '[world]\nradius = 100\n[[phase]]\nkind = "walk"\nclient = 1\npath = [[0, 0]]\n');
    const s = await stratum('worldtest', '--scenario', bad);
    expect(s.code).toBe(2);
    expect(s.stderr).toContain('world.radius must be an integer in 1..32; got 100');
  });
});
