import { describe, expect, it } from 'vitest';
import { TICK_HZ, TICK_MS, createFixedStep, createManualClock } from '../../engine/tick.ts';

describe('fixed-step accumulator', () => {
  it('runs one tick per 50 ms of clock time and keeps the remainder', () => {
    const clock = createManualClock();
    const fs = createFixedStep({ clock });
    const ran: number[] = [];
    clock.advance(49);
    expect(fs.advance((t) => ran.push(t))).toBe(0);
    clock.advance(1);
    expect(fs.advance((t) => ran.push(t))).toBe(1);
    clock.advance(125);
    expect(fs.advance((t) => ran.push(t))).toBe(2);
    expect(ran).toEqual([0, 1, 2]);
    expect(fs.alpha()).toBeCloseTo(25 / TICK_MS);
    expect(TICK_HZ).toBe(20);
  });

  it('caps catch-up steps, drops the backlog and reports falling behind', () => {
    const clock = createManualClock();
    const behind: number[] = [];
    const fs = createFixedStep({ clock, maxCatchUpSteps: 3, onFallBehind: (n) => behind.push(n) });
    clock.advance(TICK_MS * 10);
    expect(fs.advance(() => {})).toBe(3);
    expect(behind).toEqual([7]);
    expect(fs.droppedSteps).toBe(7);
    expect(fs.tick).toBe(3);
  });

  it('runs at most `limit` due steps per call and keeps the rest due, within the catch-up cap', () => {
    const clock = createManualClock();
    const behind: number[] = [];
    const fs = createFixedStep({ clock, maxCatchUpSteps: 3, onFallBehind: (n) => behind.push(n) });
    clock.advance(TICK_MS * 2 + 10);
    expect(fs.advance(() => {}, 1)).toBe(1);
    expect(fs.alpha()).toBeCloseTo(1 + 10 / TICK_MS); // one more step due
    expect(fs.advance(() => {}, 1)).toBe(1);
    expect(fs.advance(() => {}, 1)).toBe(0);
    clock.advance(TICK_MS * 10);
    expect(fs.advance(() => {}, 1)).toBe(1);
    expect(behind).toEqual([7]); // 10 due, 3 kept
    expect(fs.advance(() => {}, 5)).toBe(2);
    expect(fs.tick).toBe(5);
  });

  it('measures step durations with the timer', () => {
    const clock = createManualClock();
    const timer = createManualClock();
    const fs = createFixedStep({ clock, timer });
    clock.advance(TICK_MS * 2);
    fs.advance(() => timer.advance(4));
    expect(fs.durationCount).toBe(2);
    expect([fs.durations[0], fs.durations[1]]).toEqual([4, 4]);
  });
});

describe('fixed-step phase', () => {
  it('firstStepInMs sets when the first step falls due, then one step per 50 ms', () => {
    const clock = createManualClock();
    const fs = createFixedStep({ clock, firstStepInMs: 20 });
    const ran: number[] = [];
    clock.advance(19);
    expect(fs.advance((t) => ran.push(t))).toBe(0);
    clock.advance(1);
    expect(fs.advance((t) => ran.push(t))).toBe(1);
    clock.advance(49);
    expect(fs.advance((t) => ran.push(t))).toBe(0);
    clock.advance(1);
    expect(fs.advance((t) => ran.push(t))).toBe(1);
    expect(createFixedStep({ clock, firstStepInMs: 0 }).advance(() => {})).toBe(1);
    for (const bad of [-1, 51, Number.NaN]) expect(() => createFixedStep({ clock, firstStepInMs: bad })).toThrow(/firstStepInMs must be in 0\.\.50/);
  });
});
