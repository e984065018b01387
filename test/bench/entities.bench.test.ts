import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { entitiesBench } from '../../bench/entities.bench.ts';

describe('stratum bench entities', () => {
  it('writes the figures for ours and the @colyseus/schema peer, both clients exact', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'entbench-')), 'entities.json');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(await entitiesBench.run(['--entities', '12', '--seconds', '3', '--loss', '0.2', '--json', file])).toBe(0);
    } finally {
      log.mockRestore();
    }
    const j = JSON.parse(readFileSync(file, 'utf8'));
    expect(j.entities).toBe(12);
    expect(j.mismatches).toBe(0);
    expect(j.updates).toBe(30);
    expect(j.lost).toBeGreaterThan(0);
    expect(j.bytesPerEntityUpdate).toBeGreaterThan(1);
    expect(j.kbpsPerClient).toBeGreaterThan(0);
    expect(j.savingsVsFullSnapshot).toBeGreaterThan(0);
    expect(j.savingsVsFullSnapshot).toBeLessThan(1);
    const peer = j.peers['colyseus-schema'];
    expect(peer.bytesPerEntityUpdate).toBeGreaterThan(j.bytesPerEntityUpdate);
    expect(peer.entityUpdates).toBe(j.perfectLink.entityUpdates); // same movement, same definition on a perfect link
  });
});
