/**
 * The server's plain-HTTP side: the page people open, and `/connect.json`, from which pages and bots learn where the
 * WebTransport endpoint is and which certificate hash to pin. Every response is cross-origin isolated (COOP/COEP),
 * so pages can use SharedArrayBuffer. Static files of the browser build are served from `staticDir` when given.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

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
}

/** A running HTTP server. */
export interface RunningHttpServer {
  /** `http://host:port/`. */
  readonly url: string;
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

/** Starts the HTTP server. */
export async function startHttpServer(o: HttpServerOptions): Promise<RunningHttpServer> {
  const root = o.staticDir ? resolve(o.staticDir) : undefined;
  let url = '';
  const server: Server = createServer((req, res) => {
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
      res.end(FALLBACK_PAGE(o.info, url));
      return;
    }
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port, o.host, () => ok());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  url = `http://${o.host}:${port}/`;
  return {
    url,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
