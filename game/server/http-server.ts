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
 */
import { realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { createSecureContext } from 'node:tls';
import { CONNECTION_CAPS, addressKey, createConnectionCaps, type ConnectionCapLimits } from './connection-caps.ts';
import { PAGE_DEADLINES, acceptPageConnection, type PageConnection, type PageDeadlines } from './page-connection.ts';
import { ISOLATION_HEADERS, rawResponse } from './page-headers.ts';
import { PUBLIC_HOST_FORM, parsePublicHost, publicAuthority } from './public-host.ts';
import { parseRequestTarget } from './request-target.ts';
import { sendFile } from './static-file.ts';

/** What `/connect.json` says. */
export interface ConnectInfo {
  /** WebTransport session URL. */
  webTransportUrl: string;
  /** SHA-256 of the server certificate, hex. */
  certHashHex: string;
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
  /** Connect info for `/connect.json`. */
  info: ConnectInfo;
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
<p>Join with a headless bot: <code>npx stratum bot --connect ${url}</code></p>`;

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

/** Sets the {@link ISOLATION_HEADERS} on a response. */
function isolate(res: ServerResponse): void {
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) res.setHeader(k, v);
}

/** Ends `res` with a refusal: `status`, a plain-text reason, and the connection closed. */
function refuse(res: ServerResponse, status: number, reason: string, extra: Record<string, string> = {}): void {
  isolate(res);
  res.statusCode = status;
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Connection', 'close');
  res.end(`${status} ${reason}\n`);
}

/** Status and reason for a request Node's parser refused (the error's `code`). */
function parseErrorStatus(code: string | undefined): [number, string] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW': return [431, 'request head (URL and headers) too large'];
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW': return [413, 'chunk extensions too large'];
    case 'ERR_HTTP_REQUEST_TIMEOUT': return [408, 'request not received in time'];
    default: return [400, 'malformed request'];
  }
}

/** Starts the HTTP server (and HTTPS on the same port with `tls`). */
export async function startHttpServer(o: HttpServerOptions): Promise<RunningHttpServer> {
  const publicHost = o.publicHost === undefined ? undefined : parsePublicHost(o.publicHost);
  if (o.publicHost !== undefined && !publicHost) throw new RangeError(`publicHost must be ${PUBLIC_HOST_FORM}; got ${JSON.stringify(o.publicHost)}`);
  const limits: PageLimits = { ...PAGE_LIMITS, ...o.limits };
  const root = o.staticDir ? realRoot(o.staticDir) : undefined;
  let httpUrl = '';
  let pageAuthority = '';
  const respond = async (req: IncomingMessage, res: ServerResponse, secure: boolean): Promise<void> => {
    isolate(res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'only GET and HEAD are served', { Allow: 'GET, HEAD' });
    const target = parseRequestTarget(req.url ?? '/');
    if (!target.ok) return refuse(res, target.status, target.reason);
    if (req.httpVersion === '1.1' && req.headers.host === undefined) return refuse(res, 400, 'an HTTP/1.1 request needs a Host header');
    const path = target.path;
    if (path === '/connect.json') {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'no-store');
      res.end(JSON.stringify(o.info));
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
      if (sent.sent) return;
      if (sent.status === 500) return refuse(res, 500, sent.reason);
    }
    if (path === '/') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(FALLBACK_PAGE(o.info, httpUrl));
      return;
    }
    res.statusCode = 404;
    res.end('not found');
  };
  // Nothing a request holds may take the process down: an unexpected throw is answered with 500.
  const connections = new WeakMap<Duplex, PageConnection>();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const connection = connections.get(req.socket);
    connection?.track(req, res);
    respond(req, res, connection?.secure === true).catch(() => {
      if (!res.headersSent) refuse(res, 500, 'internal error');
      else res.destroy();
    });
  };
  // One HTTP server reads every connection, plain or over TLS. Every answer Node would give by itself (missing Host,
  // parse errors, CONNECT, Expect) is given here instead, so that it carries the isolation headers too.
  const server = createServer({ requireHostHeader: false }, handle);
  server.on('checkContinue', handle); // answered without a 100 Continue: no body is wanted
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => refuse(res, 417, 'only Expect: 100-continue is understood'));
  server.on('connect', (_req: IncomingMessage, stream: Duplex) => {
    connections.get(stream)?.refuse(rawResponse(405, 'only GET and HEAD are served', { Allow: 'GET, HEAD' }));
  });
  server.on('clientError', (err: Error & { code?: string }, stream: Duplex) => {
    const connection = connections.get(stream);
    if (err.code === 'ECONNRESET' || !connection) stream.destroy();
    else connection.refuse(rawResponse(...parseErrorStatus(err.code)));
  });
  const secureContext = o.tls ? createSecureContext({ cert: o.tls.certPem, key: o.tls.keyPem }) : undefined;
  const sockets = new Set<Socket>();
  // The listening socket: each connection is taken over, and its HTTP stream handed to the server.
  const caps = createConnectionCaps(limits);
  const front = createNetServer((socket) => {
    const key = addressKey(socket.remoteAddress);
    if (caps.admit(key) !== 'ok') {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      caps.release(key);
    });
    acceptPageConnection(socket, {
      secureContext, deadlines: limits,
      onStream: (connection) => {
        connections.set(connection.stream!, connection);
        server.emit('connection', connection.stream);
      },
    });
  });
  await new Promise<void>((ok, fail) => {
    front.once('error', fail);
    front.listen(o.port, o.host, () => ok());
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
      front.close(() => ok());
    }),
  };
}
