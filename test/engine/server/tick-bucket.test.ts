import { describe, expect, it } from 'vitest';
import { createTickBucket, takeToken, tokensAt } from '../../../engine/server/tick-bucket.ts';

describe('tick bucket', () => {
  it('gives a burst, then refills per tick up to its capacity', () => {
    const b = createTickBucket(3, 0.5, 100);
    expect([takeToken(b, 100), takeToken(b, 100), takeToken(b, 100), takeToken(b, 100)]).toEqual([true, true, true, false]);
    expect(takeToken(b, 101)).toBe(false); // half a token
    expect(takeToken(b, 102)).toBe(true);
    expect(tokensAt(b, 1000)).toBe(3);
    expect(() => createTickBucket(0, 1, 0)).toThrow(RangeError);
  });

  it('never refills backwards in time', () => {
    const b = createTickBucket(2, 1, 50);
    takeToken(b, 50);
    takeToken(b, 50);
    expect(tokensAt(b, 40)).toBe(0);
    expect(tokensAt(b, 51)).toBe(1);
  });
});
