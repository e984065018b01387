/**
 * WebTransport on Node through `@fails-components/webtransport`: a server (HTTP/2 and its WebSocket mapping; also
 * HTTP/3 when the optional native package loads) with a fresh self-signed certificate, and a client connector.
 * Follows DESIGN.md's transport notes: large session flow-control window, Nagle off, forceReliable without HTTP/3.
 */
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import './quiet-http3-probe.ts'; // before the library: drops its noise about the absent optional HTTP/3 part
import { HttpServer } from '@fails-components/webtransport';
import type { NetLog } from '../../net/server.ts';
import type { Connector, SessionSink, TransportSession, WebTransportEndpoint } from '../../net/transport.ts';
import { adaptWebTransport } from '../../net/webtransport-session.ts';
import type { WebTransportLike } from '../../net/webtransport-session.ts';
import type { WebTransportConstructor } from '../../net/webtransport-client.ts';
import { webTransportConnector } from '../../net/webtransport-client.ts';
import type { SelfSignedCert } from './cert.ts';
import { createSelfSignedCert } from './cert.ts';
import { addressKey } from './address-key.ts';
import { describeAttempt, guardedWebTransport, type ConnectAttempt } from './guarded-webtransport.ts';

/** Name of the optional native HTTP/3 package. */
const HTTP3_PACKAGE = '@fails-components/webtransport-transport-http3-quiche';

let http3Probe: Promise<boolean> | undefined;

/** True when the native HTTP/3 part loads (checked once per process). */
export function http3Available(): Promise<boolean> {
  const name = HTTP3_PACKAGE; // a variable, so the type checker does not require the optional package
  http3Probe ??= import(name).then(() => true, () => false);
  return http3Probe;
}

/** Options of {@link startWebTransportServer}. */
export interface WebTransportServerOptions {
  /** Where accepted sessions go (e.g. `netServer.accept`). */
  sink: SessionSink;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** URL path of the session endpoint (default /stratum). */
  path?: string;
  /** Certificate to use (default: a fresh one, valid 13 days). */
  cert?: SelfSignedCert;
  /** Initial session flow-control window in bytes (default 15 MiB; the library default stalls streams). */
  flowControlWindow?: number;
  /** Give up if the server is not listening after this long, ms (default 10000). */
  startTimeoutMs?: number;
}

/** A running WebTransport server. */
export interface WebTransportServer extends WebTransportEndpoint<SelfSignedCert> {
  /** True when HTTP/3 is served too. */
  readonly http3: boolean;
}

/** Starts a WebTransport server. */
export async function startWebTransportServer(options: WebTransportServerOptions): Promise<WebTransportServer> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/stratum';
  const cert = options.cert ?? createSelfSignedCert();
  const http3 = await http3Available();
  const window = options.flowControlWindow ?? 15 * 1024 * 1024;
  const server = new HttpServer({
    port: options.port ?? 0,
    host,
    secret: randomBytes(16).toString('hex'),
    cert: cert.certPem,
    privKey: cert.keyPem,
    initialSessionFlowControlWindow: window,
    sessionFlowControlWindowSizeLimit: window,
    reliability: http3 ? 'both' : 'reliableOnly',
  } as ConstructorParameters<typeof HttpServer>[0]);
  server.startServer();
  const startMs = options.startTimeoutMs ?? 10_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      server.ready,
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`WebTransport server not listening after ${startMs} ms`)), startMs); }),
    ]);
  } catch (err) {
    try { server.stopServer(); } catch { /* not started */ }
    throw err;
  } finally {
    clearTimeout(timer);
  }
  const address = server.address();
  if (!address) throw new Error('WebTransport server did not bind');
  disableNagle(server);

  const open = new Set<TransportSession>();
  const sessions = server.sessionStream(path);
  const reader = sessions.getReader();
  let stopped = false;
  (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done || stopped) return;
      const wt = value as unknown as WebTransportLike;
      wt.closed.catch(() => {});
      wt.ready.then(() => {
        const t = adaptWebTransport(wt, { reliableDatagrams: !http3, remoteAddress: peerHost(value) });
        open.add(t);
        wt.closed.then(() => open.delete(t), () => open.delete(t));
        options.sink(t);
      }, () => {});
    }
  })().catch(() => {});

  return {
    port: address.port,
    url: `https://${host}:${address.port}${path}`,
    cert,
    http3,
    get openSessions() { return open.size; },
    async close() {
      if (stopped) return;
      stopped = true;
      for (const t of open) t.close({ code: 0, reason: 'server stopped' });
      open.clear();
      reader.cancel().catch(() => {});
      server.stopServer();
      await Promise.race([server.closed, new Promise((r) => setTimeout(r, 1000))]).catch(() => {});
    },
  };
}

/** The address key (see address-key.ts) of a library session's peer: its `peerAddress` is `host:port`. */
function peerHost(session: unknown): string | undefined {
  const peer = (session as { peerAddress?: unknown }).peerAddress;
  if (typeof peer !== 'string') return undefined;
  const host = peer.slice(0, peer.lastIndexOf(':'));
  return host && host !== 'undefined' ? addressKey(host) : undefined;
}

/** Turns Nagle off on every TCP connection of the HTTP/2 part (DESIGN.md: otherwise ~40 ms per message). */
function disableNagle(server: HttpServer): void {
  // The library keeps its node:http2 server at transportInt.serverInt (or per transport behind a proxy).
  const int = (server as unknown as { transportInt?: { serverInt?: NodeServer; transportsInts?: Set<{ serverInt?: NodeServer }> } }).transportInt;
  const servers = [int?.serverInt, ...[...(int?.transportsInts ?? [])].map((t) => t.serverInt)].filter((s): s is NodeServer => !!s);
  for (const s of servers) s.on('connection', (socket: Socket) => socket.setNoDelay(true));
}

interface NodeServer {
  on(event: 'connection', fn: (socket: Socket) => void): void;
}

/** Options of {@link nodeWebTransportConnector}. */
export interface NodeConnectorOptions {
  /** Server URL. */
  url: string;
  /** The server certificate's SHA-256. */
  certHash: Uint8Array;
  /** Where a caught exception of the WebTransport library is reported (default: console.warn). */
  log?: NetLog;
  /** The library's TCP+TLS+HTTP/2 connect timeout, ms (default: the library's, 8000). */
  connectTimeoutMs?: number;
  /**
   * The library's wait for the server's HTTP/2 settings once connected, ms (default 8000; the library's own 2000
   * failed joins whenever either event loop stalled 2 s, as under 100 bots in one process). The net client's own
   * connect timeout (10 s) still bounds the whole connect.
   */
  settingsTimeoutMs?: number;
}

/**
 * A connector using the Node WebTransport client; reliable mapping unless the native HTTP/3 part is present. The
 * client is guarded (guarded-webtransport.ts): an exception the library throws from a socket listener ends only that
 * connection attempt, and a failed connect says how far it got.
 */
export async function nodeWebTransportConnector(options: NodeConnectorOptions): Promise<Connector> {
  const http3 = await http3Available();
  const log: NetLog = options.log ?? ((level, m) => console.warn(`[${level}] ${m}`));
  let latest: ConnectAttempt | undefined;
  const WebTransport = guardedWebTransport({
    connectTimeoutMs: options.connectTimeoutMs,
    settingsTimeoutMs: options.settingsTimeoutMs ?? 8000,
    onAttempt: (a) => { latest = a; },
    onFault: (message, a) => log('warn', `WebTransport connect to ${options.url}: ${describeAttempt(a)}; that attempt is closed`),
  });
  const inner = webTransportConnector({
    url: options.url,
    certHash: options.certHash,
    WebTransport: WebTransport as unknown as WebTransportConstructor,
    forceReliable: !http3,
  });
  return (done) => {
    latest = undefined;
    let attempt: ConnectAttempt | undefined;
    inner((result) => done(result instanceof Error && attempt ? new Error(`${result.message} (${describeAttempt(attempt)})`) : result));
    attempt = latest; // set synchronously by the constructor inside inner()
  };
}
