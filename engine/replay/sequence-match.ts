/**
 * Sequence alignment for the stream diff: a longest common subsequence bounded by the number of edits (Myers'
 * O((N+M)D) algorithm), and a longest increasing subsequence (patience sorting, O(n log n)). Pure, deterministic.
 */

/**
 * Pairs of indices `[i, j]` (ascending in both) of a longest common subsequence of `a` and `b`, compared with
 * `===`; `undefined` if more than `maxEdits` insertions plus deletions would be needed (the caller then falls back
 * to a cheaper matching). Time O((N+M)·D) and memory O(D²) for D edits.
 */
export function commonSubsequence(a: readonly string[], b: readonly string[], maxEdits: number): [number, number][] | undefined {
  const n = a.length, m = b.length;
  const max = Math.min(n + m, Math.max(0, Math.floor(maxEdits)));
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds v[-d..d] (the furthest x reached on each diagonal k) as it was before step d.
  const trace: Int32Array[] = [];
  v[offset + 1] = 0;
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m);
    }
  }
  return undefined;
}

function backtrack(trace: readonly Int32Array[], n: number, m: number): [number, number][] {
  const pairs: [number, number][] = [];
  let x = n, y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const snap = trace[d];
    // snap[d + k] is v[k] before step d, for k in -d..d; at d = 0 the sentinel v[1] = 0 lies outside: use 0.
    const at = (k: number) => (k >= -d && k <= d ? snap[d + k] : 0);
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      pairs.push([x - 1, y - 1]);
      x--; y--;
    }
    x = prevX; y = prevY;
  }
  return pairs.reverse();
}

/**
 * Marks a longest strictly increasing subsequence of `seq` (distinct values): `keep[k]` is true for its members.
 * Patience sorting, O(n log n); ties between equally long runs are broken the same way every time.
 */
export function longestIncreasing(seq: readonly number[]): boolean[] {
  const tails: number[] = []; // tails[len-1] = index of the smallest tail of an increasing run of length len
  const prev = new Int32Array(seq.length).fill(-1);
  for (let k = 0; k < seq.length; k++) {
    let lo = 0, hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]] < seq[k]) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1];
    tails[lo] = k;
  }
  const keep = new Array<boolean>(seq.length).fill(false);
  for (let k = tails.length > 0 ? tails[tails.length - 1] : -1; k >= 0; k = prev[k]) keep[k] = true;
  return keep;
}
