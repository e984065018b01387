/**
 * A bare QUIC client for hostile-input tests: completes the handshake (ALPN h3) with the project's QUIC driver and
 * then lets a test write anything on any stream, with no HTTP/3 layer of its own. It reports how the server closed.
 */
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { QuicCloseInfo, QuicConn } from '../../engine/platform/node/quic/quic-connection.ts';
import { createQuicConn } from '../../engine/platform/node/quic/quic-connection.ts';
import { CONN_ID_LEN, createQuicheConfig, quiche } from '../../engine/platform/node/quic/quiche.ts';

/** A handshaken raw connection. */
export interface RawQuic {
  /** The driven connection: writeStream, nextStreamId, sendDatagram, ... */
  quic: QuicConn;
  /** Resolves with how the connection ended. */
  closed: Promise<QuicCloseInfo>;
  /** Bytes the server sent on each stream. */
  received: Map<number, number[]>;
}

/** Connects to a QUIC server on 127.0.0.1:`port`; resolves once the handshake is done. */
export function openRawQuic(port: number): Promise<RawQuic> {
  const socket = createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.bind(0, '127.0.0.1', () => {
      const local = { host: '127.0.0.1', port: socket.address().port };
      const remote = { host: '127.0.0.1', port };
      const native = quiche().Connection.connect(null, randomBytes(CONN_ID_LEN), local, remote, createQuicheConfig({ idleTimeoutMs: 10_000 }));
      let open = true;
      const quic = createQuicConn({
        native, isClient: true, local, remote,
        sendPacket: (b, to) => { if (open) socket.send(b, to.port, to.host); },
        onGone: () => { open = false; socket.close(); },
      });
      let onClosed: (i: QuicCloseInfo) => void = () => {};
      const closed = new Promise<QuicCloseInfo>((r) => { onClosed = r; });
      const received = new Map<number, number[]>();
      const timer = setTimeout(() => reject(new Error('raw QUIC handshake timed out')), 5000);
      quic.setEvents({
        onEstablished: () => { clearTimeout(timer); resolve({ quic, closed, received }); },
        onStreamReadable: (id) => {
          for (let c = quic.readStream(id); c; c = c.fin ? undefined : quic.readStream(id)) {
            const list = received.get(id) ?? [];
            list.push(...c.bytes);
            received.set(id, list);
          }
        },
        onDatagram: () => {},
        onClosed: (i) => { clearTimeout(timer); onClosed(i); reject(new Error(`closed during handshake: ${i.reason}`)); },
      });
      socket.on('message', (m, r) => quic.receive(m, { host: r.address, port: r.port }));
      quic.flush();
    });
  });
}
