import { describe, expect, it } from 'vitest';
import { MAX_NET_ID_BASE, checkNetIdBase, checkTickEpoch, epochStart } from '../../../engine/server/tick-epoch.ts';

describe('tick epoch', () => {
  it('the next tick due at a wall time, and the wait until it', () => {
    expect(epochStart(1000, 1000, 0)).toEqual({ tick: 0, dueInMs: 0 });
    expect(epochStart(1000, 1001, 0)).toEqual({ tick: 1, dueInMs: 49 });
    expect(epochStart(1000, 1050, 0)).toEqual({ tick: 1, dueInMs: 0 });
    expect(epochStart(0, 2_000_030, 0)).toEqual({ tick: 40_001, dueInMs: 20 });
    // Before the epoch: tick 0, at the epoch.
    expect(epochStart(5000, 1000, 0)).toEqual({ tick: 0, dueInMs: 4000 });
    // A world already ahead waits for its own tick's slot.
    expect(epochStart(0, 1000, 30)).toEqual({ tick: 30, dueInMs: 500 });
    expect(() => epochStart(0, Number.NaN, 0)).toThrow(/wallClock returned NaN/);
  });

  it('checks the options, naming them and their ranges', () => {
    expect(checkNetIdBase(1)).toBe(1);
    expect(checkNetIdBase(MAX_NET_ID_BASE)).toBe(MAX_NET_ID_BASE);
    for (const bad of [0, 0.5, MAX_NET_ID_BASE + 1, -3]) expect(() => checkNetIdBase(bad)).toThrow(/netIdBase must be an integer in 1\.\.1073741824/);
    expect(checkTickEpoch(0)).toBe(0);
    for (const bad of [-1, Infinity, Number.NaN, '5' as unknown as number]) expect(() => checkTickEpoch(bad)).toThrow(/tickEpochMs must be a finite number/);
  });
});
