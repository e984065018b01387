/**
 * One connection to the page port, from accept to close. The port speaks HTTP and HTTPS: the first byte tells them
 * apart (0x16 opens a TLS handshake). The HTTP server is handed a stream to read: the relayed socket, or a TLS socket
 * over it once its handshake is done.
 *
 * The connection keeps its own deadlines on the raw socket: the HTTP server's `headersTimeout` and `requestTimeout`
 * cannot see a relayed socket, and an idle timer alone restarts on every byte, so a client that drips one header line
 * now and then would hold the connection for ever.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { TLSSocket, type SecureContext } from 'node:tls';
import { rawResponse } from './page-headers.ts';

/** From accept until the TLS handshake is done (TLS connections), ms. */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
/**
 * From accept until the first request head is complete; on a kept-alive connection, from the first byte of the
 * next request until its head is complete, ms. Answered with 408.
 */
export const HEADERS_TIMEOUT_MS = 10_000;
/** Like {@link HEADERS_TIMEOUT_MS}, but until the whole request (body included) is received, ms. Answered with 408. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** A page connection with no traffic either way for this long is closed, ms (between requests on a kept-alive connection, the only limit). */
export const IDLE_TIMEOUT_MS = 120_000;
/** After the server ends a connection, the peer has this long to close its side before the socket is destroyed, ms. */
export const CLOSE_LINGER_MS = 2_000;

/** Deadlines of a page connection, ms (the defaults are the constants above). */
export interface PageDeadlines {
  /** See {@link TLS_HANDSHAKE_TIMEOUT_MS}. */
  handshakeMs: number;
  /** See {@link HEADERS_TIMEOUT_MS}. */
  headersMs: number;
  /** See {@link REQUEST_TIMEOUT_MS}. */
  requestMs: number;
  /** See {@link IDLE_TIMEOUT_MS}. */
  idleMs: number;
}

/** The default deadlines. */
export const PAGE_DEADLINES: Readonly<PageDeadlines> = {
  handshakeMs: TLS_HANDSHAKE_TIMEOUT_MS, headersMs: HEADERS_TIMEOUT_MS, requestMs: REQUEST_TIMEOUT_MS, idleMs: IDLE_TIMEOUT_MS,
};

/** Options of {@link acceptPageConnection}. */
export interface PageConnectionOptions {
  /** TLS credentials; without them every connection is plain HTTP. */
  secureContext?: SecureContext;
  /** Deadlines (default {@link PAGE_DEADLINES}). */
  deadlines?: Readonly<PageDeadlines>;
  /** The connection's HTTP stream (`connection.stream`) is ready: hand it to the HTTP server. */
  onStream(connection: PageConnection): void;
  /** A TLS handshake failed (errors after it are the HTTP server's). */
  onTlsError?(connection: PageConnection, err: Error): void;
  /** A deadline closed the connection while a handshake or request was under way (not an unused connection). */
  onDeadline?(connection: PageConnection, what: string): void;
}

/** An accepted page connection. */
export interface PageConnection {
  /** The peer's address, as the socket reports it (`unknown` when it does not). */
  readonly address: string;
  /** The raw socket. */
  readonly socket: Socket;
  /** What the HTTP server reads: the relayed socket or the TLS socket over it; undefined before that is known. */
  readonly stream: Duplex | undefined;
  /** Whether the stream is TLS. */
  readonly secure: boolean;
  /**
   * Follows a request the HTTP server parsed on this connection until its response closes. The page server reads
   * no request bodies: the body is drained, under the request deadline.
   */
  track(req: IncomingMessage, res: ServerResponse): void;
  /**
   * Ends the connection with `response`, a whole HTTP response written straight to the stream. While responses are
   * under way it is not written: the connection ends when they are done. Without a stream (no handshake yet) the
   * socket is closed. Only the first call acts (a parser that failed fails again on every later chunk): returns
   * whether this one did.
   */
  refuse(response: string): boolean;
}

/**
 * The socket as a plain Duplex that replays `first`, the bytes already read from it. The HTTP server (and a TLS
 * socket) read a real socket's handle directly, past anything pushed back into the stream, so they are given this
 * instead; Node documents that any Duplex may be passed as a server's connection.
 *
 * Once the server has ended its side, the socket is not destroyed with the stream: it reads and drops what the peer
 * still sends until the peer closes, for at most {@link CLOSE_LINGER_MS}. Destroying it at once would answer that
 * data with a reset, and a reset makes the peer discard the response it has not read yet (a refusal, typically).
 */
function relay(socket: Socket, first: Buffer): Duplex {
  let ended = false;
  const d = new Duplex({
    read: () => { socket.resume(); },
    write: (chunk: Buffer, _enc, done) => { socket.write(chunk, done); },
    final: (done) => {
      ended = true;
      socket.end();
      setTimeout(() => socket.destroy(), CLOSE_LINGER_MS).unref();
      done();
    },
    destroy: (err, done) => {
      if (ended) socket.resume();
      else socket.destroy();
      done(err);
    },
  });
  d.on('error', () => {}); // the raw socket's own errors are handled where it is accepted
  d.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!d.destroyed && !d.push(chunk)) socket.pause();
  });
  socket.on('end', () => d.push(null));
  socket.on('close', () => d.destroy());
  return d;
}

/** A one-shot timer: `arm` starts it unless it is running, `clear` stops it. */
function timer(ms: number, expire: () => void): { arm(): void; clear(): void; readonly armed: boolean } {
  let t: NodeJS.Timeout | undefined;
  return {
    arm() { t ??= setTimeout(() => { t = undefined; expire(); }, ms); },
    clear() { clearTimeout(t); t = undefined; },
    get armed() { return t !== undefined; },
  };
}

/** Takes over an accepted socket: waits for its first byte, then hands its HTTP stream to `o.onStream`. */
export function acceptPageConnection(socket: Socket, o: PageConnectionOptions): PageConnection {
  const d = o.deadlines ?? PAGE_DEADLINES;
  let stream: Duplex | undefined;
  let secure = false;
  let responding = 0;
  // Whether request bytes came since the handshake or the last response (a connection nobody used closes quietly).
  let requestBytes = false;
  // Whether the connection waits for a next request, whose first byte starts its deadlines.
  let waiting = false;
  let tlsStarted = false;
  // A refusal was written: the connection is closing, later errors on it need no answer.
  let refused = false;
  const expire = (what: string, ms: number) => () => {
    if (!requestBytes && !(tlsStarted && !secure)) {
      socket.destroy();
      return;
    }
    if (connection.refuse(rawResponse(408, `${what} not done within ${ms} ms`))) o.onDeadline?.(connection, `${what} not done within ${ms} ms`);
  };
  // Every request is received and answered: the next byte starts the next request's deadlines.
  const wait = () => {
    waiting = true;
    requestBytes = false;
  };
  const handshake = timer(d.handshakeMs, expire('TLS handshake', d.handshakeMs));
  const head = timer(d.headersMs, expire('request head', d.headersMs));
  const whole = timer(d.requestMs, expire('request', d.requestMs));
  const connection: PageConnection = {
    address: socket.remoteAddress ?? 'unknown',
    socket,
    get stream() { return stream; },
    get secure() { return secure; },
    track(req, res) {
      head.clear();
      whole.arm(); // a pipelined request may have arrived while the connection was not waiting
      responding++;
      req.once('end', () => {
        whole.clear();
        if (responding === 0) wait();
      });
      req.resume();
      res.once('close', () => {
        if (--responding > 0) return;
        if (refused) stream?.end();
        else if (!whole.armed) wait();
      });
    },
    refuse(response) {
      if (refused) return false;
      refused = true;
      // The connection is closing: the linger and idle limits bound what is left of it.
      handshake.clear();
      head.clear();
      whole.clear();
      if (!stream?.writable) socket.destroy();
      else if (responding === 0) stream.end(response);
      return true;
    },
  };
  socket.on('error', () => socket.destroy());
  socket.setTimeout(d.idleMs, () => socket.destroy());
  socket.once('close', () => {
    handshake.clear();
    head.clear();
    whole.clear();
  });
  handshake.arm();
  head.arm();
  whole.arm();
  socket.on('data', () => {
    if (stream) requestBytes = true; // for TLS, only bytes after the handshake
    if (!waiting) return;
    waiting = false;
    head.arm();
    whole.arm();
  });
  socket.once('data', (first: Buffer) => {
    const relayed = relay(socket, first);
    if (!o.secureContext || first[0] !== 0x16) {
      handshake.clear();
      stream = relayed;
      requestBytes = true;
      o.onStream(connection);
      return;
    }
    tlsStarted = true;
    const tls = new TLSSocket(relayed, { isServer: true, secureContext: o.secureContext, ALPNProtocols: ['http/1.1'] });
    tls.once('secure', () => {
      handshake.clear();
      stream = tls;
      secure = true;
      o.onStream(connection);
    });
    tls.on('error', (err) => {
      if (!secure) o.onTlsError?.(connection, err);
      tls.destroy();
    });
  });
  return connection;
}
