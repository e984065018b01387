/**
 * One connection to the page port, from accept to close. The port speaks HTTP and HTTPS: the first byte tells them
 * apart (0x16 opens a TLS handshake). The HTTP server is handed a stream to read: the relayed socket, or a TLS socket
 * over it once its handshake is done.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { TLSSocket, type SecureContext } from 'node:tls';

/** A page connection with no traffic for this long is closed, ms. */
export const IDLE_TIMEOUT_MS = 120_000;

/** After the server ends a connection, the peer has this long to close its side before the socket is destroyed, ms. */
export const CLOSE_LINGER_MS = 2_000;

/** Options of {@link acceptPageConnection}. */
export interface PageConnectionOptions {
  /** TLS credentials; without them every connection is plain HTTP. */
  secureContext?: SecureContext;
  /** Idle limit, ms (default {@link IDLE_TIMEOUT_MS}). */
  idleMs?: number;
  /** The connection's HTTP stream (`connection.stream`) is ready: hand it to the HTTP server. */
  onStream(connection: PageConnection): void;
  /** A TLS handshake failed (errors after it are the HTTP server's). */
  onTlsError?(err: Error): void;
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
  /** Follows a request the HTTP server parsed on this connection until its response closes. */
  track(req: IncomingMessage, res: ServerResponse): void;
  /**
   * Ends the connection with `response`, a whole HTTP response written straight to the stream, when that can be
   * done cleanly (a stream, and no response under way); otherwise just closes it.
   */
  refuse(response: string): void;
}

/**
 * The socket as a plain Duplex that replays `first`, the bytes already read from it. The HTTP server (and a TLS
 * socket) read a real socket's handle directly, past anything pushed back into the stream, so they are given this
 * instead; Node documents that any Duplex may be passed as a server's connection.
 */
function relay(socket: Socket, first: Buffer): Duplex {
  const d = new Duplex({
    read: () => { socket.resume(); },
    write: (chunk: Buffer, _enc, done) => { socket.write(chunk, done); },
    final: (done) => {
      socket.end();
      setTimeout(() => socket.destroy(), CLOSE_LINGER_MS).unref();
      done();
    },
    destroy: (err, done) => { socket.destroy(); done(err); },
  });
  d.push(first);
  socket.on('data', (chunk: Buffer) => { if (!d.push(chunk)) socket.pause(); });
  socket.on('end', () => d.push(null));
  socket.on('close', () => d.destroy());
  return d;
}

/** Takes over an accepted socket: waits for its first byte, then hands its HTTP stream to `o.onStream`. */
export function acceptPageConnection(socket: Socket, o: PageConnectionOptions): PageConnection {
  socket.on('error', () => socket.destroy());
  // Idle connections are closed (the HTTP server behind the relay cannot see the socket's own timers).
  socket.setTimeout(o.idleMs ?? IDLE_TIMEOUT_MS, () => socket.destroy());
  let stream: Duplex | undefined;
  let secure = false;
  let responding = 0;
  const connection: PageConnection = {
    address: socket.remoteAddress ?? 'unknown',
    socket,
    get stream() { return stream; },
    get secure() { return secure; },
    track(_req, res) {
      responding++;
      res.once('close', () => { responding--; });
    },
    refuse(response) {
      if (stream?.writable && responding === 0) stream.end(response);
      else socket.destroy();
    },
  };
  socket.once('data', (first: Buffer) => {
    const relayed = relay(socket, first);
    if (!o.secureContext || first[0] !== 0x16) {
      stream = relayed;
      o.onStream(connection);
      return;
    }
    const tls = new TLSSocket(relayed, { isServer: true, secureContext: o.secureContext, ALPNProtocols: ['http/1.1'] });
    tls.once('secure', () => {
      stream = tls;
      secure = true;
      o.onStream(connection);
    });
    tls.on('error', (err) => {
      if (!secure) o.onTlsError?.(err);
      tls.destroy();
    });
  });
  return connection;
}
