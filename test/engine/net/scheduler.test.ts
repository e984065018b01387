/** The manual scheduler: due order, ties in insertion order, timers set by timers, clearing. */
import { describe, expect, it } from 'vitest';
import { createManualScheduler } from '../../../engine/net/scheduler.ts';

describe('manual scheduler', () => {
  it('runs timers in due order, ties in the order set, including timers set while running', () => {
    const s = createManualScheduler(100);
    const log: string[] = [];
    s.set(10, () => log.push(`b@${s.now()}`));
    s.set(5, () => { log.push(`a@${s.now()}`); s.set(0, () => log.push(`a2@${s.now()}`)); s.set(20, () => log.push(`late@${s.now()}`)); });
    s.set(10, () => log.push(`c@${s.now()}`));
    const gone = s.set(7, () => log.push('cleared'));
    s.clear(gone);
    s.advance(10);
    expect(log).toEqual(['a@105', 'a2@105', 'b@110', 'c@110']);
    expect(s.now()).toBe(110);
    expect(s.pending).toBe(1);
    s.advance(15);
    expect(log.at(-1)).toBe('late@125');
    expect(s.now()).toBe(125);
    expect(() => s.advance(-1)).toThrow(RangeError);
  });
});
