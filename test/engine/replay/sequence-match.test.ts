import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonSubsequence, longestIncreasing } from '../../../engine/replay/sequence-match.ts';

/** Textbook O(nm) LCS length, as the reference. */
function lcsLength(a: readonly string[], b: readonly string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i][j] = a[i - 1] === b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
    }
  }
  return dp[a.length][b.length];
}

/** Brute-force longest increasing subsequence length. */
function lisLength(seq: readonly number[]): number {
  const best = seq.map(() => 1);
  for (let i = 0; i < seq.length; i++) for (let j = 0; j < i; j++) if (seq[j] < seq[i]) best[i] = Math.max(best[i], best[j] + 1);
  return Math.max(0, ...best);
}

const letters = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 25 });

describe('commonSubsequence', () => {
  it('finds a longest common subsequence: valid ascending pairs of equal items, of the reference length', () => {
    fc.assert(fc.property(letters, letters, (a, b) => {
      const pairs = commonSubsequence(a, b, a.length + b.length)!;
      expect(pairs).toBeDefined();
      for (let k = 0; k < pairs.length; k++) {
        const [i, j] = pairs[k];
        expect(a[i]).toBe(b[j]);
        if (k > 0) {
          expect(i).toBeGreaterThan(pairs[k - 1][0]);
          expect(j).toBeGreaterThan(pairs[k - 1][1]);
        }
      }
      expect(pairs.length).toBe(lcsLength(a, b));
    }));
  });

  it('gives up when more edits than allowed are needed, and not before', () => {
    fc.assert(fc.property(letters, letters, (a, b) => {
      const edits = a.length + b.length - 2 * lcsLength(a, b);
      expect(commonSubsequence(a, b, edits)).toBeDefined();
      if (edits > 0) expect(commonSubsequence(a, b, edits - 1)).toBeUndefined();
    }));
  });

  it('handles empty and identical inputs', () => {
    expect(commonSubsequence([], [], 0)).toEqual([]);
    expect(commonSubsequence(['x', 'y'], ['x', 'y'], 0)).toEqual([[0, 0], [1, 1]]);
    expect(commonSubsequence([], ['x'], 1)).toEqual([]);
  });
});

describe('longestIncreasing', () => {
  it('marks a strictly increasing subsequence of maximal length', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.nat({ max: 100 }), { maxLength: 30 }), (seq) => {
      const keep = longestIncreasing(seq);
      const kept = seq.filter((_, k) => keep[k]);
      for (let k = 1; k < kept.length; k++) expect(kept[k]).toBeGreaterThan(kept[k - 1]);
      expect(kept.length).toBe(lisLength(seq));
    }));
    expect(longestIncreasing([0, 2, 1, 3])).toEqual([true, false, true, true]);
  });
});
