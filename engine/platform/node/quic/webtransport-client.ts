/**
 * The Node client of the QUIC WebTransport server (bots, world test, benches): one UDP socket and QUIC connection
 * per session, HTTP/3 with an extended CONNECT, and the server certificate checked against the pinned SHA-256 (the
 * way a browser's `serverCertificateHashes` does) before anything is sent. Datagrams are truly unreliable.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Connector, TransportSession } from '../../../net/transport.ts';
import { createH3Connection } from './h3-connection.ts';
import { createQuicConn } from './quic-connection.ts';
import { createSocketSender, enlargeSocketBuffers } from './socket-sender.ts';
import type { HostPort } from './quiche.ts';
import { CONN_ID_LEN, createQuicheConfig, quiche } from './quiche.ts';

/** Options of {@link quicWebTransportConnector}. */
export interface QuicConnectorOptions {
  /** `https://host:port/path` of the server. */
  url: string;
  /** SHA-256 of the server's certificate; the connection is refused on any other certificate. */
  certHash: Uint8Array;
  /** `origin` header to send (default none). */
  origin?: string;
  /** Give up when no session after this long, ms (default 10000). */
  connectTimeoutMs?: number;
  /** QUIC idle timeout, ms (default 30000). */
  idleTimeoutMs?: number;
}

/** A connector that opens one QUIC connection and WebTransport session per call. */
export function quicWebTransportConnector(options: QuicConnectorOptions): Connector {
  const url = new URL(options.url);
  if (url.protocol !== 'https:') throw new Error(`WebTransport URL must be https: ${options.url}`);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || 443);
  const config = createQuicheConfig({ idleTimeoutMs: options.idleTimeoutMs ?? 30_000 });
  const pin = Buffer.from(options.certHash).toString('hex');
  return (done) => {
    let settled = false;
    const settle = (r: TransportSession | Error) => {
      if (settled) return;
      settled = true;
      done(r);
    };
    const address = isIP(hostname) ? Promise.resolve(hostname) : lookup(hostname).then((a) => a.address);
    address.then((host) => {
      const socket = createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4' });
      socket.on('error', () => {}); // ICMP port unreachable and the like: the QUIC timers report the failure
      // Connected to the server: the kernel filters other senders, and sends need no address (no lookup per packet).
      socket.bind(0, () => socket.connect(port, host, () => {
        const local: HostPort = { host: socket.address().address, port: socket.address().port };
        const remote: HostPort = { host, port };
        enlargeSocketBuffers(socket);
        const sender = createSocketSender(socket, { connected: true });
        const native = quiche().Connection.connect(isIP(hostname) ? null : hostname, randomBytes(CONN_ID_LEN), local, remote, config);
        const quic = createQuicConn({ native, isClient: true, local, remote, sendPacket: sender.send, onGone: sender.close });
        const timer = setTimeout(() => {
          settle(new Error(`WebTransport connect to ${options.url} timed out`));
          h3.close('connect timed out');
        }, options.connectTimeoutMs ?? 10_000);
        const h3 = createH3Connection({
          quic, role: 'client',
          request: { authority: `${url.hostname}:${port}`, path: url.pathname + url.search, origin: options.origin },
          verify: () => {
            const leaf = native.peerCertChain()?.[0];
            if (!leaf) return 'the server sent no certificate';
            const got = createHash('sha256').update(leaf).digest('hex');
            return got === pin ? undefined : `server certificate sha-256 ${got} is not the pinned ${pin}`;
          },
          onSession: (s) => {
            clearTimeout(timer);
            settle(s);
          },
          onFailure: (reason) => {
            clearTimeout(timer);
            settle(new Error(`WebTransport connect to ${options.url} failed: ${reason}`));
          },
        });
        socket.on('message', (msg, rinfo) => {
          if (rinfo.port === remote.port) quic.receive(msg, { host: rinfo.address, port: rinfo.port });
        });
        quic.flush();
      }));
    }, (err: Error) => settle(new Error(`cannot resolve ${hostname}: ${err.message}`)));
  };
}
