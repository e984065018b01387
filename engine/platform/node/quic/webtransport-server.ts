/**
 * The HTTP/3 WebTransport server on the QUIC endpoint: accepts QUIC connections (Retry-validated), runs HTTP/3 on
 * each, checks the CONNECT's path and origin, and hands each session to the sink as a {@link TransportSession}
 * with truly unreliable datagrams. A session limit refuses extra sessions with 503. `close()` sends GOAWAY, lets
 * sessions drain for `drainMs`, closes the rest with a close capsule ("server stopped"), then the socket.
 */
import type { SessionSink, WebTransportEndpoint } from '../../../net/transport.ts';
import type { SelfSignedCert } from '../cert.ts';
import { createSelfSignedCert } from '../cert.ts';
import type { H3Connection, H3Log } from './h3-connection.ts';
import { createH3Connection } from './h3-connection.ts';
import type { QuicEndpointOptions, QuicEndpointStats } from './quic-endpoint.ts';
import { startQuicEndpoint } from './quic-endpoint.ts';
import { createQuicheConfig } from './quiche.ts';

/** Options of {@link startQuicWebTransportServer}. */
export interface QuicWebTransportServerOptions {
  /** Where accepted sessions go (e.g. `netServer.accept`). */
  sink: SessionSink;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** UDP port (default 0: any free port). */
  port?: number;
  /** URL path of the session endpoint (default /stratum). */
  path?: string;
  /** Certificate (default: a fresh one, valid 13 days). */
  cert?: SelfSignedCert;
  /** Allowed `origin` values of CONNECT requests, or '*' for any (default '*'). */
  origins?: readonly string[] | '*';
  /** Most sessions at once (default 1024). */
  maxSessions?: number;
  /** QUIC idle timeout, ms (default 30000). */
  idleTimeoutMs?: number;
  /**
   * When to validate client addresses with Retry: `under-load` (the default): while at least `retryAbove`
   * handshakes are in progress; `always`; or `never`. A Retry costs every client one more round trip.
   */
  retry?: QuicEndpointOptions['retry'];
  /** Handshakes in progress from which `under-load` demands Retry (default 16). */
  retryAbove?: number;
  /** On close, how long sessions may drain after GOAWAY before they are closed, ms (default 0). */
  drainMs?: number;
  /** Log sink (default: nothing). */
  log?: H3Log;
}

/** A running QUIC WebTransport server. */
export interface QuicWebTransportServer extends WebTransportEndpoint<SelfSignedCert> {
  /** QUIC connections quiche still tracks. */
  readonly connections: number;
  /** Endpoint counters. */
  readonly stats: QuicEndpointStats;
  /** Serves `cert` to new connections from now on (a renewed certificate); open sessions keep the old one. */
  setCert(cert: SelfSignedCert): void;
}

/** Starts the server. */
export async function startQuicWebTransportServer(options: QuicWebTransportServerOptions): Promise<QuicWebTransportServer> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/stratum';
  let cert = options.cert ?? createSelfSignedCert();
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const maxSessions = options.maxSessions ?? 1024;
  const conns = new Set<H3Connection>();
  let stopping = false;
  const openSessions = () => {
    let n = 0;
    for (const c of conns) if (c.session && !c.session.closed) n++;
    return n;
  };
  const endpoint = await startQuicEndpoint({
    host,
    port: options.port ?? 0,
    config: createQuicheConfig({ cert, idleTimeoutMs }),
    maxConnections: maxSessions + 16, // a few over, so that extra sessions get a 503 rather than a silent refusal
    retry: options.retry,
    retryAbove: options.retryAbove,
    onConnection(quic) {
      const h3 = createH3Connection({
        quic,
        role: 'server',
        remoteAddress: quic.remote.host.replace(/^::ffff:/, ''),
        policy: { path, origins: options.origins ?? '*' },
        admit: () => (stopping ? 'server stopping' : openSessions() >= maxSessions ? `server full (${maxSessions} sessions)` : undefined),
        onSession: (s) => {
          options.log?.('info', `HTTP/3 WebTransport session from ${s.remoteAddress ?? '?'}`);
          options.sink(s);
        },
        onFailure: () => {},
        onClosed: () => conns.delete(h3),
        log: options.log,
      });
      conns.add(h3);
    },
  });
  const displayHost = host.includes(':') ? `[${host}]` : host;
  return {
    port: endpoint.port,
    url: `https://${displayHost}:${endpoint.port}${path}`,
    get cert() { return cert; },
    setCert(next) {
      endpoint.setConfig(createQuicheConfig({ cert: next, idleTimeoutMs }));
      cert = next;
    },
    get openSessions() { return openSessions(); },
    get connections() { return endpoint.connections; },
    stats: endpoint.stats,
    async close() {
      if (stopping) return;
      stopping = true;
      endpoint.stopAccepting();
      for (const c of conns) c.goAway();
      const drainMs = options.drainMs ?? 0;
      const until = performance.now() + drainMs;
      while (openSessions() > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
      for (const c of conns) c.close('server stopped');
      conns.clear();
      await endpoint.close(1000);
    },
  };
}
