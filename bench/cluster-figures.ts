/**
 * The figures of `stratum-voxel bench cluster`, read from outside the processes: each shard's `/metrics` (its tick
 * histogram, `stratum_tick_duration_seconds`, its players gauge and its CPU time) and the nats-server's monitoring (`/connz`: the
 * messages and bytes of each named connection). Each is read before and after a window; the figures are the
 * differences.
 */
import { METRIC_NAMES } from '../engine/server.ts';

/** A histogram at one moment: cumulative counts per upper bound (seconds, ascending, +Inf last), total count and sum. */
export interface Histogram {
  /** Upper bounds, seconds (the last is Infinity). */
  le: number[];
  /** Observations at most `le[i]`, cumulative. */
  counts: number[];
  /** Observations in all. */
  count: number;
  /** Sum of the observations, seconds. */
  sum: number;
}

/** What one scrape of a shard's `/metrics` gives the bench. */
export interface ShardScrape {
  /** The tick histogram. */
  tick: Histogram;
  /** Players joined on that shard now. */
  players: number;
  /** CPU time the shard process used so far, seconds (prom-client's `process_cpu_seconds_total`). */
  cpuSeconds: number;
}

/** Traffic of one NATS connection so far, as the server counts it (in: what the client published). */
export interface NatsTraffic {
  /** Messages the client published. */
  inMsgs: number;
  /** Bytes of payload the client published. */
  inBytes: number;
  /** Messages delivered to the client. */
  outMsgs: number;
  /** Bytes of payload delivered to the client. */
  outBytes: number;
}

/** `name{labels} value` lines of a Prometheus text page, by name and labels as written. */
function samples(text: string): Array<{ name: string; labels: string; value: number }> {
  const out: Array<{ name: string; labels: string; value: number }> = [];
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)/);
    if (m) out.push({ name: m[1], labels: m[2] ?? '', value: Number(m[3]) });
  }
  return out;
}

/** The tick histogram and players gauge of a `/metrics` page. */
export function parseShardMetrics(text: string): ShardScrape {
  const all = samples(text);
  const name = METRIC_NAMES.tickDuration;
  const buckets = all.filter((s) => s.name === `${name}_bucket`).map((s) => {
    const le = s.labels.match(/le="([^"]+)"/)?.[1] ?? '+Inf';
    return { le: le === '+Inf' ? Infinity : Number(le), count: s.value };
  }).sort((a, b) => a.le - b.le);
  const one = (n: string) => all.find((s) => s.name === n)?.value ?? NaN;
  return {
    tick: { le: buckets.map((b) => b.le), counts: buckets.map((b) => b.count), count: one(`${name}_count`), sum: one(`${name}_sum`) },
    players: one(METRIC_NAMES.players),
    cpuSeconds: one('process_cpu_seconds_total'),
  };
}

/** The observations between two readings `a` then `b` of the same histogram. */
export function histogramDelta(a: Histogram, b: Histogram): Histogram {
  return { le: b.le, counts: b.counts.map((c, i) => c - (a.counts[i] ?? 0)), count: b.count - a.count, sum: b.sum - a.sum };
}

/**
 * Quantile `q` (0..1) of a histogram, seconds, interpolated linearly inside its bucket (as Prometheus'
 * histogram_quantile); NaN when empty, Infinity when it lies past the last finite bound.
 */
export function histogramQuantile(h: Histogram, q: number): number {
  if (!(h.count > 0)) return NaN;
  const rank = q * h.count;
  const i = h.counts.findIndex((c) => c >= rank);
  if (i < 0 || h.le[i] === Infinity) return Infinity;
  const lo = i === 0 ? 0 : h.le[i - 1], below = i === 0 ? 0 : h.counts[i - 1];
  const inBucket = h.counts[i] - below;
  return inBucket > 0 ? lo + ((h.le[i] - lo) * (rank - below)) / inBucket : h.le[i];
}

/** The share (0..1) of observations at most `le` seconds, which must be one of the bounds; NaN when empty. */
export function shareAtMost(h: Histogram, le: number): number {
  const i = h.le.indexOf(le);
  if (i < 0) throw new RangeError(`${le} s is not a bound of the histogram (${h.le.join(', ')})`);
  return h.count > 0 ? h.counts[i] / h.count : NaN;
}

/** Reads a shard's `/metrics`. */
export async function scrapeShard(metricsUrl: string): Promise<ShardScrape> {
  const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(10_000) }).catch((err: Error) => { throw new Error(`${metricsUrl}: ${err.message}`); });
  if (!res.ok) throw new Error(`${metricsUrl}: HTTP ${res.status}`);
  return parseShardMetrics(await res.text());
}

/** Reads the open connections of a nats-server's monitoring (`monitorUrl` ends with /), by connection name. */
export async function readConnz(monitorUrl: string): Promise<Map<string, NatsTraffic>> {
  const res = await fetch(new URL('connz?subs=0&limit=1024', monitorUrl), { signal: AbortSignal.timeout(10_000) })
    .catch((err: Error) => { throw new Error(`${monitorUrl}connz: ${err.message}`); });
  if (!res.ok) throw new Error(`${monitorUrl}connz: HTTP ${res.status}`);
  const body = await res.json() as { connections?: Array<{ name?: string; in_msgs: number; in_bytes: number; out_msgs: number; out_bytes: number }> };
  const byName = new Map<string, NatsTraffic>();
  for (const c of body.connections ?? []) {
    // Two connections of one name (none expected) are added up.
    const t = byName.get(c.name ?? '') ?? { inMsgs: 0, inBytes: 0, outMsgs: 0, outBytes: 0 };
    byName.set(c.name ?? '', { inMsgs: t.inMsgs + c.in_msgs, inBytes: t.inBytes + c.in_bytes, outMsgs: t.outMsgs + c.out_msgs, outBytes: t.outBytes + c.out_bytes });
  }
  return byName;
}

/** Traffic between two readings of one connection (zeros when it is missing from either). */
export function trafficDelta(a: NatsTraffic | undefined, b: NatsTraffic | undefined): NatsTraffic {
  const z: NatsTraffic = { inMsgs: 0, inBytes: 0, outMsgs: 0, outBytes: 0 };
  const x = a ?? z, y = b ?? z;
  return { inMsgs: y.inMsgs - x.inMsgs, inBytes: y.inBytes - x.inBytes, outMsgs: y.outMsgs - x.outMsgs, outBytes: y.outBytes - x.outBytes };
}

/** The p-th percentile (0..100) of `xs`, nearest rank; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
