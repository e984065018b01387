/**
 * The link conditioner: wraps any {@link TransportSession} and imposes latency, jitter, datagram loss, duplication,
 * reordering, a bandwidth cap, or a total blackout, in both directions. All randomness comes from one seeded
 * {@link Rng} and all delays from the injected {@link Scheduler}, so a run on a manual scheduler repeats exactly.
 */
import type { Rng } from '../rng.ts';
import type { Scheduler } from './scheduler.ts';
import type { Connector, SessionHandlers, SessionSink, StreamHandlers, TransportSession, TransportStream } from './transport.ts';

/** Link properties, applied to each direction separately. */
export interface LinkOptions {
  /** One-way delay in ms (default 0). */
  latencyMs?: number;
  /** Extra uniform random delay in [0, jitterMs) per item (default 0). Stream data keeps its order. */
  jitterMs?: number;
  /** Probability that a datagram is dropped, 0..1 (default 0). */
  loss?: number;
  /** Probability that a datagram is delivered twice, 0..1 (default 0). */
  duplicate?: number;
  /** Probability that a datagram is held back by `reorderDelayMs` so later ones overtake it (default 0). */
  reorder?: number;
  /** Hold-back of a reordered datagram in ms (default 20). */
  reorderDelayMs?: number;
  /** Bytes per second per direction; 0 = unlimited (default 0). */
  bandwidthBytesPerSec?: number;
  /** True drops every datagram and holds all stream data until it is switched off again (default false). */
  blackout?: boolean;
}

/** A conditioned session, whose link can be changed while it runs. */
export interface ConditionedSession extends TransportSession {
  /** Replaces some link options from now on. */
  setLink(options: LinkOptions): void;
  /** Counters: datagrams dropped, duplicated and reordered so far (both directions). */
  readonly stats: { dropped: number; duplicated: number; reordered: number };
}

interface Lane {
  /** When the bandwidth-limited sender is next free. */
  busyUntil: number;
}

/** Wraps `inner` with a conditioned link. */
export function conditionSession(inner: TransportSession, scheduler: Scheduler, rng: Rng, options: LinkOptions = {}): ConditionedSession {
  let opt: Required<LinkOptions> = withDefaults(options);
  const stats = { dropped: 0, duplicated: 0, reordered: 0 };
  const held: Array<() => void> = []; // stream deliveries waiting for the blackout to end
  const lanes = { out: { busyUntil: 0 }, in: { busyUntil: 0 } };

  /** Time at which an item of `bytes` leaves the sender and then arrives, before jitter. */
  const departure = (lane: Lane, bytes: number): number => {
    const now = scheduler.now();
    if (opt.bandwidthBytesPerSec <= 0) return now + opt.latencyMs;
    const start = Math.max(now, lane.busyUntil);
    lane.busyUntil = start + (bytes * 1000) / opt.bandwidthBytesPerSec;
    return lane.busyUntil + opt.latencyMs;
  };
  const jitter = () => (opt.jitterMs > 0 ? rng.next() * opt.jitterMs : 0);

  const datagram = (lane: Lane, bytes: Uint8Array, deliver: (b: Uint8Array) => void) => {
    if (opt.blackout || (opt.loss > 0 && rng.chance(opt.loss))) {
      stats.dropped++;
      return;
    }
    const copies = opt.duplicate > 0 && rng.chance(opt.duplicate) ? 2 : 1;
    if (copies === 2) stats.duplicated++;
    const base = departure(lane, bytes.length);
    for (let i = 0; i < copies; i++) {
      let at = base + jitter();
      if (opt.reorder > 0 && rng.chance(opt.reorder)) {
        at += opt.reorderDelayMs;
        stats.reordered++;
      }
      scheduler.set(at - scheduler.now(), () => deliver(bytes));
    }
  };

  /** An ordered lane for one stream direction: items never overtake each other. */
  const ordered = (lane: Lane) => {
    let last = 0;
    return (size: number, deliver: () => void) => {
      const run = () => {
        const at = Math.max(departure(lane, size) + jitter(), last);
        last = at;
        scheduler.set(at - scheduler.now(), deliver);
      };
      if (opt.blackout || held.length > 0) held.push(run);
      else run();
    };
  };

  const wrapStream = (s: TransportStream): TransportStream => {
    const send = ordered(lanes.out);
    const recv = ordered(lanes.in);
    let pending = 0; // bytes held by the conditioned link before they reach `s`
    return {
      kind: s.kind,
      local: s.local,
      get buffered() { return pending + s.buffered; },
      write: (bytes) => {
        const copy = bytes.slice();
        pending += copy.length;
        send(copy.length, () => {
          pending -= copy.length;
          s.write(copy);
        });
      },
      end: () => send(0, () => s.end()),
      setHandlers: (h: StreamHandlers) => s.setHandlers({
        onData: (bytes) => recv(bytes.length, () => h.onData(bytes)),
        onEnd: () => recv(0, () => h.onEnd()),
      }),
    };
  };

  return {
    reliableDatagrams: false,
    maxDatagramSize: inner.maxDatagramSize,
    remoteAddress: inner.remoteAddress,
    stats,
    setLink(o) {
      opt = withDefaults({ ...opt, ...o });
      if (!opt.blackout) for (const run of held.splice(0)) run();
    },
    sendDatagram: (bytes) => datagram(lanes.out, bytes.slice(), (b) => inner.sendDatagram(b)),
    openStream: (kind) => wrapStream(inner.openStream(kind)),
    setHandlers: (h: SessionHandlers) => inner.setHandlers({
      onDatagram: (bytes) => datagram(lanes.in, bytes, h.onDatagram),
      onStream: (s) => h.onStream(wrapStream(s)),
      onClose: h.onClose,
    }),
    close: (info) => inner.close(info),
  };
}

/** Wraps a connector so that every session it opens is conditioned; `onSession` sees each one (to change its link). */
export function conditionConnector(
  connect: Connector, scheduler: Scheduler, rng: Rng, options: LinkOptions, onSession?: (s: ConditionedSession) => void,
): Connector {
  return (done) => connect((result) => {
    if (result instanceof Error) return done(result);
    const s = conditionSession(result, scheduler, rng, options);
    onSession?.(s);
    done(s);
  });
}

function withDefaults(o: LinkOptions): Required<LinkOptions> {
  const v: Required<LinkOptions> = {
    latencyMs: o.latencyMs ?? 0, jitterMs: o.jitterMs ?? 0, loss: o.loss ?? 0, duplicate: o.duplicate ?? 0,
    reorder: o.reorder ?? 0, reorderDelayMs: o.reorderDelayMs ?? 20, bandwidthBytesPerSec: o.bandwidthBytesPerSec ?? 0,
    blackout: o.blackout ?? false,
  };
  for (const k of ['loss', 'duplicate', 'reorder'] as const) {
    if (!(v[k] >= 0 && v[k] <= 1)) throw new RangeError(`link ${k} must be in 0..1, got ${v[k]}`);
  }
  for (const k of ['latencyMs', 'jitterMs', 'reorderDelayMs', 'bandwidthBytesPerSec'] as const) {
    if (!(v[k] >= 0)) throw new RangeError(`link ${k} must be >= 0, got ${v[k]}`);
  }
  return v;
}

/** Wraps a server's session sink so that every accepted session is conditioned (server-side link). */
export function conditionSink(
  sink: SessionSink, scheduler: Scheduler, rng: Rng, options: LinkOptions, onSession?: (s: ConditionedSession) => void,
): SessionSink {
  return (session) => {
    const s = conditionSession(session, scheduler, rng, options);
    onSession?.(s);
    sink(s);
  };
}
