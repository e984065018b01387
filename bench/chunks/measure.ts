/** Timing and size statistics for the chunk benchmark. */

/** Median, 90th percentile and total of per-column byte counts. */
export interface ByteStats {
  /** Median bytes per column. */
  median: number;
  /** 90th percentile bytes per column (nearest rank). */
  p90: number;
  /** Bytes of all columns. */
  total: number;
}

/** Statistics of encoded sizes. */
export function byteStats(sizes: readonly number[]): ByteStats {
  const s = [...sizes].sort((a, b) => a - b);
  const rank = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, p90: rank(0.9), total: s.reduce((a, b) => a + b, 0) };
}

/**
 * Runs `pass` (which processes `perPass` columns) once to warm up, then repeatedly for at least `minMs`
 * milliseconds and at least 3 times; returns columns per second.
 */
export async function columnsPerSecond(perPass: number, minMs: number, pass: () => unknown): Promise<number> {
  await pass();
  let passes = 0;
  const start = performance.now();
  let elapsed = 0;
  while (passes < 3 || elapsed < minMs) {
    await pass();
    passes++;
    elapsed = performance.now() - start;
  }
  return (passes * perPass) / (elapsed / 1000);
}

/** True when two id arrays are equal. */
export function sameIds(a: Uint16Array, b: Uint16Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
