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

/** A speed: columns per second of wall time, and per second of this process's CPU time (all its threads). */
export interface Rate {
  /** Columns per wall-clock second (best round). */
  wall: number;
  /** Columns per CPU second of the process (best round); robust when other processes share the cores. */
  cpu: number;
}

/** One measurement round: repeats `pass` (which processes `perPass` columns) for `minMs` and at least 3 times. */
export async function measureRound(perPass: number, minMs: number, pass: () => unknown): Promise<Rate> {
  let passes = 0, elapsed = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  while (passes < 3 || elapsed < minMs) {
    await pass();
    passes++;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpu0);
  return { wall: (passes * perPass) / (elapsed / 1000), cpu: (passes * perPass) / ((cpu.user + cpu.system) / 1e6) };
}

/** The best of several rates, field by field. */
export function bestRate(a: Rate, b: Rate): Rate {
  return { wall: Math.max(a.wall, b.wall), cpu: Math.max(a.cpu, b.cpu) };
}

/**
 * Runs `pass` once to warm up, then `rounds` rounds ({@link measureRound}); returns the best round's rates (the
 * machine may be shared: the best round is the least disturbed one).
 */
export async function columnsPerSecond(perPass: number, minMs: number, pass: () => unknown, rounds = 3): Promise<Rate> {
  await pass();
  let best: Rate = { wall: 0, cpu: 0 };
  for (let r = 0; r < rounds; r++) best = bestRate(best, await measureRound(perPass, minMs, pass));
  return best;
}

/** True when two id arrays are equal. */
export function sameIds(a: Uint16Array, b: Uint16Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
