/**
 * Sends UDP payloads on a node:dgram socket and closes it only after the sends already handed to it went out: a
 * send is asynchronous, and closing the socket at once would drop the last packets (such as a CONNECTION_CLOSE).
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

/** Wraps `socket`. */
export function createSocketSender(socket: Socket): SocketSender {
  let inflight = 0;
  let closing: Promise<void> | undefined;
  let whenIdle: (() => void) | undefined;
  const sent = () => {
    inflight--;
    if (inflight === 0) whenIdle?.();
  };
  return {
    send(bytes, to) {
      if (closing) return;
      inflight++;
      socket.send(bytes, to.port, to.host, sent);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        const shut = () => socket.close(() => resolve());
        if (inflight === 0) shut();
        else whenIdle = shut;
      });
      return closing;
    },
  };
}
