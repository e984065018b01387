/**
 * One call to run the game's network server on Node: a {@link NetServer} behind a WebTransport server with a fresh
 * certificate, and an admin token (from config, or random) that is logged at start with the URL and the certificate
 * hash clients pin.
 */
import { loadHasher } from '../../hash.ts';
import { localIdentity } from '../../protocol/handshake.ts';
import type { Scheduler } from '../../net/scheduler.ts';
import { createRealtimeScheduler } from '../../net/scheduler.ts';
import type { NetServer, NetServerOptions } from '../../net/server.ts';
import { createNetServer, randomAdminToken } from '../../net/server.ts';
import type { WebTransportServer } from './webtransport.ts';
import { startWebTransportServer } from './webtransport.ts';
import type { SelfSignedCert } from './cert.ts';

/** Options of {@link startNodeNetServer}: the NetServer callbacks plus where to listen. */
export interface NodeNetServerOptions extends Partial<Omit<NetServerOptions, 'identity' | 'scheduler' | 'adminToken'>> {
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Admin token for diagnostics (default: random, logged at start). */
  adminToken?: string;
  /** Certificate to reuse (e.g. across a restart, so pinned clients can reconnect). */
  cert?: SelfSignedCert;
  /** Scheduler (default real time). */
  scheduler?: Scheduler;
}

/** A running Node network server. */
export interface NodeNetServer {
  /** Sessions, closeAll, ... */
  net: NetServer;
  /** The WebTransport endpoint: url, port, cert. */
  wt: WebTransportServer;
  /** The admin token in force. */
  adminToken: string;
  /** Closes every session and stops listening. */
  close(): Promise<void>;
}

/** Starts the network server and logs its URL, certificate hash and admin token. */
export async function startNodeNetServer(options: NodeNetServerOptions = {}): Promise<NodeNetServer> {
  const log = options.log ?? ((level, m) => (level === 'info' ? console.log : console.warn)(`[net] ${m}`));
  const adminToken = options.adminToken ?? randomAdminToken();
  const net = createNetServer({
    ...options,
    log,
    identity: localIdentity(await loadHasher()),
    scheduler: options.scheduler ?? createRealtimeScheduler(),
    adminToken,
  });
  const wt = await startWebTransportServer({ sink: net.accept, host: options.host, port: options.port, cert: options.cert });
  log('info', `listening on ${wt.url} (${wt.http3 ? 'HTTP/3 and HTTP/2' : 'HTTP/2 and WebSocket'}), certificate sha-256 ${wt.cert.sha256Hex}`);
  log('info', `admin token ${adminToken}${options.adminToken ? ' (from config)' : ''}`);
  return {
    net, wt, adminToken,
    close: async () => {
      net.closeAll('server stopped');
      await wt.close();
    },
  };
}
