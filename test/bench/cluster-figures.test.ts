/**
 * The cluster bench's figures: a /metrics page's tick histogram and players gauge, differences between two readings,
 * quantiles inside buckets, the share within the 25 ms bound, NATS traffic differences, nearest-rank percentiles.
 */
import { describe, expect, it } from 'vitest';
import {
  histogramDelta, histogramQuantile, parseShardMetrics, percentile, shareAtMost, trafficDelta,
} from '../../bench/cluster-figures.ts';

/** A /metrics page with `counts` ticks at most 5, 10, 25 ms and +Inf (cumulative). */
const page = (counts: [number, number, number, number], players: number) => [
  '# HELP stratum_tick_duration_seconds Duration of one server tick',
  '# TYPE stratum_tick_duration_seconds histogram',
  `stratum_tick_duration_seconds_bucket{le="0.025",process="shard",shard="s1"} ${counts[2]}`,
  `stratum_tick_duration_seconds_bucket{le="0.005",process="shard",shard="s1"} ${counts[0]}`,
  `stratum_tick_duration_seconds_bucket{le="0.01",process="shard",shard="s1"} ${counts[1]}`,
  `stratum_tick_duration_seconds_bucket{le="+Inf",process="shard",shard="s1"} ${counts[3]}`,
  `stratum_tick_duration_seconds_sum{process="shard",shard="s1"} 1.5`,
  `stratum_tick_duration_seconds_count{process="shard",shard="s1"} ${counts[3]}`,
  `stratum_players{process="shard",shard="s1"} ${players}`,
  'stratum_players_total_something 99',
  'process_cpu_seconds_total{process="shard",shard="s1"} 12.5',
].join('\n');

describe('cluster bench figures', () => {
  it('reads the tick histogram (bounds in order) and the players gauge', () => {
    const s = parseShardMetrics(page([10, 20, 30, 40], 7));
    expect(s.tick).toEqual({ le: [0.005, 0.01, 0.025, Infinity], counts: [10, 20, 30, 40], count: 40, sum: 1.5 });
    expect(s.players).toBe(7);
    expect(s.cpuSeconds).toBe(12.5);
  });

  it('differences, quantiles inside buckets and the share within a bound', () => {
    const a = parseShardMetrics(page([10, 20, 30, 40], 0)).tick;
    const b = parseShardMetrics(page([110, 170, 228, 240], 0)).tick;
    const d = histogramDelta(a, b);
    expect(d.counts).toEqual([100, 150, 198, 200]);
    expect(d.count).toBe(200);
    expect(histogramQuantile(d, 0.25)).toBeCloseTo(0.0025, 9); // 50 of the 100 in 0..5 ms
    expect(histogramQuantile(d, 0.6)).toBeCloseTo(0.007, 9); // 20 of the 50 in 5..10 ms
    expect(histogramQuantile(d, 0.995)).toBe(Infinity); // past 25 ms: beyond the last bound
    expect(shareAtMost(d, 0.025)).toBeCloseTo(0.99, 9);
    expect(() => shareAtMost(d, 0.02)).toThrow(RangeError);
    expect(histogramQuantile({ le: [0.01, Infinity], counts: [0, 0], count: 0, sum: 0 }, 0.5)).toBeNaN();
  });

  it('traffic differences (a connection missing counts as zeros) and nearest-rank percentiles', () => {
    const t = { inMsgs: 10, inBytes: 100, outMsgs: 5, outBytes: 50 };
    expect(trafficDelta(t, { inMsgs: 30, inBytes: 400, outMsgs: 6, outBytes: 70 })).toEqual({ inMsgs: 20, inBytes: 300, outMsgs: 1, outBytes: 20 });
    expect(trafficDelta(undefined, t)).toEqual(t);
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
  });
});
