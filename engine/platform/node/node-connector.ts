/**
 * The headless client's way in: from a server's `/connect.json`, WebTransport over QUIC (HTTP/3) when the server
 * offers it, else the HTTP/2 mapping; the certificate hash pinned either way. Pass it as `connector` to `connect()`
 * of the client entry, or call it with info fetched by hand. Node only.
 */
import { hexToBytes } from '../../hash.ts';
import type { Connector } from '../../net/transport.ts';
import { quicWebTransportConnector } from './quic/webtransport-client.ts';
import { nodeWebTransportConnector } from './webtransport.ts';

/** What the connector needs from `/connect.json`. */
export interface NodeConnectInfo {
  /** WebTransport session URL. */
  webTransportUrl: string;
  /** What it speaks (absent from older servers: HTTP/2). */
  transports?: ReadonlyArray<'h3' | 'h2'>;
  /** SHA-256 of the served certificate, hex. */
  certHashHex: string;
}

/** A connector for a headless client on Node: QUIC when `info.transports` lists 'h3', else the HTTP/2 mapping. */
export async function nodeConnector(info: NodeConnectInfo): Promise<Connector> {
  const certHash = hexToBytes(info.certHashHex);
  return info.transports?.includes('h3')
    ? quicWebTransportConnector({ url: info.webTransportUrl, certHash })
    : await nodeWebTransportConnector({ url: info.webTransportUrl, certHash });
}
