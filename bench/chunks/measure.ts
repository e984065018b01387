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

/**
 * Runs `pass` (which processes `perPass` columns) once to warm up, then `rounds` rounds, each repeating it for at
 * least `minMs` milliseconds and 3 times; returns the best round's rates (the machine may be shared: the best round
 * is the least disturbed one).
 */
export async function columnsPerSecond(perPass: number, minMs: number, pass: () => unknown, rounds = 3): Promise<Rate> {
  await pass();
  const best: Rate = { wall: 0, cpu: 0 };
  for (let r = 0; r < rounds; r++) {
    let passes = 0, elapsed = 0;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    while (passes < 3 || elapsed < minMs) {
      await pass();
      passes++;
      elapsed = performance.now() - start;
    }
    const cpu = process.cpuUsage(cpu0);
    best.wall = Math.max(best.wall, (passes * perPass) / (elapsed / 1000));
    best.cpu = Math.max(best.cpu, (passes * perPass) / ((cpu.user + cpu.system) / 1e6));
  }
  return best;
}

/** True when two id arrays are equal. */
export function sameIds(a: Uint16Array, b: Uint16Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
