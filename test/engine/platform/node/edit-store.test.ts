import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEditStore } from '../../../../engine/platform/node/edit-store.ts';

describe('edit store (node:sqlite)', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

  it('keeps the latest block per position across reopen, and metadata', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-store-'));
    dirs.push(dir);
    const path = join(dir, 'sub', 'world.sqlite');
    const a = openEditStore(path);
    a.commit([{ x: 1, y: 2, z: 3, block: 5, tick: 10 }, { x: -4, y: 0, z: 9, block: 1, tick: 10 }]);
    a.commit([{ x: 1, y: 2, z: 3, block: 0, tick: 12 }]);
    a.setMeta('seed', '42');
    a.close();
    const b = openEditStore(path);
    expect(b.loadAll()).toEqual([{ x: -4, y: 0, z: 9, block: 1, tick: 10 }, { x: 1, y: 2, z: 3, block: 0, tick: 12 }].map((e) => expect.objectContaining(e)));
    expect(b.getMeta('seed')).toBe('42');
    expect(b.getMeta('nope')).toBeUndefined();
    b.close();
  });

  it('writes a batch atomically: a failing batch leaves nothing of itself', () => {
    const s = openEditStore(':memory:');
    s.commit([{ x: 0, y: 0, z: 0, block: 1, tick: 1 }]);
    expect(() => s.commit([{ x: 1, y: 0, z: 0, block: 2, tick: 2 }, { x: 2, y: 0, z: 0, block: null as unknown as number, tick: 2 }])).toThrow();
    expect(s.loadAll().map((e) => e.x)).toEqual([0]);
    s.close();
  });

  it('commits with synchronous=NORMAL by default and FULL when asked (power-loss durability), and refuses other values', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-store-'));
    dirs.push(dir);
    for (const sync of [undefined, 'normal', 'full'] as const) {
      const s = openEditStore(join(dir, `${sync}.sqlite`), { sync });
      expect(s.sync).toBe(sync ?? 'normal');
      s.close();
    }
    expect(() => openEditStore(join(dir, 'x.sqlite'), { sync: 'off' as never })).toThrow(/'normal' or 'full'/);
  });
});
