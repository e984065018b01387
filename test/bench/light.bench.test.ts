import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { lightBench } from '../../bench/light.bench.ts';

describe('stratum bench light', () => {
  it('writes editMs p50/p99 and columnMs, and its edited light equals the world lit again', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lightbench-')), 'light.json');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await lightBench.run(['--radius', '1', '--sections', '6', '--edits', '80', '--threads', '1', '--json', file])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const j = JSON.parse(readFileSync(file, 'utf8'));
    expect(j.exact).toBe(true);
    expect(j.editMs.count).toBe(80);
    expect(j.editMs.p99).toBeGreaterThanOrEqual(j.editMs.p50);
    expect(j.columnMs).toBeGreaterThan(0);
    expect(j.world).toMatchObject({ columns: 9, sections: 6 });
    expect(Object.keys(j.editMs.byKind)).toHaveLength(8);
    expect(j.bytesPerColumn.lightCodec).toBeGreaterThan(0);
    expect(j.bytesPerColumn.blocksCodec).toBeGreaterThan(0);
  });
});
