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
  /** The ALPN protocols offered or accepted, in order of preference. */
  setApplicationProtos(protos: string[]): void;
  /** Closes the connection after this many milliseconds without traffic (0: never). */
  setMaxIdleTimeout(ms: number): void;
  /** Largest UDP payload accepted from the peer. */
  setMaxRecvUdpPayloadSize(bytes: number): void;
  /** Largest UDP payload sent to the peer. */
  setMaxSendUdpPayloadSize(bytes: number): void;
  /** Flow-control credit for the whole connection, in bytes, before the peer must wait for more. */
  setInitialMaxData(bytes: number): void;
  /** Initial flow-control credit of each bidirectional stream this side opens. */
  setInitialMaxStreamDataBidiLocal(bytes: number): void;
  /** Initial flow-control credit of each bidirectional stream the peer opens. */
  setInitialMaxStreamDataBidiRemote(bytes: number): void;
  /** Initial flow-control credit of each unidirectional stream the peer opens. */
  setInitialMaxStreamDataUni(bytes: number): void;
  /** How many bidirectional streams the peer may open. */
  setInitialMaxStreamsBidi(n: number): void;
  /** How many unidirectional streams the peer may open. */
  setInitialMaxStreamsUni(n: number): void;
  /** Upper bound, in bytes, to which the connection flow-control window may grow. */
  setMaxConnectionWindow(bytes: number): void;
  /** Upper bound, in bytes, to which a stream flow-control window may grow. */
  setMaxStreamWindow(bytes: number): void;
  /** When true, tells the peer not to migrate the connection to another address. */
  setDisableActiveMigration(disable: boolean): void;
  /** Turns QUIC datagrams on or off, with the lengths of the receive and send queues. */
  enableDgram(enabled: boolean, recvQueueLen: number, sendQueueLen: number): void;
}

/** quiche::Connection (the calls used here). Methods throw quiche's errors as Error("Name(...)"); Done is null. */
export interface QuicheConnection {
  /** Processes one received UDP payload; returns the bytes read from it. */
  recv(data: Uint8Array, info: { from: HostPort; to: HostPort }): number;
  /** Writes the next packet to send into `out`: its length and addresses, or null when there is nothing to send. */
  send(out: Uint8Array): [number, { from: HostPort; to: HostPort }] | null;
  /** Reads data of stream `id` into `out`: the byte count and whether the stream has finished, or null when none is waiting. */
  streamRecv(id: number, out: Uint8Array): [number, boolean] | null;
  /** Queues `data` on stream `id` (`fin` ends it): the bytes accepted, or null when the stream has no capacity. */
  streamSend(id: number, data: Uint8Array, fin: boolean): number | null;
  /** `direction`: 0 read, 1 write. */
  streamShutdown(id: number, direction: 0 | 1, code: number): void | null;
  /** True when some stream has data (or its end) to read; costs nothing, where {@link readable} builds an iterator. */
  isReadable(): boolean;
  /** The ids of the streams that have data to read. */
  readable(): Iterable<number>;
  /** The next received datagram, or null when none is waiting. */
  dgramRecvVec(): Uint8Array | null;
  /** Queues a datagram; null when the send queue is full. */
  dgramSend(data: Uint8Array): void | null;
  /** The largest datagram payload that can be sent now, or null before it is known. */
  dgramMaxWritableLen(): number | null;
  /** Milliseconds until `onTimeout` is due, or null for none. */
  timeout(): number | null;
  /** Runs the timer work (loss detection, idle close) once `timeout()` has elapsed. */
  onTimeout(): void;
  /** Starts closing with `code` and `reason` (`app`: an application close rather than a transport one); null when already closed. */
  close(app: boolean, code: number, reason: Uint8Array): void | null;
  /** The DER certificates the peer presented, or null when it presented none. */
  peerCertChain(): Uint8Array[] | null;
  /** True once the handshake has completed. */
  isEstablished(): boolean;
  /** True while the connection is draining after a close (nothing more is sent). */
  isDraining(): boolean;
  /** True once the connection is closed. */
  isClosed(): boolean;
  /** True when the connection closed because its idle timeout elapsed. */
  isTimedOut(): boolean;
  /** The error the peer closed the connection with, or null. */
  peerError(): QuicheError | null;
  /** The error this side closed the connection with, or null. */
  localError(): QuicheError | null;
}

/** A parsed long or short packet header. */
export interface QuicheHeader {
  /** Packet type (see {@link QuicheBinding.Type}). */
  ty: number;
  /** QUIC version of a long header (0 for a short header). */
  version: number;
  /** Destination connection id. */
  dcid: Uint8Array;
  /** Source connection id (empty for a short header). */
  scid: Uint8Array;
  /** Address-validation token of an Initial packet. */
  token?: Uint8Array;
}

/** The binding's module object (the part used here). */
export interface QuicheBinding {
  /** The binding's largest UDP packet size in bytes (a buffer this big holds any packet it sends). */
  MAX_UDP_PACKET_SIZE: number;
  /** Packet types. */
  Type: { Initial: number };
  /** Writes a Version Negotiation packet answering `scid`/`dcid` into `out`; returns its length. */
  negotiateVersion(scid: Uint8Array, dcid: Uint8Array, out: Uint8Array): number;
  /** Writes a Retry packet carrying `token` and the new connection id `newScid` into `out`; returns its length. */
  retry(scid: Uint8Array, dcid: Uint8Array, newScid: Uint8Array, token: Uint8Array, version: number, out: Uint8Array): number;
  /** True when quiche speaks QUIC version `version`. */
  versionIsSupported(version: number): boolean;
  /** Creates a configuration backed by a BoringSSL context (peer verification, CA, keys and certificates). */
  Config: {
    withBoringSslCtx(verifyPeer: boolean, verifyAllowFail: boolean, ca: Uint8Array | null, keys: Uint8Array[] | null, certs: Uint8Array[] | null, sigalgs: string | null): QuicheConfig;
  };
  /** Opens a client connection (`connect`) or accepts one on the server (`accept`). */
  Connection: {
    connect(serverName: string | null, scid: Uint8Array, local: HostPort, remote: HostPort, config: QuicheConfig): QuicheConnection;
    accept(scid: Uint8Array, odcid: Uint8Array | null, local: HostPort, remote: HostPort, config: QuicheConfig): QuicheConnection;
  };
  /** Parses the header of a received packet (`dcidLen`: the length of this side's connection ids). */
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
