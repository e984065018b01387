/**
 * WebTransport on Node through `@fails-components/webtransport`: a server (HTTP/2 and its WebSocket mapping; also
 * HTTP/3 when the optional native package loads) with a fresh self-signed certificate, and a client connector.
 * The settings docs/architecture.md ("Transport") explains: large session flow-control window, Nagle off,
 * forceReliable without HTTP/3.
 */
import type { Server, Socket } from 'node:net';
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
import { SHARED_PORTS, addAcceptors, probePort } from './port-acceptors.ts';

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
  /**
   * Listening sockets sharing the port, each accepting one connection per event-loop turn (port-acceptors.ts;
   * default 8 on Linux, where the kernel spreads connections over them; 1 elsewhere).
   */
  acceptors?: number;
}

/** A running WebTransport server. */
export interface WebTransportServer extends WebTransportEndpoint<SelfSignedCert> {
  /** True when HTTP/3 is served too. */
  readonly http3: boolean;
  /** Listening sockets on the port. */
  readonly acceptors: number;
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
  const port = options.port ?? 0;
  // Shared sockets need the library's internals below; a library without them gets one socket, as before.
  const lib = server as unknown as LibServer;
  const acceptors = SHARED_PORTS && typeof lib.createTransportInt === 'function' ? Math.max(1, options.acceptors ?? 8) : 1;
  if (acceptors > 1) {
    // Have the library make its node:http2 server now (it otherwise does so inside startServer), and listen with
    // SO_REUSEPORT, so that more sockets can share the port once it is bound.
    await lib.createTransportInt();
    if (port !== 0) await probePort(port, host);
    for (const s of http2Servers(server)) {
      const listen = s.listen.bind(s);
      s.listen = (p: unknown, h: unknown) => listen({ port: p, host: h, reusePort: true });
    }
  }
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
  const h2 = http2Servers(server);
  const extra: Server[] = acceptors > 1 && h2.length === 1 ? await addAcceptors(h2[0], address.port, host, acceptors - 1) : [];

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
    acceptors: 1 + extra.length,
    async close() {
      if (stopped) return;
      stopped = true;
      for (const a of extra) a.close();
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

/** The library's node:http2 servers: at transportInt.serverInt, or per transport behind a proxy. */
function http2Servers(server: HttpServer): NodeServer[] {
  const int = (server as unknown as LibServer).transportInt;
  return [int?.serverInt, ...[...(int?.transportsInts ?? [])].map((t) => t.serverInt)].filter((s): s is NodeServer => !!s);
}

/** Turns Nagle off on every TCP connection of the HTTP/2 part (docs/architecture.md, "Transport": otherwise ~40 ms per message). */
function disableNagle(server: HttpServer): void {
  for (const s of http2Servers(server)) s.on('connection', (socket: Socket) => socket.setNoDelay(true));
}

/** The parts of the library's HttpServer (lib/server.js) used here. */
interface LibServer {
  /** Makes the transports (startServer calls it first; a second call does nothing). */
  createTransportInt(): Promise<void>;
  transportInt?: { serverInt?: NodeServer; transportsInts?: Set<{ serverInt?: NodeServer }> };
}

/** The library's node:http2 server, as used here. */
interface NodeServer {
  on(event: 'connection', fn: (socket: Socket) => void): void;
  emit(event: 'connection', socket: Socket): boolean;
  /** node:net's listen: the library passes (port, host); here `{ port, host, reusePort }`. */
  listen(...args: unknown[]): unknown;
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
