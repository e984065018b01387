/**
 * The server side of QUIC on one UDP socket (node:dgram): routes each packet by its destination connection id,
 * answers an unknown version with Version Negotiation, validates client addresses with Retry (see retry-token.ts:
 * a first Initial gets a Retry, and the connection is accepted only when the Initial returns a valid token) while
 * many handshakes are in progress, or always (RFC 9000 section 8.1.2; below that, quiche's limit of three bytes
 * sent per byte received from an unvalidated address is what stops amplification), refuses connections
 * over the limit with CONNECTION_REFUSED, and drops anything else that does not belong to a connection. A packet
 * only ever reaches its own connection, so garbage costs its sender nothing but its own session.
 */
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { idKey, isLongHeader, readDestinationId } from './packet-header.ts';
import type { QuicConn } from './quic-connection.ts';
import { createQuicConn } from './quic-connection.ts';
import { createSocketSender, enlargeSocketBuffers } from './socket-sender.ts';
import type { HostPort, QuicheConfig, QuicheHeader } from './quiche.ts';
import { CONN_ID_LEN, quiche } from './quiche.ts';
import type { RetryTokenKey } from './retry-token.ts';
import { createRetryTokenKey, mintRetryToken, validateRetryToken } from './retry-token.ts';

/** QUIC transport error CONNECTION_REFUSED. */
const CONNECTION_REFUSED = 0x2;
/** Clients must pad Initial packets to this size (RFC 9000 section 14.1); smaller ones are dropped unanswered. */
const MIN_INITIAL = 1200;

/** Options of {@link startQuicEndpoint}. */
export interface QuicEndpointOptions {
  /** Bind address. */
  host: string;
  /** UDP port (0: any free one). */
  port: number;
  /** quiche configuration for accepted connections. */
  config: QuicheConfig;
  /** Most connections at once; more are refused (default 1024). */
  maxConnections?: number;
  /**
   * When to validate client addresses with Retry before accepting: `under-load` (the default): while at least
   * {@link QuicEndpointOptions.retryAbove} handshakes are in progress, which is what a flood of spoofed Initials looks
   * like; `always`; or `never`. A Retry costs every client one more round trip.
   */
  retry?: 'always' | 'never' | 'under-load';
  /** Handshakes in progress from which `under-load` demands Retry (default 16). */
  retryAbove?: number;
  /** A new connection, once quiche has answered its first Initial (which raises no event): set its events here. */
  onConnection(conn: QuicConn): void;
}

/** Counters of what the endpoint dropped or answered statelessly. */
export interface QuicEndpointStats {
  /** UDP datagrams received. */
  packetsIn: number;
  /** Datagrams dropped: not QUIC, unknown connection, bad token, undersized Initial. */
  packetsDropped: number;
  /** Retry packets sent. */
  retries: number;
  /** Version Negotiation packets sent. */
  versionNegotiations: number;
  /** Connections refused over the limit or while stopping. */
  refused: number;
  /** Connections accepted. */
  accepted: number;
}

/** A listening QUIC endpoint. */
export interface QuicEndpoint {
  /** The bound UDP port. */
  readonly port: number;
  /** Connections quiche still tracks (open, closing or draining). */
  readonly connections: number;
  /** Counters. */
  readonly stats: QuicEndpointStats;
  /** Refuses new connections from now on (existing ones continue). */
  stopAccepting(): void;
  /** Accepts new connections with this configuration from now on (e.g. a renewed certificate); open ones keep theirs. */
  setConfig(config: QuicheConfig): void;
  /** Waits up to `graceMs` for the connections to finish, then closes the socket. */
  close(graceMs?: number): Promise<void>;
}

/** Binds the socket and starts serving. */
export async function startQuicEndpoint(options: QuicEndpointOptions): Promise<QuicEndpoint> {
  const q = quiche();
  let config = options.config;
  const socket = createSocket({ type: options.host.includes(':') ? 'udp6' : 'udp4' });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, options.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', () => {}); // ICMP-driven send errors (peer gone) are not the endpoint's failure
  enlargeSocketBuffers(socket);
  const port = socket.address().port;
  const local: HostPort = { host: options.host, port };
  const byId = new Map<string, QuicConn>();
  const maxConnections = options.maxConnections ?? 1024;
  const retryPolicy = options.retry ?? 'under-load';
  const retryAbove = options.retryAbove ?? 16;
  /** True when a new client must prove its address first. */
  const retryNow = () => {
    if (retryPolicy !== 'under-load') return retryPolicy === 'always';
    if (live.size < retryAbove) return false; // fewer connections than that: fewer handshakes too
    let handshaking = 0;
    for (const c of live) if (!c.established && !c.closing) handshaking++;
    return handshaking >= retryAbove;
  };
  const tokenKey: RetryTokenKey = createRetryTokenKey();
  const stats: QuicEndpointStats = { packetsIn: 0, packetsDropped: 0, retries: 0, versionNegotiations: 0, refused: 0, accepted: 0 };
  const live = new Set<QuicConn>();
  let accepting = true;
  let allGone: (() => void) | undefined;

  const sender = createSocketSender(socket);
  const send = sender.send;

  const statelessReply = (build: (out: Uint8Array) => number, to: HostPort) => {
    const out = new Uint8Array(1500);
    const n = build(out);
    send(out.subarray(0, n), to);
  };

  const accept = (packet: Uint8Array, from: HostPort) => {
    let header: QuicheHeader;
    try {
      header = q.Header.fromSlice(packet, CONN_ID_LEN);
    } catch {
      stats.packetsDropped++;
      return;
    }
    if (!q.versionIsSupported(header.version)) {
      stats.versionNegotiations++;
      statelessReply((out) => q.negotiateVersion(header.scid, header.dcid, out), from);
      return;
    }
    if (header.ty !== q.Type.Initial || packet.length < MIN_INITIAL) {
      stats.packetsDropped++;
      return;
    }
    let odcid: Uint8Array | null = null;
    let scid: Uint8Array;
    const token = header.token ?? new Uint8Array(0);
    const retried = token.length > 0; // a token from our Retry: check it whatever the load is now
    if (retried || retryNow()) {
      if (!retried) {
        const newId = randomBytes(CONN_ID_LEN);
        const t = mintRetryToken(tokenKey, from.host, from.port, header.dcid, Date.now());
        stats.retries++;
        statelessReply((out) => q.retry(header.scid, header.dcid, newId, t, header.version, out), from);
        return;
      }
      odcid = validateRetryToken(tokenKey, token, from.host, from.port, Date.now()) ?? null;
      if (!odcid || header.dcid.length !== CONN_ID_LEN) {
        stats.packetsDropped++;
        return;
      }
      scid = header.dcid; // the id the Retry told the client to use
    } else {
      scid = randomBytes(CONN_ID_LEN);
    }
    const native = q.Connection.accept(scid, odcid, local, from, config);
    const keys = [idKey(scid)];
    if (!retried) keys.push(idKey(header.dcid)); // the client's further Initials still carry its own first id
    let answered = false;
    const conn = createQuicConn({
      native, isClient: false, local, remote: from,
      sendPacket: (bytes, to) => {
        answered = true;
        send(bytes, to);
      },
      onGone: () => {
        for (const k of keys) if (byId.get(k) === conn) byId.delete(k);
        live.delete(conn);
        if (live.size === 0) allGone?.();
      },
    });
    if (!accepting || live.size >= maxConnections) {
      stats.refused++;
      for (const k of keys) byId.set(k, conn);
      live.add(conn);
      conn.receive(packet, from);
      conn.close(false, CONNECTION_REFUSED, accepting ? 'server full' : 'server stopping');
      return;
    }
    // The first Initial decides: quiche answers one it can decrypt; one it cannot (garbage behind a valid-looking
    // header) leaves nothing to answer, and the connection is forgotten at once, sending nothing.
    conn.receive(packet, from);
    conn.flush();
    if (!answered) {
      stats.packetsDropped++;
      conn.discard();
      return;
    }
    for (const k of keys) byId.set(k, conn);
    live.add(conn);
    stats.accepted++;
    options.onConnection(conn);
  };

  socket.on('message', (msg, rinfo) => {
    stats.packetsIn++;
    const from: HostPort = { host: rinfo.address, port: rinfo.port };
    const dcid = readDestinationId(msg, CONN_ID_LEN);
    if (!dcid) {
      stats.packetsDropped++;
      return;
    }
    const conn = byId.get(idKey(dcid));
    if (conn) {
      conn.receive(msg, from);
      return;
    }
    if (!isLongHeader(msg)) {
      stats.packetsDropped++;
      return;
    }
    accept(msg, from);
  });

  return {
    port,
    get connections() { return live.size; },
    stats,
    stopAccepting() { accepting = false; },
    setConfig(c) { config = c; },
    async close(graceMs = 1000) {
      accepting = false;
      if (live.size > 0) {
        await new Promise<void>((resolve) => {
          allGone = resolve;
          setTimeout(resolve, graceMs);
        });
      }
      await sender.close();
    },
  };
}
