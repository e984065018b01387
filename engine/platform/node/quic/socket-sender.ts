/**
 * Sends UDP payloads on a node:dgram socket and closes it only after the sends already handed to it went out: a
 * send may be queued, and closing the socket at once would drop the last packets (such as a CONNECTION_CLOSE).
 */
import type { Socket } from 'node:dgram';
import type { HostPort } from './quiche.ts';

/** Sending side of a socket. */
export interface SocketSender {
  /** Sends one payload (ignored once closing). */
  send(bytes: Uint8Array, to: HostPort): void;
  /** Closes the socket once the pending sends are done; resolves when closed. Idempotent. */
  close(): Promise<void>;
}

/** Socket buffer size asked for, bytes: bursts of packets (a window of stream data, many clients) must not overflow
 * the kernel's default of about 200 KiB, or they are lost before they are read. The kernel may grant less. */
const SOCKET_BUFFER = 2 * 1024 * 1024;

/** Enlarges a bound socket's buffers as far as the kernel allows. */
export function enlargeSocketBuffers(socket: Socket): void {
  try {
    socket.setRecvBufferSize(SOCKET_BUFFER);
    socket.setSendBufferSize(SOCKET_BUFFER);
  } catch { /* not allowed here: keep the defaults */ }
}

/** How often close() looks again for sends the kernel did not take at once, ms. */
const DRAIN_POLL_MS = 5;

/**
 * Wraps `socket` (with `connected`: a socket connected to its one peer, to which every send goes, with no address
 * lookup). Sends pass no callback, so that Node first tries the send synchronously (one sendmsg, no request object
 * and no completion callback per packet); a send the kernel cannot take at once is queued by libuv, and close()
 * waits until that queue is empty.
 */
export function createSocketSender(socket: Socket, options: { connected?: boolean } = {}): SocketSender {
  let closing: Promise<void> | undefined;
  return {
    send(bytes, to) {
      if (closing) return;
      if (options.connected) socket.send(bytes); // to the connected peer, which is `to`
      else socket.send(bytes, to.port, to.host);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        // A send to an address reaches the queue after a lookup tick: look after it.
        const shut = () => {
          if (socket.getSendQueueCount() > 0) setTimeout(shut, DRAIN_POLL_MS);
          else socket.close(() => resolve());
        };
        setImmediate(shut);
      });
      return closing;
    },
  };
}
