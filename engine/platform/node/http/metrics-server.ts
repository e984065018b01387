/**
 * {@link startMetricsServer}: `/metrics` on a port of its own, for a process that serves no page (a region shard, a
 * gateway without the page): plain HTTP, GET and HEAD of `/metrics` only, everything else 404 (405 for other
 * methods). A game server run by `listen` needs none: its page port answers `/metrics` too.
 */
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import type { MetricsEndpoint } from './http-server.ts';

/** Options of {@link startMetricsServer}. */
export interface MetricsServerOptions {
  /** What `/metrics` answers (StratumMetrics is one). */
  metrics: MetricsEndpoint;
  /** Bind address (default 127.0.0.1; 0.0.0.0 for every interface). */
  host?: string;
  /** Port (0: any free port). */
  port: number;
}

/** A running metrics server. */
export interface RunningMetricsServer {
  /** `http://host:port/metrics`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Stops accepting, drops open connections and closes. */
  close(): Promise<void>;
}

/** Starts an HTTP server that answers `/metrics` and nothing else. */
export async function startMetricsServer(o: MetricsServerOptions): Promise<RunningMetricsServer> {
  const host = o.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('only GET and HEAD are served\n');
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found; metrics are at /metrics\n');
      return;
    }
    o.metrics.text().then(
      (text) => res.writeHead(200, { 'Content-Type': o.metrics.contentType, 'Cache-Control': 'no-store' }).end(text),
      (err: Error) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics failed: ${err?.message ?? err}\n`),
    );
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/metrics`,
    port,
    close: () => new Promise<void>((ok) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => ok());
    }),
  };
}
