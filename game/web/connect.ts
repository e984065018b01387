/**
 * How the page finds and reaches the server: `/connect.json` names the WebTransport endpoint and the certificate
 * hash to pin; `WebTransportPolyfill` uses the browser's native WebTransport where the server speaks HTTP/3 and the
 * WebSocket mapping otherwise.
 */
import { hexToBytes } from '../../engine/hash.ts';
import type { Connector } from '../../engine/net/transport.ts';
import { webTransportConnector, type WebTransportConstructor } from '../../engine/net/webtransport-client.ts';

/** What `/connect.json` holds (see game/server/http-server.ts). */
export interface ConnectJson {
  /** `https://host:port/path` of the WebTransport endpoint. */
  webTransportUrl: string;
  /** SHA-256 of the server certificate, hex. */
  certHashHex: string;
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

/** A connector for the page: the polyfill, pinned to the server's certificate hash. */
export async function browserConnector(info: ConnectJson): Promise<Connector> {
  // Typed by hand: the type checker resolves the package's Node entry, which lacks the polyfill; the bundler takes
  // the "browser" export.
  const mod = (await import('@fails-components/webtransport')) as unknown as { WebTransportPolyfill?: WebTransportConstructor };
  if (!mod.WebTransportPolyfill) throw new Error('WebTransportPolyfill is missing: the page must be bundled with the "browser" condition');
  return webTransportConnector({ url: endpointUrl(info), certHash: hexToBytes(info.certHashHex), WebTransport: mod.WebTransportPolyfill });
}
