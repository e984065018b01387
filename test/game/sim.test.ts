import { describe, expect, it } from 'vitest';
import { stratum } from '../support/cli.ts';


const sim = (...args: string[]) => stratum('sim', ...args);

function lastLineHash(stdout: string): string {
  const last = stdout.trim().split('\n').at(-1)!;
  expect(last).toMatch(/^state-hash [0-9a-f]{16}$/);
  return last.slice('state-hash '.length);
}

describe('stratum sim', () => {
  it('gives the same state hash in two separate processes, and another for another seed', async () => {
    const args = ['--ticks', '300', '--bots', '6'];
    const [a, b, c] = await Promise.all([sim('--seed', '11', ...args), sim('--seed', '11', ...args), sim('--seed', '12', ...args)]);
    expect(a.code).toBe(0);
    const ha = lastLineHash(a.stdout);
    expect(lastLineHash(b.stdout)).toBe(ha);
    expect(lastLineHash(c.stdout)).not.toBe(ha);
    // Light and the sky are part of the run: the same in both processes.
    const lightOf = (out: string) => /^light: 49 columns lit in \d+ ms, light-hash ([0-9a-f]{16})$/m.exec(out)?.[1];
    const skyOf = (out: string) => /^sky: day \d+, time \d+ of 24000 ticks, weather \w+ .*$/m.exec(out)?.[0];
    expect(lightOf(a.stdout)).toMatch(/^[0-9a-f]{16}$/);
    expect(lightOf(b.stdout)).toBe(lightOf(a.stdout));
    expect(skyOf(a.stdout)).toBeDefined();
    expect(skyOf(b.stdout)).toBe(skyOf(a.stdout));
    // The bots really did something.
    expect(a.stdout).toMatch(/blocks placed [1-9]\d*, broken [1-9]/);
    // Mobs (game/mobs.ts) spawned among them, the same in both processes.
    const mobs = /^mobs (\d+),/m.exec(a.stdout)?.[1];
    expect(Number(mobs)).toBeGreaterThan(0);
    expect(/^mobs (\d+),/m.exec(b.stdout)?.[1]).toBe(mobs);
  });

  it('names the option and its range when a value is out of range', async () => {
    const r = await sim('--bots', '5000');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--bots must be an integer in 0..1000; got "5000"');
    const t = await sim('--ticks', 'abc');
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('--ticks must be an integer in 1..10000000');
    const u = await sim('--speed', '3');
    expect(u.stderr).toMatch(/unknown option --speed; known options: --seed/);
  });
});
