/**
 * A {@link Connector} over WebTransport. The WebTransport constructor is injected: the browser's native one, or the
 * WebSocket mapping `WebTransportPonyfill` (engine/platform/browser/webtransport.ts), in the browser; the Node client
 * of `@fails-components/webtransport` on Node (see engine/platform/node/webtransport.ts), so this file stays isomorphic.
 */
import type { Connector } from './transport.ts';
import type { WebTransportLike } from './webtransport-session.ts';
import { adaptWebTransport } from './webtransport-session.ts';

/** A WebTransport constructor (W3C options plus the fails-components extras). */
export type WebTransportConstructor = new (url: string, options?: {
  serverCertificateHashes?: Array<{ algorithm: string; value: Uint8Array }>;
  forceReliable?: boolean;
}) => WebTransportLike;

/** Options of {@link webTransportConnector}. */
export interface WebTransportConnectorOptions {
  /** `https://host:port/path` of the server. */
  url: string;
  /** SHA-256 of the server's self-signed certificate, to pin it. */
  certHash?: Uint8Array;
  /** More hashes to pin beside `certHash` (a renewal's successor or predecessor). */
  moreCertHashes?: readonly Uint8Array[];
  /** The WebTransport implementation. */
  WebTransport: WebTransportConstructor;
  /** Use the reliable (HTTP/2 or WebSocket) mapping even if HTTP/3 is available. */
  forceReliable?: boolean;
}

/** Creates a connector that opens a WebTransport session per call. */
export function webTransportConnector(options: WebTransportConnectorOptions): Connector {
  return (done) => {
    let wt: WebTransportLike;
    try {
      wt = new options.WebTransport(options.url, {
        ...(options.certHash
          ? { serverCertificateHashes: [options.certHash, ...(options.moreCertHashes ?? [])].map((value) => ({ algorithm: 'sha-256', value })) }
          : {}),
        ...(options.forceReliable ? { forceReliable: true } : {}),
      });
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    wt.closed.catch(() => {});
    wt.ready.then(
      () => done(adaptWebTransport(wt, { reliableDatagrams: !!options.forceReliable })),
      (err: unknown) => done(new Error(`WebTransport connect to ${options.url} failed: ${(err as Error)?.message ?? String(err)}`)),
    );
  };
}
