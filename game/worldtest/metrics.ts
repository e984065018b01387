/** The world test's figures and targets (metrics.json), from a finished run. */
import { percentile, summarize } from '../../engine/index.ts';
import type { ClientRecording } from './client-recording.ts';
import type { WorldTestOptions, WorldTestRun } from './run.ts';

/** One target: the metric, what it must be, what it was, and whether it held. */
export interface Target {
  /** Metric name. */
  metric: string;
  /** The target as text ("<= 50 ms"). */
  target: string;
  /** The value measured. */
  value: number | boolean;
  /** True when the target holds. */
  pass: boolean;
  /**
   * True for targets on wall-clock figures (handshake time, update rate), which a loaded machine can miss without
   * anything being wrong: `stratum worldtest` enforces them, the vitest suite (which runs files side by side) does not.
   */
  wallClock: boolean;
}

/** Per-client figures. */
export interface ClientMetrics {
  /** Client number. */
  client: number;
  /** Handshake time, ms: from starting to connect until the Welcome, as measured. */
  handshakeMs: number;
  /**
   * The game handshake's own cost: the handshake less the round trip the link adds to the Hello/Welcome exchange.
   * Over QUIC the transport's connect (Retry, TLS, CONNECT, each crossing the emulated link, with any loss recovery)
   * is subtracted too: it is reported as `transportConnectMs`, and the QUIC rows of `bench net` time it unimpaired.
   */
  handshakeBeyondLinkMs: number;
  /** Time the transport took to open the session, ms. */
  transportConnectMs: number;
  /** Bandwidth received: average and peak one-second window, KB/s. */
  bandwidthKBps: { avg: number; peak: number };
  /** Reconciliations and their error in ms. */
  reconciliation: { count: number; avgMs: number; p95Ms: number; maxMs: number };
  /** Chunk load time (subscription to applied), ms. */
  chunkLoadMs: { p50: number; p95: number };
  /** Entity update rounds per second: updates applied, plus quiet rounds (nothing new in view, nothing sent). */
  entityUpdateHz: number;
  /** Columns whose content differs from the server's at the end. */
  viewMismatches: number;
}

/** The contents of metrics.json. */
export interface WorldTestMetrics {
  /** True when every target holds. */
  pass: boolean;
  /** Scenario name and link settings. */
  scenario: string;
  /** Link settings, and over QUIC the UDP link emulator's counters. */
  link: { clients: number; transport: string; rttMs: number; jitterMs: number; loss: number; packets?: number; dropped?: number; reordered?: number };
  /** Targets. */
  targets: Target[];
  /** Per client. */
  clients: ClientMetrics[];
  /** The warm-up client's handshake ms, the process's first (its code cold): reported, not a target. */
  coldHandshakeMs: number;
  /** Differences between the live server stream and its replay. */
  replayDrift: number;
  /** Chunk compression against raw uint16 columns, 0..1. */
  chunkCompression: number;
  /** Phases. */
  phases: { name: string; ok: boolean; seconds: number; problems: string[] }[];
  /** Seconds the run took. */
  seconds: number;
}

/** A client's received bandwidth, KB/s: the average, and the peak over one-second windows. */
export function bandwidthOf(rec: ClientRecording): ClientMetrics['bandwidthKBps'] {
  const s = rec.samples;
  let peak = 0;
  for (let k = 4; k < s.length; k++) peak = Math.max(peak, (s[k].bytesIn - s[k - 4].bytesIn) / (s[k].t - s[k - 4].t));
  const span = s.length > 1 ? s[s.length - 1].t - s[0].t : 1;
  return { avg: s.length > 1 ? (s[s.length - 1].bytesIn - s[0].bytesIn) / span / 1000 : 0, peak: peak / 1000 };
}

/** A client's reconciliations: how many, and their error in ms. */
export function reconciliationOf(rec: ClientRecording): ClientMetrics['reconciliation'] {
  const errors = rec.reconciliations.map((r) => r.errorMs);
  const e = summarize(errors);
  return { count: errors.length, avgMs: errors.length ? e.mean : 0, p95Ms: errors.length ? e.p95 : 0, maxMs: errors.length ? e.max : 0 };
}

/** The handshake target: ms beyond the added round trip (and, over QUIC, the transport's connect), worst client. */
export const HANDSHAKE_BEYOND_LINK_MS = 50;
/** The reconciliation target: average error in ms, worst client (the single-server figure a cluster must keep). */
export const RECONCILIATION_AVG_MS = 30;

/** Computes the metrics and targets of a run. */
export function worldTestMetrics(run: WorldTestRun, o: WorldTestOptions): WorldTestMetrics {
  const clients: ClientMetrics[] = run.clients.map((rec, i) => {
    const loads = Float64Array.from(run.serverMetrics[i]?.chunkLoadMs ?? []).sort();
    const u = run.entityUpdates[i];
    const connectMs = run.transportConnectMs[i] ?? 0;
    const linkCostMs = o.rttMs + (o.transport === 'quic' ? connectMs : 0);
    return {
      client: rec.index, handshakeMs: rec.handshakeMs, handshakeBeyondLinkMs: Math.max(0, rec.handshakeMs - linkCostMs), transportConnectMs: connectMs,
      bandwidthKBps: bandwidthOf(rec), reconciliation: reconciliationOf(rec),
      chunkLoadMs: { p50: percentile(loads, 50), p95: percentile(loads, 95) },
      entityUpdateHz: u.seconds > 0 ? u.count / u.seconds : 0,
      viewMismatches: run.viewMismatches[i],
    };
  });
  const chunkBytes = run.serverMetrics.reduce((a, m) => a + (m?.bytes.chunk ?? 0), 0);
  const rawBytes = run.serverMetrics.reduce((a, m) => a + (m?.chunkRawBytes ?? 0), 0);
  const chunkCompression = rawBytes ? 1 - chunkBytes / rawBytes : 0;
  const worst = (f: (c: ClientMetrics) => number) => Math.max(...clients.map(f));
  const least = (f: (c: ClientMetrics) => number) => Math.min(...clients.map(f));
  const replayDrift = run.diff.differences.length;
  const t = (metric: string, target: string, value: number | boolean, pass: boolean, wallClock = false): Target => ({ metric, target, value, pass, wallClock });
  const targets: Target[] = [
    t('handshake ms beyond the added RTT (worst client)', `<= ${HANDSHAKE_BEYOND_LINK_MS}`, worst((c) => c.handshakeBeyondLinkMs), worst((c) => c.handshakeBeyondLinkMs) <= HANDSHAKE_BEYOND_LINK_MS, true),
    t('reconciliation error avg ms (worst client)', `<= ${RECONCILIATION_AVG_MS}`, worst((c) => c.reconciliation.avgMs), worst((c) => c.reconciliation.avgMs) <= RECONCILIATION_AVG_MS),
    t('chunk compression %', '> 80', chunkCompression * 100, chunkCompression > 0.8),
    t('peak bandwidth KB/s per client', '<= 1000', worst((c) => c.bandwidthKBps.peak), worst((c) => c.bandwidthKBps.peak) <= 1000),
    t('entity update rate Hz (slowest client)', '10 (>= 9)', least((c) => c.entityUpdateHz), least((c) => c.entityUpdateHz) >= 9 && worst((c) => c.entityUpdateHz) <= 11, true),
    t('replay drift (differences)', '0', replayDrift, replayDrift === 0),
    t('client views equal the server (columns differing)', '0', worst((c) => c.viewMismatches), worst((c) => c.viewMismatches) === 0),
    t('scenario phases passed', 'all', run.phases.every((p) => p.ok), run.phases.every((p) => p.ok)),
  ];
  return {
    pass: targets.every((x) => x.pass), scenario: o.scenario.name,
    link: {
      clients: o.clients, transport: o.transport ?? 'h2', rttMs: o.rttMs, jitterMs: o.jitterMs, loss: o.loss,
      ...(run.link && { packets: run.link.received, dropped: run.link.dropped, reordered: run.link.reordered }),
    }, targets, clients, coldHandshakeMs: run.coldHandshakeMs, replayDrift, chunkCompression,
    phases: run.phases.map(({ name, ok, seconds, problems }) => ({ name, ok, seconds, problems })), seconds: run.seconds,
  };
}
