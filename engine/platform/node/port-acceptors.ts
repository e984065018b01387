/**
 * Several listening sockets on one TCP port (Linux SO_REUSEPORT), all handing their connections to one server.
 *
 * Why: Node's event loop accepts one connection per listening socket per turn (libuv stopped accepting in a loop:
 * "unix: don't accept() connections in a loop", libuv pull request 3696). A game server busy with a crowd turns a few
 * times a second, so a crowd connecting at once (a join storm, everyone reconnecting after a restart) waits in the
 * listen queue, and past its connect timeout: `bench scale` saw 150 connections queued while the server accepted
 * about 4 a second. With K sockets the kernel spreads new connections over K queues and a turn accepts up to K.
 *
 * A fixed port is first bound once without SO_REUSEPORT, so that a port already in use still fails loudly instead
 * of being shared with whatever listens there.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** A server that takes connections accepted elsewhere through its 'connection' event (net, tls, http2 servers do). */
export interface ConnectionSink {
  emit(event: 'connection', socket: Socket): boolean;
}

/** True where SO_REUSEPORT spreads connections over the sockets (Linux). */
export const SHARED_PORTS = process.platform === 'linux';

/** Throws (EADDRINUSE, ...) if `port` on `host` cannot be bound on its own right now. */
export async function probePort(port: number, host: string): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen({ port, host, exclusive: true }, () => resolve());
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

/**
 * Opens `count` more listening sockets on `port` (whose first socket must have been bound with `reusePort`), each
 * passing what it accepts to `sink`. Resolves with those that could listen; close them with the server.
 */
export async function addAcceptors(sink: ConnectionSink, port: number, host: string, count: number): Promise<Server[]> {
  const out: Server[] = [];
  for (let i = 0; i < count; i++) {
    const s = createServer((socket) => { sink.emit('connection', socket); });
    try {
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen({ port, host, reusePort: true }, () => resolve());
      });
      out.push(s);
    } catch {
      s.close();
      break; // the platform or the port does not share: the sockets so far still work
    }
  }
  return out;
}
