/**
 * The server's web side: the page people open, and `/connect.json`, from which pages and bots learn where the
 * WebTransport endpoint is and which certificate hash to pin. Every response is cross-origin isolated (COOP/COEP),
 * so pages can use SharedArrayBuffer. Static files of the browser build are served from `staticDir` when given.
 *
 * With `tls`, one port speaks both HTTP and HTTPS (told apart by the first byte a client sends: 0x16 opens a TLS
 * handshake). HTTPS exists for browsers: without HTTP/3 the page reaches the game through the polyfill's WebSocket
 * mapping, and a `wss://` connection cannot pin a certificate hash, so the browser must accept the server's
 * self-signed certificate. Serving the page with that same certificate makes the browser ask once, at the page;
 * Chromium keeps the decision per host and certificate, so the game's connection to the WebTransport port is then
 * accepted too. `redirectPages` sends plain-HTTP page requests to the HTTPS address; bots keep using plain HTTP.
 * With `metrics`, `/metrics` answers the Prometheus text of the process (engine/server/metrics.ts).
 */
import { realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { createSecureContext } from 'node:tls';
import { type LogLevel, type NetLog, quoteForLog, rateLimitLog } from '../../../net/log-text.ts';
import { CONNECTION_CAPS, createConnectionCaps, type ConnectionCapLimits } from '../../../net/connection-caps.ts';
import { addressKey } from '../address-key.ts';
import { PAGE_DEADLINES, acceptPageConnection, type PageConnection, type PageDeadlines } from './page-connection.ts';
import { endRefused, isolate, parseErrorRefusal, rawResponse } from './page-headers.ts';
import { PUBLIC_HOST_FORM, parsePublicHost, publicAuthority } from './public-host.ts';
import { parseRequestTarget } from './request-target.ts';
import { sendFile } from './static-file.ts';

/** What `/connect.json` says. */
export interface ConnectInfo {
  /** WebTransport session URL. */
  webTransportUrl: string;
  /** What that URL speaks: 'h3' (WebTransport over HTTP/3 on UDP), 'h2' (the HTTP/2 and WebSocket mappings on TCP). */
  transports: Array<'h3' | 'h2'>;
  /** SHA-256 of the certificate the server serves now, hex. */
  certHashHex: string;
  /**
   * Every hash a client should pin, hex: the served certificate's, and during a renewal its successor's (published
   * before it is served) and its predecessor's (until it expires). Browsers pin them all.
   */
  certHashesHex?: string[];
  /** Protocol version of the server. */
  protocolVersion: number;
  /** Schema hash of the server. */
  schemaHash: string;
}

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  /** Bind address. */
  host: string;
  /** Port (0: any free port). */
  port: number;
  /** Connect info for `/connect.json`; a function is asked at each request (the hashes change on renewal). */
  info: ConnectInfo | (() => ConnectInfo);
  /** Folder of static files to serve (the browser build), if any. */
  staticDir?: string;
  /** Certificate and key (PEM) for HTTPS on the same port; without them the port speaks plain HTTP only. */
  tls?: { certPem: string; keyPem: string };
  /** Answer plain-HTTP requests for pages (`/`, `*.html`) with a redirect to HTTPS (needs `tls`). */
  redirectPages?: boolean;
  /**
   * `host[:port]` browsers reach the page at: redirects go there (never to a request's Host header) and `url` names
   * it. The port defaults to the page port; without it, the bind address is used. Throws when malformed.
   */
  publicHost?: string;
  /** Deadlines and caps of page connections; each defaults to its value in {@link PAGE_LIMITS}. */
  limits?: Partial<PageLimits>;
  /**
   * Where refused requests and connections, deadlines and read errors are logged: one short line each, request text
   * quoted and escaped, at most `LOG_LINES_PER_WINDOW` (engine/net/log-text.ts) lines a minute, then a count of the dropped ones.
   */
  log?: NetLog;
  /** What `/metrics` answers (Prometheus text format); without it `/metrics` is not found. */
  metrics?: MetricsEndpoint;
}

/** What a `/metrics` endpoint serves: the exposition text and its Content-Type (StratumMetrics is one). */
export interface MetricsEndpoint {
  /** Content-Type of the text. */
  readonly contentType: string;
  /** The metrics, in the Prometheus text format. */
  text(): Promise<string>;
}

/** Limits of the page port: deadlines of each connection, and caps on connections open at once. */
export type PageLimits = PageDeadlines & ConnectionCapLimits;

/** The default limits: see the constants they come from. */
export const PAGE_LIMITS: Readonly<PageLimits> = { ...PAGE_DEADLINES, ...CONNECTION_CAPS };

/** A running HTTP server. */
export interface RunningHttpServer {
  /** The address to open in a browser: `https://host:port/` with `tls`, else `http://host:port/` (host: the public host if given). */
  readonly url: string;
  /** `http://host:port/`: for bots and other programs that read `/connect.json`. */
  readonly httpUrl: string;
  /** Stops accepting and closes. */
  close(): Promise<void>;
}

const FALLBACK_PAGE = (info: ConnectInfo, url: string) => `<!doctype html><meta charset="utf-8"><title>Stratum</title>
<h1>Stratum server</h1><p>WebTransport endpoint: <code>${info.webTransportUrl}</code></p>
<p>Certificate SHA-256: <code>${info.certHashHex}</code></p>
<p>Join with a headless bot: <code>npx --no-install stratum-voxel bot --connect ${url}</code></p>`;

/** The web root as a real path (links resolved), so that files are checked against what they really are. */
function realRoot(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return resolve(dir);
  }
}

/** Host for printed URLs: a wildcard bind address is reached as localhost. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the HTTP server (and HTTPS on the same port with `tls`). */
export async function startHttpServer(o: HttpServerOptions): Promise<RunningHttpServer> {
  const connectInfo = (): ConnectInfo => (typeof o.info === 'function' ? o.info() : o.info);
  const publicHost = o.publicHost === undefined ? undefined : parsePublicHost(o.publicHost);
  if (o.publicHost !== undefined && !publicHost) throw new RangeError(`publicHost must be ${PUBLIC_HOST_FORM}; got ${JSON.stringify(o.publicHost)}`);
  const limits: PageLimits = { ...PAGE_LIMITS, ...o.limits };
  const root = o.staticDir ? realRoot(o.staticDir) : undefined;
  let httpUrl = '';
  let pageAuthority = '';
  const connections = new WeakMap<Duplex, PageConnection>();
  const pageLog = rateLimitLog(o.log ?? (() => {}));
  const note = (level: LogLevel, text: string) => pageLog.log(level, `page: ${text}`);
  const from = (stream: Duplex) => connections.get(stream)?.address ?? 'unknown';
  /** Refuses a request: logged, and answered with `status` and `reason`. */
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string, extra?: Record<string, string>) => {
    note(status >= 500 ? 'error' : 'warn', `refused ${status} ${req.method} ${quoteForLog(req.url ?? '')} from ${from(req.socket)}: ${reason}`);
    endRefused(res, status, reason, extra);
  };
  const respond = async (req: IncomingMessage, res: ServerResponse, secure: boolean): Promise<void> => {
    isolate(res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(req, res, 405, 'only GET and HEAD are served', { Allow: 'GET, HEAD' });
    const target = parseRequestTarget(req.url ?? '/');
    if (!target.ok) return refuse(req, res, target.status, target.reason);
    if (req.httpVersion === '1.1' && req.headers.host === undefined) return refuse(req, res, 400, 'an HTTP/1.1 request needs a Host header');
    const path = target.path;
    if (path === '/connect.json') {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'no-store');
      res.end(JSON.stringify(connectInfo()));
      return;
    }
    if (path === '/metrics' && o.metrics) {
      const text = await o.metrics.text();
      res.setHeader('Content-Type', o.metrics.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.end(text);
      return;
    }
    if (!secure && o.tls && o.redirectPages && (path === '/' || path.endsWith('.html'))) {
      res.statusCode = 302;
      res.setHeader('Location', `https://${pageAuthority}${target.raw}`);
      res.end();
      return;
    }
    if (root) {
      const sent = await sendFile(root, path === '/' ? '/index.html' : path, req, res);
      if (sent.error) note('error', `${sent.sent ? 'read error, response cut short' : sent.reason} for ${quoteForLog(path)}: ${quoteForLog(sent.error.message)}`);
      if (sent.sent) return;
      if (sent.status === 500) return endRefused(res, 500, sent.reason);
      if (sent.outside) return refuse(req, res, 404, sent.reason);
    }
    if (path === '/') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(FALLBACK_PAGE(connectInfo(), httpUrl));
      return;
    }
    res.statusCode = 404;
    res.end('not found');
  };
  // Nothing a request holds may take the process down: an unexpected throw is logged and answered with 500.
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const connection = connections.get(req.socket);
    connection?.track(req, res);
    respond(req, res, connection?.secure === true).catch((err: Error) => {
      note('error', `internal error answering ${req.method} ${quoteForLog(req.url ?? '')}: ${quoteForLog(String(err?.stack ?? err), 400)}`);
      if (!res.headersSent) endRefused(res, 500, 'internal error');
      else res.destroy();
    });
  };
  // One HTTP server reads every connection, plain or over TLS. Every answer Node would give by itself (missing Host,
  // parse errors, CONNECT, Expect) is given here instead, so that it carries the isolation headers too.
  const server = createServer({ requireHostHeader: false }, handle);
  server.on('checkContinue', handle); // answered without a 100 Continue: no body is wanted
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    note('warn', `refused 417 ${req.method} ${quoteForLog(req.url ?? '')} from ${from(req.socket)}: Expect ${quoteForLog(req.headers.expect ?? '', 60)}`);
    endRefused(res, 417, 'only Expect: 100-continue is understood');
  });
  server.on('connect', (req: IncomingMessage, stream: Duplex) => {
    const connection = connections.get(stream);
    if (!connection) stream.destroy();
    else if (connection.refuse(rawResponse(405, 'only GET and HEAD are served', { Allow: 'GET, HEAD' }))) {
      note('warn', `refused 405 CONNECT ${quoteForLog(req.url ?? '')} from ${connection.address}`);
    }
  });
  server.on('clientError', (err: Error & { code?: string }, stream: Duplex) => {
    const connection = connections.get(stream);
    if (err.code === 'ECONNRESET' || !connection) {
      stream.destroy();
      return;
    }
    const [status, reason] = parseErrorRefusal(err.code);
    if (connection.refuse(rawResponse(status, reason))) {
      note('warn', `refused ${status} from ${connection.address}: ${reason} (${quoteForLog(err.code ?? err.message)})`);
    }
  });
  const secureContext = o.tls ? createSecureContext({ cert: o.tls.certPem, key: o.tls.keyPem }) : undefined;
  const sockets = new Set<Socket>();
  // The listening socket: each connection is taken over, and its HTTP stream handed to the server.
  const caps = createConnectionCaps(limits);
  const front = createNetServer((socket) => {
    const key = addressKey(socket.remoteAddress);
    const admitted = caps.admit(key);
    if (admitted !== 'ok') {
      socket.destroy();
      note('warn', admitted === 'total'
        ? `refused a connection from ${key}: ${limits.maxConnections} connections open (the cap)`
        : `refused a connection from ${key}: ${limits.maxConnectionsPerAddress} connections open from this address (the cap)`);
      return;
    }
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      caps.release(key);
    });
    acceptPageConnection(socket, {
      secureContext, deadlines: limits,
      onTlsError: (connection, err) => note('warn', `TLS handshake from ${connection.address} failed (${quoteForLog((err as Error & { code?: string }).code ?? err.message)})`),
      onDeadline: (connection, what) => note('warn', `closed a connection from ${connection.address}: ${what}`),
      onStream: (connection) => {
        connections.set(connection.stream!, connection);
        server.emit('connection', connection.stream);
      },
    });
  });
  await new Promise<void>((ok, fail) => {
    front.once('error', fail);
    front.listen(o.port, o.host, () => {
      front.off('error', fail);
      // Accept errors (out of file descriptors, say) are reported, and the server goes on.
      front.on('error', (err: Error & { code?: string }) => note('error', `accepting a connection failed (${err.code ?? err.message})`));
      ok();
    });
  });
  const addr = front.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const host = displayHost(o.host);
  httpUrl = `http://${host}:${port}/`;
  pageAuthority = publicHost ? publicAuthority(publicHost, port) : `${host}:${port}`;
  return {
    url: `${o.tls ? 'https' : 'http'}://${pageAuthority}/`,
    httpUrl,
    close: () => new Promise<void>((ok) => {
      for (const socket of sockets) socket.destroy();
      front.close(() => {
        pageLog.flush();
        ok();
      });
    }),
  };
}
