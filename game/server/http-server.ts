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
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Socket } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { Duplex } from 'node:stream';

/** What `/connect.json` says. */
export interface ConnectInfo {
  /** WebTransport session URL. */
  webTransportUrl: string;
  /** What that URL speaks: 'h3' (WebTransport over HTTP/3 on UDP), 'h2' (the HTTP/2 and WebSocket mappings on TCP). */
  transports: Array<'h3' | 'h2'>;
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
}

/** A running HTTP server. */
export interface RunningHttpServer {
  /** The address to open in a browser: `https://host:port/` with `tls`, else `http://host:port/`. */
  readonly url: string;
  /** `http://host:port/`: for bots and other programs that read `/connect.json`. */
  readonly httpUrl: string;
  /** Stops accepting and closes. */
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.wasm': 'application/wasm', '.png': 'image/png', '.svg': 'image/svg+xml',
};

const FALLBACK_PAGE = (info: ConnectInfo, url: string) => `<!doctype html><meta charset="utf-8"><title>Stratum</title>
<h1>Stratum server</h1><p>WebTransport endpoint: <code>${info.webTransportUrl}</code></p>
<p>Certificate SHA-256: <code>${info.certHashHex}</code></p>
<p>Join with a headless bot: <code>npx stratum bot --connect ${url}</code></p>`;

/**
 * The socket as a plain Duplex that replays `first`, the bytes already read from it. Both servers read a real
 * socket's handle directly, past anything pushed back into the stream, so they are given this instead; Node
 * documents that any Duplex may be passed as a server's connection.
 */
function relay(socket: Socket, first: Buffer): Duplex {
  const d = new Duplex({
    read: () => { socket.resume(); },
    write: (chunk: Buffer, _enc, done) => { socket.write(chunk, done); },
    final: (done) => { socket.end(); done(); },
    destroy: (err, done) => { socket.destroy(); done(err); },
  });
  d.push(first);
  socket.on('data', (chunk: Buffer) => { if (!d.push(chunk)) socket.pause(); });
  socket.on('end', () => d.push(null));
  socket.on('close', () => d.destroy());
  return d;
}

/** A page connection with no traffic for this long is closed, ms. */
const IDLE_TIMEOUT_MS = 120_000;

/** Host for printed URLs: a wildcard bind address is reached as localhost. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the HTTP server (and HTTPS on the same port with `tls`). */
export async function startHttpServer(o: HttpServerOptions): Promise<RunningHttpServer> {
  const root = o.staticDir ? resolve(o.staticDir) : undefined;
  let httpUrl = '';
  const respond = (req: IncomingMessage, res: ServerResponse, secure: boolean): void => {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (path === '/connect.json') {
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Cache-Control', 'no-store');
      res.end(JSON.stringify(o.info));
      return;
    }
    if (!secure && o.tls && o.redirectPages && (path === '/' || path.endsWith('.html'))) {
      res.statusCode = 302;
      res.setHeader('Location', `https://${req.headers.host ?? new URL(httpUrl).host}${req.url ?? '/'}`);
      res.end();
      return;
    }
    if (root) {
      const file = normalize(join(root, path === '/' ? 'index.html' : path));
      if (file.startsWith(root) && existsSync(file) && statSync(file).isFile()) {
        res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
        createReadStream(file).pipe(res);
        return;
      }
    }
    if (path === '/') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(FALLBACK_PAGE(o.info, httpUrl));
      return;
    }
    res.statusCode = 404;
    res.end('not found');
  };
  const plain: Server = createServer((req, res) => respond(req, res, false));
  const secure = o.tls ? createHttpsServer({ cert: o.tls.certPem, key: o.tls.keyPem }, (req, res) => respond(req, res, true)) : undefined;
  const sockets = new Set<Socket>();
  // The listening socket: hands each connection to the TLS or the plain server by its first byte.
  const front = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    // Connections idle this long are closed (the servers behind the relay cannot see the socket's own timers).
    socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      (secure && first[0] === 0x16 ? secure : plain).emit('connection', relay(socket, first));
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
  return {
    url: o.tls ? `https://${host}:${port}/` : httpUrl,
    httpUrl,
    close: () => new Promise<void>((ok) => {
      for (const socket of sockets) socket.destroy();
      front.close(() => ok());
    }),
  };
}
