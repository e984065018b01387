/**
 * The native Cloudflare quiche binding, prebuilt for npm by the `@matrixai/quic` project as a per-platform package
 * (`@matrixai/quic-linux-x64`, an optional dependency), loaded directly: its high-level JS classes have no datagram
 * calls and stall the event loop, and the other platforms' packages of the same version are not on the registry.
 * This file declares the part of the binding used here, loads it, and builds the configuration for HTTP/3
 * WebTransport. Where the package is missing (another platform), {@link quicheAvailable} is false.
 */
import { createRequire } from 'node:module';

/** An address as the binding takes it. */
export interface HostPort {
  /** IP address. */
  host: string;
  /** UDP port. */
  port: number;
}

/** An error a connection was closed with. */
export interface QuicheError {
  /** True for an application code, false for a transport one. */
  isApp: boolean;
  /** The code. */
  errorCode: number;
  /** The reason phrase. */
  reason: Uint8Array;
}

/** quiche::Config (the setters used here). */
export interface QuicheConfig {
  setApplicationProtos(protos: string[]): void;
  setMaxIdleTimeout(ms: number): void;
  setMaxRecvUdpPayloadSize(bytes: number): void;
  setMaxSendUdpPayloadSize(bytes: number): void;
  setInitialMaxData(bytes: number): void;
  setInitialMaxStreamDataBidiLocal(bytes: number): void;
  setInitialMaxStreamDataBidiRemote(bytes: number): void;
  setInitialMaxStreamDataUni(bytes: number): void;
  setInitialMaxStreamsBidi(n: number): void;
  setInitialMaxStreamsUni(n: number): void;
  setMaxConnectionWindow(bytes: number): void;
  setMaxStreamWindow(bytes: number): void;
  setDisableActiveMigration(disable: boolean): void;
  enableDgram(enabled: boolean, recvQueueLen: number, sendQueueLen: number): void;
}

/** quiche::Connection (the calls used here). Methods throw quiche's errors as Error("Name(...)"); Done is null. */
export interface QuicheConnection {
  recv(data: Uint8Array, info: { from: HostPort; to: HostPort }): number;
  send(out: Uint8Array): [number, { from: HostPort; to: HostPort }] | null;
  streamRecv(id: number, out: Uint8Array): [number, boolean] | null;
  streamSend(id: number, data: Uint8Array, fin: boolean): number | null;
  /** `direction`: 0 read, 1 write. */
  streamShutdown(id: number, direction: 0 | 1, code: number): void | null;
  readable(): Iterable<number>;
  dgramRecvVec(): Uint8Array | null;
  dgramSend(data: Uint8Array): void | null;
  dgramMaxWritableLen(): number | null;
  /** Milliseconds until `onTimeout` is due, or null for none. */
  timeout(): number | null;
  onTimeout(): void;
  close(app: boolean, code: number, reason: Uint8Array): void | null;
  peerCertChain(): Uint8Array[] | null;
  isEstablished(): boolean;
  isDraining(): boolean;
  isClosed(): boolean;
  isTimedOut(): boolean;
  peerError(): QuicheError | null;
  localError(): QuicheError | null;
}

/** A parsed long or short packet header. */
export interface QuicheHeader {
  /** Packet type (see {@link QuicheBinding.Type}). */
  ty: number;
  version: number;
  dcid: Uint8Array;
  scid: Uint8Array;
  token?: Uint8Array;
}

/** The binding's module object (the part used here). */
export interface QuicheBinding {
  MAX_UDP_PACKET_SIZE: number;
  /** Packet types. */
  Type: { Initial: number };
  negotiateVersion(scid: Uint8Array, dcid: Uint8Array, out: Uint8Array): number;
  retry(scid: Uint8Array, dcid: Uint8Array, newScid: Uint8Array, token: Uint8Array, version: number, out: Uint8Array): number;
  versionIsSupported(version: number): boolean;
  Config: {
    withBoringSslCtx(verifyPeer: boolean, verifyAllowFail: boolean, ca: Uint8Array | null, keys: Uint8Array[] | null, certs: Uint8Array[] | null, sigalgs: string | null): QuicheConfig;
  };
  Connection: {
    connect(serverName: string | null, scid: Uint8Array, local: HostPort, remote: HostPort, config: QuicheConfig): QuicheConnection;
    accept(scid: Uint8Array, odcid: Uint8Array | null, local: HostPort, remote: HostPort, config: QuicheConfig): QuicheConnection;
  };
  Header: { fromSlice(data: Uint8Array, dcidLen: number): QuicheHeader };
}

/** The npm package holding this platform's build. */
export const QUICHE_PACKAGE = `@matrixai/quic-${process.platform}-${process.arch}`;

function load(): QuicheBinding | undefined {
  try {
    return createRequire(import.meta.url)(QUICHE_PACKAGE) as QuicheBinding;
  } catch {
    return undefined;
  }
}

const binding = load();

/** True when the native binding loaded on this platform. */
export function quicheAvailable(): boolean {
  return binding !== undefined;
}

/** The binding; throws naming the package when it is not installed for this platform. */
export function quiche(): QuicheBinding {
  if (!binding) throw new Error(`QUIC is unavailable: ${QUICHE_PACKAGE} is not installed for this platform`);
  return binding;
}

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
export function createQuicheConfig(options: QuicheConfigOptions): QuicheConfig {
  const q = quiche();
  const enc = new TextEncoder();
  const cert = options.cert;
  const config = q.Config.withBoringSslCtx(false, false, null, cert ? [enc.encode(cert.keyPem)] : null, cert ? [enc.encode(cert.certPem)] : null, null);
  const connWindow = options.connectionWindow ?? 16 * 1024 * 1024;
  const streamWindow = options.streamWindow ?? 4 * 1024 * 1024;
  config.setApplicationProtos(['h3']);
  config.setMaxIdleTimeout(options.idleTimeoutMs);
  config.setMaxRecvUdpPayloadSize(q.MAX_UDP_PACKET_SIZE);
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
