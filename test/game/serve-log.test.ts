/**
 * `stratum serve --log json` as a child process: every line on stdout is a JSON object with t, level and msg, the
 * ready line carries the URLs, the page port answers `/metrics`, and a SIGTERM stop is logged the same way. Its help
 * names the option. (The default text output is covered by server-process.test.ts and the e2e suite, which read it.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, getText, prebuiltWebDir, stratum } from '../support/cli.ts';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A prebuilt web folder, removed after the tests. */
const webDir = () => {
  const dir = prebuiltWebDir();
  dirs.push(dir);
  return dir;
};

describe('stratum serve --log json', () => {
  it('writes JSON lines only, the ready line with its URLs, and serves /metrics', async () => {
    const proc = spawn(process.execPath, [
      CLI, 'serve', '--log', 'json', '--storage', 'none', '--http-port', '0', '--port', '0', '--transport', 'h2', '--world', 'superflat',
      '--world-radius', '1', '--view-distance', '1', '--column-sections', '4', '--threads', '1', '--web-dir', webDir(),
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(proc);
    let out = '';
    let err = '';
    proc.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<number | null>((ok) => proc.once('exit', ok));
    const ready = await new Promise<Record<string, unknown>>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`not ready in 60 s:\n${out}${err}`)), 60_000);
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n').find((l) => l.includes('server ready'));
        if (line) { clearTimeout(timer); ok(JSON.parse(line)); }
      });
      void exited.then((code) => { clearTimeout(timer); fail(new Error(`exited ${code}:\n${out}${err}`)); });
    });
    expect(ready).toMatchObject({ level: 'info', process: 'server', transports: ['h2'] });
    expect(String(ready.msg)).toMatch(/^Stratum server ready: open https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(String(ready.url)).toBe(String(ready.msg).slice('Stratum server ready: open '.length));
    expect(ready.adminToken).toMatch(/^\w+/); // made up here, so told once
    const metricsUrl = String(ready.metricsUrl);
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    await new Promise((r) => setTimeout(r, 300));
    const m = await getText(metricsUrl);
    expect(m.status).toBe(200);
    expect(m.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const count = m.body.match(/^stratum_tick_duration_seconds_count\{process="server"\} (\d+)$/m);
    expect(Number(count?.[1])).toBeGreaterThan(0);
    expect(m.body).toMatch(/^stratum_players\{process="server"\} 0$/m);

    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) {
      const o = JSON.parse(line) as Record<string, unknown>;
      expect(new Date(String(o.t)).toISOString()).toBe(o.t);
      expect(['debug', 'info', 'warn', 'error']).toContain(o.level);
      expect(typeof o.msg).toBe('string');
    }
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ level: 'info', msg: 'SIGTERM: stopping' });
    expect(err).toBe('');
  });

  it('is named in the help, text by default', async () => {
    const { code, stdout } = await stratum('serve', '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/--log .*text.*json/);
    expect(stdout).toMatch(/--log-level/);
  });
});
