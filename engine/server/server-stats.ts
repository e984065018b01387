/**
 * Server figures over a window of time (since start or the last reset): tick duration percentiles, CPU and memory of
 * the process, and bytes sent per player. Read through the diagnostics command `stats` (`stats reset` starts a new
 * window), e.g. by `stratum bench scale`.
 */
import { cpuUsage, memoryUsage } from 'node:process';
import { getHeapSpaceStatistics } from 'node:v8';
import type { FixedStep, Tick } from '../tick.ts';
import { utilisation } from '../replication/rate-limiter.ts';
import { percentile } from '../stats.ts';
import type { ServerPlayer } from './server-player.ts';

/** Where a window started. */
export interface StatsWindow {
  /** The tick loop (undefined before start). */
  fixed: FixedStep | undefined;
  /** Tick steps run by the loop when the window started. */
  stepsAtStart: number;
  /** Server tick at the start. */
  tick: Tick;
  /** Clock at the start, ms. */
  atMs: number;
  /** CPU time used by the process at the start. */
  cpu: NodeJS.CpuUsage;
  /** Bytes sent to each session at the start. */
  bytesOut: Map<number, number>;
}

/** Starts a window now. */
export function startStatsWindow(fixed: FixedStep | undefined, players: ReadonlyMap<number, ServerPlayer>, tick: Tick, atMs: number): StatsWindow {
  return {
    fixed, stepsAtStart: fixed ? fixed.tick : 0, tick, atMs, cpu: cpuUsage(),
    bytesOut: new Map([...players].map(([id, p]) => [id, p.session.connection.stats.bytesOut])),
  };
}

/** The figures of the window up to now. */
export function serverStats(w: StatsWindow, players: ReadonlyMap<number, ServerPlayer>, tick: Tick, nowMs: number) {
  const seconds = Math.max(1e-3, (nowMs - w.atMs) / 1000);
  const durations: number[] = [];
  if (w.fixed) {
    // The last (steps in the window) entries of the duration ring, at most the ring's size.
    const n = Math.min(w.fixed.tick - w.stepsAtStart, w.fixed.durationCount);
    const ring = w.fixed.durations.length;
    const newest = w.fixed.tick % ring;
    for (let k = 1; k <= n; k++) durations.push(w.fixed.durations[(newest - k + ring) % ring]);
  }
  durations.sort((a, b) => a - b);
  const cpu = cpuUsage(w.cpu);
  const kbps = [...players].map(([id, p]) => (p.session.connection.stats.bytesOut - (w.bytesOut.get(id) ?? 0)) / 1000 / seconds);
  return {
    seconds, ticks: tick - w.tick, players: players.size,
    tickP50Ms: percentile(durations, 50), tickP99Ms: percentile(durations, 99), tickMaxMs: durations.at(-1) ?? NaN,
    droppedSteps: w.fixed?.droppedSteps ?? 0,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100,
    rssMB: memoryUsage.rss() / 1048576,
    ...memoryParts(),
    kbpsPerClient: kbps.length ? kbps.reduce((a, b) => a + b, 0) / kbps.length : 0,
    // Share of each client's bandwidth budget used over the last second, averaged over clients.
    budgetUtilisation: players.size ? [...players.values()].reduce((a, p) => a + utilisation(p.limiter, nowMs), 0) / players.size : 0,
  };
}

/**
 * Where this thread's memory is, MB: the V8 heap reserved (of it, the young generation) and in use, and memory
 * outside it held by JS objects (Buffers, ArrayBuffers). RSS minus the heap reserved is the rest: worker threads'
 * heaps, TLS and HTTP/2 buffers, malloc.
 */
function memoryParts() {
  const m = memoryUsage();
  const young = getHeapSpaceStatistics().find((sp) => sp.space_name === 'new_space')?.space_size ?? 0;
  return { heapTotalMB: m.heapTotal / 1048576, heapUsedMB: m.heapUsed / 1048576, youngGenMB: young / 1048576, externalMB: m.external / 1048576 };
}
