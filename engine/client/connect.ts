/**
 * How a client finds and reaches the server ({@link connect}): `/connect.json` names the WebTransport endpoint, what it
 * speaks and the certificate hash to pin. The page tries the browser's native WebTransport over HTTP/3 first (pinned with
 * `serverCertificateHashes`: no certificate warning); when the browser has none, or it does not connect within a
 * few seconds (UDP blocked), it falls back to the HTTP/2 / WebSocket mapping of `@fails-components/webtransport`,
 * which it loads only then (see engine/platform/browser/webtransport.ts: no request to any other host).
 */
import { hexToBytes, loadHasher } from '../hash.ts';
import { createRealtimeScheduler, type Scheduler } from '../net/scheduler.ts';
import type { Connector } from '../net/transport.ts';
import { createFallbackConnector } from '../net/fallback-connector.ts';
import { webTransportConnector, type WebTransportConstructor } from '../net/webtransport-client.ts';
import { webSocketMappingConnector } from '../platform/browser/webtransport.ts';
import { createRng } from '../rng.ts';
import { browserZstd } from '../platform/browser/zstd.ts';
import { createGameClient, type GameClient, type GameClientOptions } from './game-client.ts';

/** What `/connect.json` holds (see engine/platform/node/http/http-server.ts). */
export interface ConnectJson {
  /** `https://host:port/path` of the WebTransport endpoint. */
  webTransportUrl: string;
  /** What it speaks: 'h3' (HTTP/3 on UDP), 'h2' (HTTP/2 and WebSocket mappings on TCP); absent from older servers (h2). */
  transports?: Array<'h3' | 'h2'>;
  /** SHA-256 of the server certificate, hex. */
  certHashHex: string;
  /** Every hash to pin during a certificate renewal (served, successor, predecessor); absent from older servers. */
  certHashesHex?: string[];
  /** Server protocol version. */
  protocolVersion: number;
  /** Server schema hash. */
  schemaHash: string;
}

/**
 * The WebTransport URL as seen from this page: the server's port and path on the host the page was loaded from.
 * The server names its bind address, which may be a wildcard (0.0.0.0) or another spelling of this host; browsers
 * keep an accepted self-signed certificate per host, so the session must go to the page's own host name.
 */
export function endpointUrl(info: ConnectJson, pageHostname: string = location.hostname): string {
  const url = new URL(info.webTransportUrl);
  url.hostname = pageHostname;
  return url.href;
}

/**
 * What to tell a player whose browser could not connect: without HTTP/3 the polyfill uses a WebSocket over TLS,
 * which cannot pin the certificate hash, so the self-signed certificate must be accepted first. A page loaded over
 * HTTPS from the server has done that already; a page loaded over plain HTTP has not.
 */
export function certificateAdvice(info: ConnectJson, pageHostname: string = location.hostname): string {
  const origin = new URL(endpointUrl(info, pageHostname)).origin;
  return `If this persists, your browser does not trust the server's self-signed certificate: open ${origin}/ once and accept the warning, then reload this page.`;
}

/** Fetches `/connect.json` from the page's own origin. */
export async function fetchConnectInfo(base: string = location.href): Promise<ConnectJson> {
  const res = await fetch(new URL('/connect.json', base), { cache: 'no-store' });
  if (!res.ok) throw new Error(`/connect.json: HTTP ${res.status}`);
  return (await res.json()) as ConnectJson;
}

/** How long the first native HTTP/3 attempt may take before the page falls back, ms. */
export const NATIVE_TIMEOUT_MS = 3000;

/** The page's connector and the transport it ended up with. */
export interface BrowserConnector {
  /** Opens sessions. */
  connect: Connector;
  /** 'h3' once native WebTransport over HTTP/3 connected; 'fallback' otherwise. */
  transport(): 'h3' | 'fallback';
  /** Why the page fell back, if it did. */
  fallbackReason(): string | undefined;
}

/** A connector for the page: native WebTransport over HTTP/3 when possible, else the WebSocket mapping. */
export async function browserConnector(info: ConnectJson, scheduler: Scheduler, pageHostname: string = location.hostname): Promise<BrowserConnector> {
  const url = endpointUrl(info, pageHostname);
  const certHash = hexToBytes(info.certHashHex);
  const speaks = info.transports ?? ['h2'];
  const Native = (globalThis as { WebTransport?: WebTransportConstructor }).WebTransport;
  const preferred = speaks.includes('h3') && typeof Native === 'function' ? webTransportConnector({
    url, certHash, WebTransport: Native, moreCertHashes: (info.certHashesHex ?? []).filter((h) => h !== info.certHashHex).map(hexToBytes),
  }) : undefined;
  let fallback: Connector = (done) => done(new Error('the server offers only WebTransport over HTTP/3, which this browser could not reach'));
  // The WebSocket mapping's package is loaded only if the page falls back, and without its probe of example.com.
  if (speaks.includes('h2')) fallback = webSocketMappingConnector({ url, certHash });
  const f = createFallbackConnector({ preferred, fallback, scheduler, timeoutMs: NATIVE_TIMEOUT_MS });
  return {
    connect: f.connect,
    transport: () => (f.using === 'preferred' ? 'h3' : 'fallback'),
    fallbackReason: () => f.fallbackReason,
  };
}

/** Options of {@link connect}: the game client's, with defaults for everything the page usually leaves alone. */
export interface ConnectOptions extends Omit<GameClientOptions, 'connect' | 'scheduler' | 'rng' | 'codec' | 'name' | 'input'> {
  /** Player name (default `player-NNNN`). */
  name?: string;
  /** The player's input each tick (default: standing still). */
  input?: GameClientOptions['input'];
  /** Scheduler (default: real time). */
  scheduler?: Scheduler;
  /** Random source of the client (default: seeded from `crypto.getRandomValues`). */
  rng?: GameClientOptions['rng'];
  /** Chunk codec parts (default: fzstd and xxhash-wasm, both pure WebAssembly/JS). */
  codec?: GameClientOptions['codec'];
  /**
   * Builds the connector from the server's connect info (default {@link browserConnector}: native WebTransport over
   * HTTP/3 with the certificate hashes pinned, else the WebSocket mapping). Headless clients on Node pass
   * `nodeConnector` from the server entry (QUIC when offered, else the HTTP/2 mapping).
   */
  connector?: (info: ConnectJson, scheduler: Scheduler) => Promise<Connector | BrowserConnector>;
  /** Start the client at once (default true; events go to `client.bus`, or to `bus` when given). */
  start?: boolean;
}

/** A client joined through {@link connect}. */
export interface Connection {
  /** The game client (connecting already unless `start: false`; its events arrive on `client.bus`). */
  client: GameClient;
  /** What the server's `/connect.json` said. */
  info: ConnectJson;
  /** 'h3' when native WebTransport over HTTP/3 carries the session, 'fallback' for the WebSocket mapping, 'node' headless. */
  transport(): 'h3' | 'fallback' | 'node';
  /** Why a page fell back to the WebSocket mapping, if it did. */
  fallbackReason(): string | undefined;
}

/**
 * Joins the server whose page is at `url` (the address `listen()` or `stratum-voxel serve` printed; in a page,
 * usually `location.href`): reads `/connect.json` there, picks the transport, creates the game client and starts it.
 */
export async function connect(url: string, options: ConnectOptions): Promise<Connection> {
  const { connector, start, ...clientOptions } = options;
  const info = await fetchConnectInfo(url);
  const scheduler = options.scheduler ?? createRealtimeScheduler();
  const made = connector ? await connector(info, scheduler) : await browserConnector(info, scheduler, new URL(url).hostname);
  const browser = typeof made === 'function' ? undefined : made;
  const client = createGameClient({
    ...clientOptions,
    connect: browser ? browser.connect : made as Connector,
    scheduler,
    rng: options.rng ?? createRng(crypto.getRandomValues(new Uint32Array(1))[0]),
    codec: options.codec ?? { zstd: browserZstd, hasher: await loadHasher() },
    name: options.name ?? `player-${Math.floor(Math.random() * 1e4)}`,
    input: options.input ?? (() => ({ buttons: 0, yaw: 0, pitch: 0 })),
  });
  if (start !== false) client.start();
  return { client, info, transport: () => browser?.transport() ?? 'node', fallbackReason: () => browser?.fallbackReason() };
}
