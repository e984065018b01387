import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../../game/server/process-flags.ts';

const root = new URL('../../../', import.meta.url);

describe('server process flags', () => {
  it('npm start and the stratum command pass them (bench scale spawns with the list itself)', () => {
    const start = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts.start;
    const shebang = readFileSync(new URL('game/cli.ts', root), 'utf8').split('\n')[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(' ')}`);
    expect(start).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} game/cli.ts serve`);
  });

  it('this Node takes them: the young generation stays at 32 MB however much is allocated', () => {
    const out = execFileSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', `
      const v8 = require('node:v8'); let keep = [];
      for (let i = 0; i < 3e6; i++) { keep.push({ i }); if (keep.length > 2e5) keep = []; }
      console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);`], { encoding: 'utf8' });
    expect(Number(out)).toBeLessThanOrEqual(32 * 1048576);
  });
});
