/**
 * {@link listen}: puts a game server on the network the way `stratum-voxel serve` does. WebTransport over HTTP/3
 * (QUIC on UDP) and/or the HTTP/2 and WebSocket mappings (TCP) on one port with one self-signed certificate
 * (renewed before it expires while QUIC serves it), and a page server on another port: the user's static files,
 * `/connect.json` (endpoint, transports, certificate hashes to pin), every response cross-origin isolated
 * (COOP/COEP), and `/metrics` (Prometheus) when the server has metrics. Node only.
 */
import type { NetLog } from '../net/log-text.ts';
import { startCertRenewal } from '../platform/node/cert-renewal.ts';
import { createSelfSignedCert, type SelfSignedCert } from '../platform/node/cert.ts';
import { startHttpServer, type ConnectInfo, type MetricsEndpoint, type PageLimits } from '../platform/node/http/http-server.ts';
import { QUICHE_PACKAGE, quicheAvailable } from '../platform/node/quic/quiche.ts';
import { startQuicWebTransportServer, type QuicWebTransportServer } from '../platform/node/quic/webtransport-server.ts';
import { startWebTransportServer, type WebTransportServer } from '../platform/node/webtransport.ts';
import type { ProtocolIdentity } from '../protocol/handshake.ts';
import type { SessionSink } from '../net/transport.ts';

/**
 * What {@link listen} serves: a game server (GameServer is one), or anything else that takes sessions and names the
 * protocol it speaks, such as a cluster's gateway, which hands each session on to a shard.
 */
export interface ListenTarget {
  /** Takes each session the transports accept. */
  readonly net: { readonly accept: SessionSink };
  /** Protocol version and schema hash, which `/connect.json` publishes. */
  readonly identity: ProtocolIdentity;
  /** Served on `/metrics` unless the options say otherwise. */
  readonly metrics?: MetricsEndpoint;
}

/** What the WebTransport port speaks: QUIC (HTTP/3 on UDP), the HTTP/2 / WebSocket mappings (TCP), or both. */
export type ListenTransport = 'quic' | 'h2' | 'both';

/** Options of {@link listen}. */
export interface ListenOptions {
  /** Bind address of both ports (default 127.0.0.1; 0.0.0.0 for every interface). */
  host?: string;
  /** WebTransport port, UDP and/or TCP (default 4433; 0: any free port). */
  port?: number;
  /** Page port: the static files, `/connect.json`, HTTPS on the same port (default 8080; 0: any free port). */
  httpPort?: number;
  /** Folder of the page's static files (the built page); without it a plain page names the endpoint. */
  staticDir?: string;
  /**
   * 'both' (default): QUIC and the HTTP/2 fallback; 'quic' fails when the QUIC binding is not installed for this
   * platform, 'both' then serves the fallback alone (with a warning).
   */
  transport?: ListenTransport;
  /** `host[:port]` browsers reach the page at (redirects and printed URLs); default the bind address. */
  publicHost?: string;
  /** Certificate (default: a fresh self-signed one, valid 13 days, renewed while QUIC serves it). */
  cert?: SelfSignedCert;
  /** Deadlines and caps of page connections. */
  pageLimits?: Partial<PageLimits>;
  /** Where warnings and refusals go (default: nowhere). */
  log?: NetLog;
  /**
   * What the page port answers on `/metrics` (Prometheus text): default the server's own metrics
   * (GameServerOptions.metrics); false serves none (`/metrics` is then not found).
   */
  metrics?: MetricsEndpoint | false;
}

/** A server on the network. */
export interface Listening {
  /** The page to open in a browser (plain HTTP when HTTP/3 is offered, else HTTPS with the self-signed certificate). */
  readonly pageUrl: string;
  /** `http://host:port/` of the page port: for bots and other programs reading `/connect.json`. */
  readonly httpUrl: string;
  /** The WebTransport session URL. */
  readonly webTransportUrl: string;
  /** The WebTransport port (UDP and/or TCP). */
  readonly port: number;
  /** What the WebTransport port speaks, as `/connect.json` lists it. */
  readonly transports: ReadonlyArray<'h3' | 'h2'>;
  /** What `/connect.json` says now. */
  connectInfo(): ConnectInfo;
  /** The certificate served first (SHA-256 in `sha256Hex`). */
  readonly cert: SelfSignedCert;
  /** Closes the transports and the page server (the game server keeps running: stop it first). */
  close(): Promise<void>;
}

/** Most tries of {@link retryOnPortClash}. */
export const PORT_CLASH_ATTEMPTS = 10;

/**
 * Runs `bind` (which binds UDP and TCP on one port number and undoes its own work when it fails), again while it fails
 * with EADDRINUSE and the port was "any free port" (`anyPort`): the UDP port is chosen first, and TCP must then take
 * the same number, which another process's socket may hold. At most {@link PORT_CLASH_ATTEMPTS} tries; any other
 * failure, or a clash on a port the caller named, is thrown at once.
 */
export async function retryOnPortClash(anyPort: boolean, bind: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await bind();
    } catch (err) {
      if (!anyPort || attempt >= PORT_CLASH_ATTEMPTS || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    }
  }
}

/**
 * Serves `server` over WebTransport and its page over HTTP(S). For a game server, call `server.init()` first and
 * `server.start()` after.
 */
export async function listen(server: ListenTarget, options: ListenOptions = {}): Promise<Listening> {
  const host = options.host ?? '127.0.0.1';
  const transport = options.transport ?? 'both';
  const log = options.log ?? (() => {});
  const cert = options.cert ?? createSelfSignedCert();
  const sink: SessionSink = (s) => server.net.accept(s);
  let quic: QuicWebTransportServer | undefined;
  let wt: WebTransportServer | undefined;
  if (transport !== 'h2' && !quicheAvailable()) {
    if (transport === 'quic') throw new Error(`transport quic: ${QUICHE_PACKAGE} (QUIC) is not installed for this platform`);
    log('warn', `${QUICHE_PACKAGE} (QUIC) is not installed for this platform: serving the HTTP/2 / WebSocket mappings only`);
  }
  await retryOnPortClash(options.port === 0, async () => {
    try {
      if (transport !== 'h2' && quicheAvailable()) quic = await startQuicWebTransportServer({ sink, host, port: options.port ?? 4433, cert, log });
      if (transport !== 'quic') wt = await startWebTransportServer({ sink, host, port: quic?.port ?? options.port ?? 4433, cert });
    } catch (err) {
      await quic?.close();
      quic = undefined;
      throw err;
    }
  });
  const endpoint = (quic ?? wt)!;
  const h3 = quic !== undefined || wt!.http3;
  const transports: Array<'h3' | 'h2'> = [...(h3 ? ['h3' as const] : []), ...(wt ? ['h2' as const] : [])];
  // QUIC clients pin the hash, so the certificate is renewed before it expires and both hashes are published during
  // the overlap. The HTTP/2 fallback and the HTTPS page keep the first certificate (their libraries cannot swap it).
  const q = quic;
  const renewal = q && startCertRenewal({ initial: cert, onServe: (next) => {
    q.setCert(next);
    log('info', `certificate renewed: serving sha-256 ${next.sha256Hex} to new QUIC connections`);
  } });
  const connectInfo = (): ConnectInfo => ({
    webTransportUrl: endpoint.url, transports, certHashHex: renewal?.set.served.sha256Hex ?? cert.sha256Hex,
    certHashesHex: renewal?.hashesHex() ?? [cert.sha256Hex],
    protocolVersion: server.identity.version, schemaHash: server.identity.schemaHash,
  });
  // With HTTP/3 the page pins the certificate hash and is served over plain HTTP, with no warning at all. Without it
  // browsers use the WebSocket mapping, which cannot pin a hash: the page is then served over HTTPS with the same
  // certificate, so that accepting it once at the page suffices.
  let http;
  try {
    http = await startHttpServer({
      host, port: options.httpPort ?? 8080, staticDir: options.staticDir, tls: { certPem: cert.certPem, keyPem: cert.keyPem },
      redirectPages: !h3, publicHost: options.publicHost, limits: options.pageLimits, log, info: connectInfo,
      metrics: options.metrics === false ? undefined : options.metrics ?? server.metrics,
    });
  } catch (err) {
    renewal?.stop();
    await Promise.all([quic?.close(), wt?.close()]);
    throw err;
  }
  const page = http;
  return {
    pageUrl: h3 ? page.httpUrl : page.url,
    httpUrl: page.httpUrl,
    webTransportUrl: endpoint.url,
    port: endpoint.port,
    transports,
    connectInfo,
    cert,
    async close() {
      renewal?.stop();
      await Promise.all([quic?.close(), wt?.close(), page.close()]);
    },
  };
}
