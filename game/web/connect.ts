/**
 * How the page finds and reaches the server: `/connect.json` names the WebTransport endpoint, what it speaks and the
 * certificate hash to pin. The page tries the browser's native WebTransport over HTTP/3 first (pinned with
 * `serverCertificateHashes`: no certificate warning); when the browser has none, or it does not connect within a
 * few seconds (UDP blocked), it falls back to the HTTP/2 / WebSocket mapping of `@fails-components/webtransport`,
 * which it loads only then (see engine/platform/browser/webtransport.ts: no request to any other host).
 */
import { hexToBytes, type Scheduler, type Connector } from '../../engine/index.ts';
import { createFallbackConnector, webSocketMappingConnector, webTransportConnector, type WebTransportConstructor } from '../../engine/client.ts';

/** What `/connect.json` holds (see game/server/http-server.ts). */
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
export async function browserConnector(info: ConnectJson, scheduler: Scheduler): Promise<BrowserConnector> {
  const url = endpointUrl(info);
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
