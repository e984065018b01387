/**
 * Prometheus metrics of one process (single server, and later the cluster's gateway and shards), on prom-client with
 * a registry of its own (never the library's global one, so two servers in one process do not collide): tick
 * duration, players, open sessions, bytes in and out per channel, hand-offs, lease changes, NATS round trips, and
 * prom-client's default process metrics. Gauges and byte counters are read from the server's own counters when
 * scraped ({@link StratumMetrics.watch}), so no packet does extra work for them. Served on `/metrics` by `listen`'s
 * page port, or on a port of its own by `startMetricsServer`. Node only.
 */
import { createRequire } from 'node:module';
import { CHANNELS } from '../net/channels.ts';
import type { MetricsEndpoint } from '../platform/node/http/http-server.ts';

/** The metric names, for dashboards and tests. */
export const METRIC_NAMES = {
  /** Histogram: duration of one server tick, seconds. */
  tickDuration: 'stratum_tick_duration_seconds',
  /** Gauge: players joined (sessions past the handshake with an entity). */
  players: 'stratum_players',
  /** Gauge: network sessions open, handshaking included. */
  sessions: 'stratum_sessions',
  /** Counter: bytes of frames, labels `direction` (`in` | `out`) and `channel` (a channel's name, engine/net/channels.ts). */
  channelBytes: 'stratum_channel_bytes_total',
  /** Counter: players handed from one shard to another (0 on a single server). */
  handoffs: 'stratum_handoffs_total',
  /** Counter: region leases taken or lost (0 on a single server). */
  leaseChanges: 'stratum_lease_changes_total',
  /** Histogram: round trips of NATS requests, seconds (none on a single server). */
  natsRoundTrip: 'stratum_nats_round_trip_seconds',
} as const;

/**
 * Buckets of the tick histogram, seconds: 0.5 ms to 100 ms around the 50 ms budget of a 20 Hz tick, with a bound at
 * 25 ms (the cluster bench's target: tick p99 < 25 ms).
 */
export const TICK_BUCKETS: readonly number[] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.04, 0.05, 0.075, 0.1];

/** Buckets of the NATS round-trip histogram, seconds: 0.1 ms to 1 s. */
export const NATS_BUCKETS: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** Bytes so far per channel and direction, each array indexed by channel id (engine/net/channels.ts `Channel`); never decreasing. */
export interface ChannelByteTotals {
  /** Bytes received per channel. */
  readonly in: readonly number[];
  /** Bytes sent per channel. */
  readonly out: readonly number[];
}

/** Where scraped values come from; each is read when `/metrics` is asked for. */
export interface MetricsSources {
  /** Players now. */
  players?: () => number;
  /** Open network sessions now. */
  sessions?: () => number;
  /** Bytes so far per channel (monotonic: what is read is added as the difference from the previous read). */
  channelBytes?: () => ChannelByteTotals;
}

/** A counter, as prom-client's Counter (the calls used here). */
export interface CounterMetric {
  /** Adds `value` (default 1), to the series of `labels` when given. */
  inc(labelsOrValue?: Readonly<Record<string, string>> | number, value?: number): void;
}

/** A gauge, as prom-client's Gauge (the calls used here). */
export interface GaugeMetric {
  /** Sets the value. */
  set(value: number): void;
}

/** A histogram, as prom-client's Histogram (the calls used here). */
export interface HistogramMetric {
  /** Records one observation. */
  observe(value: number): void;
}

/** A process's registry, as prom-client's Registry (the calls used here). */
export interface MetricsRegistry {
  /** Content-Type of {@link MetricsRegistry.metrics}. */
  readonly contentType: string;
  /** Every metric in the Prometheus text format. */
  metrics(): Promise<string>;
}

/** The npm package that {@link createStratumMetrics} needs (an optional peer dependency of stratum-voxel). */
export const METRICS_PACKAGE = 'prom-client';

/** Loads prom-client when metrics are first made, so that a server without them does not need it installed. */
function promClient(): typeof import('prom-client') {
  try {
    return createRequire(import.meta.url)(METRICS_PACKAGE) as typeof import('prom-client');
  } catch (err) {
    throw new Error(`metrics need the ${METRICS_PACKAGE} package: npm install ${METRICS_PACKAGE} (${(err as Error).message.split('\n')[0]})`);
  }
}

/** Options of {@link createStratumMetrics}. */
export interface StratumMetricsOptions {
  /** Labels on every metric of this process, e.g. `{ process: 'shard', shard: '1' }` (default none). */
  labels?: Readonly<Record<string, string>>;
  /** Include prom-client's default process metrics: CPU, memory, event loop lag, GC (default true). */
  processMetrics?: boolean;
}

/** The metrics of one process. */
export interface StratumMetrics extends MetricsEndpoint {
  /** The process's own registry (add a process's own metrics to it with prom-client's `registers` option). */
  readonly registry: MetricsRegistry;
  /** {@link METRIC_NAMES}.tickDuration. */
  readonly tickDuration: HistogramMetric;
  /** {@link METRIC_NAMES}.players (set from the sources when scraped). */
  readonly players: GaugeMetric;
  /** {@link METRIC_NAMES}.sessions (set from the sources when scraped). */
  readonly sessions: GaugeMetric;
  /** {@link METRIC_NAMES}.channelBytes. */
  readonly channelBytes: CounterMetric;
  /** {@link METRIC_NAMES}.handoffs. */
  readonly handoffs: CounterMetric;
  /** {@link METRIC_NAMES}.leaseChanges. */
  readonly leaseChanges: CounterMetric;
  /** {@link METRIC_NAMES}.natsRoundTrip. */
  readonly natsRoundTrip: HistogramMetric;
  /** Records one tick that took `ms` milliseconds. */
  observeTick(ms: number): void;
  /** Reads `sources` at every scrape from now on; returns a function that reads them one last time and stops. */
  watch(sources: MetricsSources): () => void;
}

/** Creates a process's metrics on a registry of its own. */
export function createStratumMetrics(options: StratumMetricsOptions = {}): StratumMetrics {
  const { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } = promClient();
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels({ ...options.labels });
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const watched = new Set<MetricsSources>();
  /** The totals each channel-bytes source had at its previous read. */
  const lastBytes = new Map<MetricsSources, { in: number[]; out: number[] }>();
  const sum = (pick: (s: MetricsSources) => (() => number) | undefined) => {
    let n = 0;
    for (const s of watched) n += pick(s)?.() ?? 0;
    return n;
  };
  const channelBytes = new Counter({
    name: METRIC_NAMES.channelBytes, help: 'Bytes of frames per direction and channel', labelNames: ['direction', 'channel'] as const, registers,
    collect() {
      for (const s of watched) readBytes(s);
    },
  });
  // Every label pair exists from the start (at 0), so that rates work from the first scrape.
  for (const info of CHANNELS) for (const direction of ['in', 'out'] as const) channelBytes.inc({ direction, channel: info.name }, 0);
  /** Adds what `s` counted since its previous read. */
  const readBytes = (s: MetricsSources) => {
    if (!s.channelBytes) return;
    const now = s.channelBytes();
    const last = lastBytes.get(s) ?? { in: CHANNELS.map(() => 0), out: CHANNELS.map(() => 0) };
    for (const direction of ['in', 'out'] as const) {
      for (const info of CHANNELS) {
        const total = now[direction][info.id] ?? 0;
        const delta = total - last[direction][info.id];
        if (delta > 0) {
          channelBytes.inc({ direction, channel: info.name }, delta);
          last[direction][info.id] = total;
        }
      }
    }
    lastBytes.set(s, last);
  };
  const tickDuration = new Histogram({
    name: METRIC_NAMES.tickDuration, help: 'Duration of one server tick (20 Hz: 50 ms budget)', buckets: [...TICK_BUCKETS], registers,
  });
  const metrics: StratumMetrics = {
    registry,
    tickDuration,
    players: new Gauge({
      name: METRIC_NAMES.players, help: 'Players joined', registers,
      collect() { this.set(sum((s) => s.players)); },
    }),
    sessions: new Gauge({
      name: METRIC_NAMES.sessions, help: 'Network sessions open (handshaking included)', registers,
      collect() { this.set(sum((s) => s.sessions)); },
    }),
    channelBytes,
    handoffs: new Counter({ name: METRIC_NAMES.handoffs, help: 'Players handed from one shard to another', registers }),
    leaseChanges: new Counter({ name: METRIC_NAMES.leaseChanges, help: 'Region leases taken or lost', registers }),
    natsRoundTrip: new Histogram({ name: METRIC_NAMES.natsRoundTrip, help: 'Round trips of NATS requests', buckets: [...NATS_BUCKETS], registers }),
    get contentType() { return registry.contentType; },
    text: () => registry.metrics(),
    observeTick: (ms) => tickDuration.observe(ms / 1000),
    watch(sources) {
      watched.add(sources);
      return () => {
        if (!watched.delete(sources)) return;
        readBytes(sources);
        lastBytes.delete(sources);
      };
    },
  };
  return metrics;
}

