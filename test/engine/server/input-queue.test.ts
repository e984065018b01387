import { describe, expect, it } from 'vitest';
import { BlockActionKind, Button, type PlayerInput } from '../../../engine/input.ts';
import { MAX_INPUT_LEAD, createInputQueue, pushInput, recordArrival, takeInput, timingAdvice } from '../../../engine/server/input-queue.ts';

const input = (tick: number, buttons = Button.Forward): PlayerInput => ({ tick, buttons, yaw: 10, pitch: 0 });

describe('server input queue', () => {
  it('takes the input for each tick and repeats the last movement, never its action, when one is missing', () => {
    const q = createInputQueue();
    expect(takeInput(q, 0)).toBeNull();
    pushInput(q, { ...input(1), block: { kind: BlockActionKind.Break, x: 0, y: 0, z: 0, face: 3 } }, 0);
    expect(takeInput(q, 1)?.block).toBeDefined();
    const repeated = takeInput(q, 2)!;
    expect(repeated).toEqual({ tick: 2, buttons: Button.Forward, yaw: 10, pitch: 0 });
    expect(q.stats.missing).toBe(1);
  });

  it('drops late inputs, refuses far-future ones, ignores duplicates, and counts each', () => {
    const q = createInputQueue();
    expect(pushInput(q, input(4), 5)).toBe('late');
    expect(pushInput(q, input(5 + MAX_INPUT_LEAD + 1), 5)).toBe('too-far');
    expect(pushInput(q, input(1e9), 5)).toBe('too-far');
    expect(pushInput(q, input(-3), 5)).toBe('late');
    expect(pushInput(q, input(6), 5)).toBe('accepted');
    expect(pushInput(q, input(6), 5)).toBe('duplicate');
    expect(q.stats).toMatchObject({ late: 2, tooFar: 2, duplicate: 1, accepted: 1 });
  });

  it('settles each tick once: a repeat after its tick ran is a duplicate (not late), and a tick refused once is never accepted', () => {
    const q = createInputQueue();
    expect(pushInput(q, input(10), 9)).toBe('accepted');
    takeInput(q, 9);
    takeInput(q, 10);
    expect(pushInput(q, input(10), 11)).toBe('duplicate'); // repeated in a later bundle
    expect(pushInput(q, input(8), 11)).toBe('late'); // never came before: late, once
    expect(pushInput(q, input(8), 11)).toBe('duplicate');
    const far = 11 + MAX_INPUT_LEAD + 5;
    expect(pushInput(q, input(far), 11)).toBe('too-far');
    expect(pushInput(q, input(far), far - 3)).toBe('duplicate'); // within the lead now, but already refused
    expect(q.pending.has(far)).toBe(false);
    expect(q.stats).toMatchObject({ accepted: 1, late: 1, tooFar: 1, duplicate: 3 });
  });

  it('holds at most one input per tick within the lead window under a flood of 1,000 inputs', () => {
    const q = createInputQueue();
    for (let i = 0; i < 1000; i++) pushInput(q, input(100 + (i % 60)), 100);
    expect(q.pending.size).toBe(MAX_INPUT_LEAD + 1);
    expect(q.stats.accepted + q.stats.duplicate + q.stats.tooFar).toBe(1000);
    for (let t = 100; t <= 100 + MAX_INPUT_LEAD; t++) expect(takeInput(q, t)?.tick).toBe(t);
    expect(q.pending.size).toBe(0);
  });

  it('advises speeding up when inputs arrive with no margin and slowing down when far ahead', () => {
    const q = createInputQueue();
    for (let i = 0; i < 10; i++) recordArrival(q, 100 + i, 100 + i);
    expect(timingAdvice(q, 2)).toBe(2); // arriving with no margin: run 2 ticks further ahead
    expect(q.leads).toEqual([]); // cleared after advice
    for (let i = 0; i < 20; i++) recordArrival(q, 99 + i, 100 + i);
    expect(timingAdvice(q, 2)).toBe(3); // arriving late
    for (let i = 0; i < 20; i++) recordArrival(q, 110 + i, 100 + i);
    expect(timingAdvice(q, 2)).toBe(-7); // back to one tick above the target
    for (let i = 0; i < 20; i++) recordArrival(q, 102 + (i % 3), 100);
    expect(timingAdvice(q, 2)).toBe(0);
    expect(q.leads).toHaveLength(20);
  });
});
