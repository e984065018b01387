/**
 * WebTransport in the browser: `WebTransportPolyfill` from `@fails-components/webtransport` uses the browser's native
 * WebTransport when it supports what we need, and otherwise the WebSocket mapping that the server also speaks.
 */
import type { Connector } from '../../net/transport.ts';
import type { WebTransportConstructor } from '../../net/webtransport-client.ts';
import { webTransportConnector } from '../../net/webtransport-client.ts';

/** Options of {@link browserWebTransportConnector}. */
export interface BrowserConnectorOptions {
  /** Server URL, `https://host:port/stratum`. */
  url: string;
  /** SHA-256 of the server certificate (from the server's log or its status page). */
  certHash: Uint8Array;
}

/** A connector for browsers. Must be bundled with the package's "browser" export condition. */
export async function browserWebTransportConnector(options: BrowserConnectorOptions): Promise<Connector> {
  // Typed by hand: the type checker resolves the package's Node entry, which lacks the polyfill.
  const mod = (await import('@fails-components/webtransport')) as unknown as { WebTransportPolyfill?: WebTransportConstructor };
  if (!mod.WebTransportPolyfill) throw new Error('WebTransportPolyfill is missing: bundle with the "browser" condition');
  return webTransportConnector({ url: options.url, certHash: options.certHash, WebTransport: mod.WebTransportPolyfill });
}
