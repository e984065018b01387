/**
 * The narrow transport interface every backend implements (WebTransport, in-memory loopback) and the link
 * conditioner wraps: a session with unreliable datagrams and reliable ordered byte streams. Everything is
 * callback-based so that a loopback run on a manual scheduler is synchronous and deterministic.
 */

/** `bidi`: both sides read and write. `uni`: the opener writes, the peer reads. */
export type StreamKind = 'bidi' | 'uni';

/** Why a session ended. */
export interface CloseInfo {
  /** Application close code (0 = normal). */
  code: number;
  /** Human-readable reason. */
  reason: string;
}

/** Callbacks of a stream; bytes arrive in order. */
export interface StreamHandlers {
  /** Bytes from the peer. */
  onData(bytes: Uint8Array): void;
  /** The peer finished or reset the stream. */
  onEnd(): void;
}

/** One reliable, ordered byte stream. */
export interface TransportStream {
  /** Bidirectional or unidirectional. */
  readonly kind: StreamKind;
  /** True when this side opened it. */
  readonly local: boolean;
  /** Queues bytes (ordered); ignored after the session closed. Not allowed on a received uni stream. */
  write(bytes: Uint8Array): void;
  /** Finishes this side's writing; the peer sees `onEnd` after the data. */
  end(): void;
  /** Bytes written on this side and not yet handed to the network (0 for received uni streams). */
  readonly buffered: number;
  /** Sets the receive callbacks; events that came earlier are delivered now. */
  setHandlers(h: StreamHandlers): void;
}

/** Callbacks of a session. */
export interface SessionHandlers {
  /** A datagram from the peer (whole, possibly lost, duplicated or reordered). */
  onDatagram(bytes: Uint8Array): void;
  /** The peer opened a stream. */
  onStream(stream: TransportStream): void;
  /** The session ended (closed by either side or broken). Called once. */
  onClose(info: CloseInfo): void;
}

/** A connected session between one client and one server. */
export interface TransportSession {
  /** True when datagrams are carried reliably (HTTP/2, WebSocket mapping, loopback). */
  readonly reliableDatagrams: boolean;
  /** Largest datagram the backend accepts. */
  readonly maxDatagramSize: number;
  /** The peer's address (no port; on Node an IPv6 peer's /64), when the backend knows it (server side); per-address limits count by it. */
  readonly remoteAddress?: string;
  /** Sends a datagram; may be dropped. Ignored after close. */
  sendDatagram(bytes: Uint8Array): void;
  /** Opens a stream; writes may be made at once (they are queued until it is open). */
  openStream(kind: StreamKind): TransportStream;
  /** Sets the callbacks; events that came earlier are delivered now. */
  setHandlers(h: SessionHandlers): void;
  /** Closes the session; `onClose` runs on both sides. */
  close(info: CloseInfo): void;
  /**
   * Set on a session another server handed over (a bridged session that the gateway moved, see `moveTo`): the opaque
   * hand-off state that server passed to `moveTo`. The receiving server continues the session: no Hello comes, and
   * the streams the peer had opened arrive again as just opened, each with its header byte.
   */
  readonly resume?: Uint8Array;
  /**
   * Hands the session to server `target` with `state` (bridged sessions only; absent elsewhere). Everything written
   * before the call reaches the peer first; then this end is finished without telling the peer (its `onClose` runs
   * with code 0 and reason `moved to <target>`), and the gateway re-opens the session on `target` with
   * `resume = state`. The peer's streams carry over: the new server receives the ones the peer opened, and the
   * first stream the new server opens with a given header byte continues the peer's stream that had that header.
   */
  moveTo?(target: string, state: Uint8Array): void;
  /**
   * Leaves the latest fail-over checkpoint of the session's player with the gateway (bridged sessions only; absent
   * elsewhere). Should this server die (its end goes silent), the gateway does not close the peer: it waits for
   * another server to hold `region` (a region key) and re-opens the session there with `resume = state`, as after
   * `moveTo`. A later call replaces the earlier checkpoint.
   */
  checkpoint?(region: string, state: Uint8Array): void;
}

/** Receives accepted sessions on the server side. */
export type SessionSink = (session: TransportSession) => void;

/** Opens one client session and reports it (or the failure) through `done`, exactly once. */
export type Connector = (done: (result: TransportSession | Error) => void) => void;

/** A listening server endpoint. */
export interface TransportListener {
  /** Stops accepting and closes every session it accepted. */
  close(): Promise<void>;
}

/** A listening WebTransport endpoint (HTTP/3 on QUIC, or the HTTP/2 mapping) with a certificate clients pin. */
export interface WebTransportEndpoint<Cert> extends TransportListener {
  /** The bound port. */
  readonly port: number;
  /** `https://host:port/path` for clients. */
  readonly url: string;
  /** The certificate; clients pin its SHA-256. */
  readonly cert: Cert;
  /** Sessions open now. */
  readonly openSessions: number;
}
