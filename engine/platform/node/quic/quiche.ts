/**
 * The native Cloudflare quiche binding shipped prebuilt in `@matrixai/quic` (its platform package), used directly:
 * the library's own high-level classes have no datagram calls and stall the event loop, so only the binding is
 * loaded. This file names the types used elsewhere and builds the quiche configuration for HTTP/3 WebTransport.
 */
import { quiche } from '@matrixai/quic/native/index.js';
import type { Config, Connection, Host, Header } from '@matrixai/quic/native/types.js';

export { quiche };
export type { Config as QuicheConfig, Connection as QuicheConnection, Host as HostPort, Header as QuicheHeader };

/** Length of the connection ids this endpoint issues (quiche's maximum). */
export const CONN_ID_LEN = 20;

/** Options of {@link createQuicheConfig}. */
export interface QuicheConfigOptions {
  /** PEM certificate and PKCS#8 key, for a server. */
  cert?: { certPem: string; keyPem: string };
  /** Idle timeout, ms (the smaller of both sides' values applies). */
  idleTimeoutMs: number;
  /** Largest UDP payload sent, bytes (default 1350: fits a 1500-byte MTU with IPv6 and tunnel headroom). */
  maxSendUdpPayload?: number;
  /** Initial flow-control window of the connection, bytes (default 16 MiB). */
  connectionWindow?: number;
  /** Initial flow-control window of each stream, bytes (default 4 MiB). */
  streamWindow?: number;
}

/**
 * A quiche configuration for HTTP/3 (ALPN `h3`) with DATAGRAM frames on. The peer's certificate is never verified by
 * quiche: servers use self-signed certificates that clients pin by hash, which the client checks itself.
 */
export function createQuicheConfig(options: QuicheConfigOptions): Config {
  const enc = new TextEncoder();
  const cert = options.cert;
  const config = quiche.Config.withBoringSslCtx(false, false, null, cert ? [enc.encode(cert.keyPem)] : null, cert ? [enc.encode(cert.certPem)] : null, null);
  const connWindow = options.connectionWindow ?? 16 * 1024 * 1024;
  const streamWindow = options.streamWindow ?? 4 * 1024 * 1024;
  config.setApplicationProtos(['h3']);
  config.setMaxIdleTimeout(options.idleTimeoutMs);
  config.setMaxRecvUdpPayloadSize(quiche.MAX_UDP_PACKET_SIZE);
  config.setMaxSendUdpPayloadSize(options.maxSendUdpPayload ?? 1350);
  config.setInitialMaxData(connWindow);
  config.setInitialMaxStreamDataBidiLocal(streamWindow);
  config.setInitialMaxStreamDataBidiRemote(streamWindow);
  config.setInitialMaxStreamDataUni(streamWindow);
  config.setInitialMaxStreamsBidi(128);
  config.setInitialMaxStreamsUni(128);
  config.setMaxConnectionWindow(Math.max(connWindow, 24 * 1024 * 1024));
  config.setMaxStreamWindow(Math.max(streamWindow, 16 * 1024 * 1024));
  config.setDisableActiveMigration(true);
  config.enableDgram(true, 1024, 1024);
  return config;
}
