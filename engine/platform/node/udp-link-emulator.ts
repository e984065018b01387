/**
 * A seeded UDP link emulator: a relay on one UDP port that forwards every client's packets to a target (a QUIC
 * server) and the target's answers back, imposing one-way delay, jitter, loss and reordering on each packet in each
 * direction. Loss here is real packet loss: QUIC sees it, retransmits stream data, and datagrams are simply gone.
 *
 * Each client address gets its own upstream socket, so the target sees one peer per client. Every (peer, direction)
 * draws from its own generator seeded from `seed` and the peer's arrival order, so a peer's n-th packet meets the
 * same fate in every run with the same seed, whatever the other peers do.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createRng, mix32, type Rng } from '../../rng.ts';

/** Link properties, applied to each direction separately. */
export interface UdpLink {
  /** One-way delay, ms (default 0). */
  latencyMs?: number;
  /** Extra uniform random delay in [0, jitterMs) per packet, ms (default 0); packets may overtake each other. */
  jitterMs?: number;
  /** Probability that a packet is dropped, 0..1 (default 0). */
  loss?: number;
  /** Probability that a packet is held back by `reorderDelayMs` so later ones overtake it, 0..1 (default 0). */
  reorder?: number;
  /** Hold-back of a reordered packet, ms (default 20). */
  reorderDelayMs?: number;
}

/** Options of {@link startUdpLinkEmulator}. */
export interface UdpLinkEmulatorOptions extends UdpLink {
  /** Where packets go: the server's address and UDP port. */
  target: { host: string; port: number };
  /** Seed of the loss, jitter and reordering draws. */
  seed: number;
  /** Bind address of the relay (default 127.0.0.1). */
  host?: string;
  /** Relay port (default 0: any free port). */
  port?: number;
}

/** Counters of a running emulator, both directions together. */
export interface UdpLinkStats {
  /** Packets received from either side. */
  received: number;
  /** Packets dropped by the loss draw. */
  dropped: number;
  /** Packets held back by the reorder draw. */
  reordered: number;
  /** Client addresses seen. */
  peers: number;
}

/** A running emulator. */
export interface UdpLinkEmulator {
  /** Bind address of the relay (what clients send to). */
  readonly host: string;
  /** Relay port. */
  readonly port: number;
  /** Counters. */
  readonly stats: UdpLinkStats;
  /** Replaces some link properties from now on (both directions). */
  setLink(link: UdpLink): void;
  /** Stops forwarding: closes every socket and drops packets in flight. */
  close(): Promise<void>;
}

interface Peer {
  /** The client's address. */
  client: RemoteInfo;
  /** The socket that talks to the target on this client's behalf. */
  upstream: Socket;
  /** Draws for client-to-target packets. */
  up: Rng;
  /** Draws for target-to-client packets. */
  down: Rng;
}

/** Starts a relay on `host:port` towards `target`. */
export async function startUdpLinkEmulator(options: UdpLinkEmulatorOptions): Promise<UdpLinkEmulator> {
  const host = options.host ?? '127.0.0.1';
  const type = host.includes(':') ? 'udp6' : 'udp4';
  let link: Required<UdpLink> = { latencyMs: 0, jitterMs: 0, loss: 0, reorder: 0, reorderDelayMs: 20 };
  const setLink = (l: UdpLink) => {
    link = { ...link, ...Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) };
  };
  setLink(options);
  const stats: UdpLinkStats = { received: 0, dropped: 0, reordered: 0, peers: 0 };
  const peers = new Map<string, Peer>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  /** Decides the packet's fate with `rng`, then sends it after its delay (or never). */
  const forward = (rng: Rng, send: () => void) => {
    stats.received++;
    // Always three draws per packet, so the n-th packet's fate does not depend on the link settings of earlier ones.
    const lost = rng.next() < link.loss;
    const jitter = rng.next() * link.jitterMs;
    const held = rng.next() < link.reorder;
    if (lost) {
      stats.dropped++;
      return;
    }
    if (held) stats.reordered++;
    const delay = link.latencyMs + jitter + (held ? link.reorderDelayMs : 0);
    if (delay <= 0) return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) send();
    }, delay);
    timers.add(timer);
  };

  const relay = createSocket({ type });
  relay.on('error', () => {}); // ICMP unreachable from a client that went away: nothing to do
  relay.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let peer = peers.get(key);
    if (!peer) {
      const index = stats.peers++;
      const upstream = createSocket({ type: options.target.host.includes(':') ? 'udp6' : 'udp4' });
      upstream.on('error', () => {});
      const p: Peer = { client: rinfo, upstream, up: createRng(mix32(options.seed) ^ (2 * index)), down: createRng(mix32(options.seed) ^ (2 * index + 1)) };
      upstream.on('message', (back) => forward(p.down, () => relay.send(back, p.client.port, p.client.address)));
      peers.set(key, (peer = p));
    }
    const p = peer;
    forward(p.up, () => p.upstream.send(msg, options.target.port, options.target.host));
  });
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.bind(options.port ?? 0, host, () => {
      relay.off('error', reject);
      resolve();
    });
  });
  return {
    host,
    port: relay.address().port,
    stats,
    setLink,
    async close() {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const sockets = [relay, ...[...peers.values()].map((p) => p.upstream)];
      peers.clear();
      await Promise.all(sockets.map((s) => new Promise<void>((r) => { try { s.close(() => r()); } catch { r(); } })));
    },
  };
}
