/**
 * A gateway of the game's cluster (docs/cluster.md): the players' endpoint (WebTransport over QUIC and HTTP/2, the page
 * and `/connect.json`, from listen()), which bridges each session over NATS to the shard that leases the region of
 * the spawn point (engine/cluster/session-bridge.ts). The shard runs the handshake, prediction and replication; the
 * gateway only relays and counts. When no shard holds that region, the session is closed with the reason.
 *
 * When a shard hands a player to another, the bridge re-points the session (engine/cluster/session-bridge.ts).
 */
import { loadHasher, protocolIdentity } from '../../engine/index.ts';
import { createStratumMetrics, listen, netLogOf, type ListenOptions, type Listening, type Logger } from '../../engine/server.ts';
import { bridgeSession, openLeases, regionKeyOf, sampleNatsRoundTrips, startNats, type RegionKey } from '../../engine/cluster.ts';
import type { TransportSession } from '../../engine/index.ts';
import type { NatsConnection } from '@nats-io/transport-node';
import { GAME_PROTOCOL } from '../protocol.ts';

/** Options of {@link openGatewayRouter}. */
export interface GatewayRouterOptions {
  /** This gateway's id (a NATS subject token). */
  id: string;
  /** The connection to the cluster's NATS. */
  nc: NatsConnection;
  /** Where the gateway logs. */
  logger: Logger;
  /** The region players join in (default the one of the spawn point, column 0, 0). */
  spawnRegion?: RegionKey;
  /** Called for each session the shards moved (a hand-off): from, to, and how long the re-open took. */
  onMove?: (info: { from: string; to: string; ms: number; ok: boolean }) => void;
  /** Called for each session re-attached after its shard died (fail-over): from, to, and ms from the loss. */
  onReattach?: (info: { from: string; to: string; ms: number; ok: boolean }) => void;
  /** How long a session whose shard died waits for another shard to take its region, ms (default 20000). */
  reattachWaitMs?: number;
}

/** The routing half of a gateway: takes players' transport sessions and bridges each to a shard. */
export interface GatewayRouter {
  /** Takes a player's session (a SessionSink). */
  accept(session: TransportSession): void;
  /** Sessions bridged now. */
  readonly bridged: number;
  /** Closes every bridged session with the reason and stops taking new ones. */
  stop(reason: string): Promise<void>;
}

/**
 * Opens the router: each session goes to the shard that leases the spawn region (and follows its player from shard
 * to shard as the shards hand it over); when no shard holds that region, the session is closed with the reason. When
 * a shard dies (its leases expire), its sessions are re-attached, from their players' last checkpoints, to the
 * shards that take its regions over.
 */
export async function openGatewayRouter(o: GatewayRouterOptions): Promise<GatewayRouter> {
  const { logger, nc } = o;
  const spawnRegion = o.spawnRegion ?? regionKeyOf(0, 0);
  const leases = await openLeases(nc, { shard: o.id, autoRenew: false });
  const bridged = new Set<ReturnType<typeof bridgeSession>>();
  let stopping = false;
  const waitMs = o.reattachWaitMs ?? 20_000;
  if (!Number.isInteger(waitMs) || waitMs < 1000 || waitMs > 600_000) throw new RangeError(`reattachWaitMs must be an integer in 1000..600000, got ${waitMs}`);
  // Fail-over: a shard whose lease expired is dead (a live one renews); its sessions re-attach at once rather than at
  // their heartbeat timeout.
  // The watch also keeps the owners at hand, so that a join does not wait for a key-value read.
  const owners = new Map<RegionKey, string>();
  const unwatch = await leases.watch((c) => {
    if (c.kind === 'acquired' && c.owner) owners.set(c.region, c.owner);
    else owners.delete(c.region);
    if (c.kind !== 'expired' || !c.owner) return;
    for (const b of bridged) if (b.shard === c.owner) b.shardLost();
  });
  /** The shard that serves `region` once `dead`'s lease there is gone, or undefined after the wait. */
  const reattach = async (region: RegionKey, dead: string): Promise<string | undefined> => {
    const owner = await leases.awaitOwner(region, dead, waitMs, () => stopping);
    if (owner === undefined) logger.warn('no shard took over a dead shard\'s region', { region, dead, waitedMs: waitMs });
    return owner;
  };
  const refuse = (session: TransportSession, reason: string) => session.close({ code: 1, reason });
  /** Bridges `session` to the spawn region's shard, or closes it with the reason. */
  const route = async (session: TransportSession) => {
    const shard = owners.get(spawnRegion) ?? await leases.owner(spawnRegion);
    if (stopping) return refuse(session, 'the cluster is stopping');
    if (!shard) {
      logger.warn('no shard leases the spawn region', { region: spawnRegion });
      return refuse(session, `no shard serves region ${spawnRegion} now`);
    }
    const b = bridgeSession(nc, session, { shard, gateway: o.id, log: (m) => logger.warn(m), onMove: o.onMove, reattach, onReattach: o.onReattach });
    bridged.add(b);
    void b.closed.then(() => bridged.delete(b));
  };
  return {
    accept(session) {
      if (stopping) return refuse(session, 'the cluster is stopping');
      route(session).catch((err: Error) => refuse(session, `the gateway could not route the session: ${err.message}`));
    },
    get bridged() { return bridged.size; },
    async stop(reason) {
      stopping = true;
      // Players are told first (their sessions close with the reason, on the shards too).
      for (const b of bridged) b.close({ code: 0, reason });
      await new Promise((r) => setTimeout(r, 200));
      unwatch();
      await leases.close({ release: false });
    },
  };
}

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  /** This gateway's id (a NATS subject token). */
  id: string;
  /** The NATS to join. */
  natsUrl: string;
  /** Where players connect (listen's options: ports, transports, the page's folder). */
  listen: ListenOptions;
  /** Where the gateway logs. */
  logger: Logger;
  /** The region players join in (default the one of the spawn point, column 0, 0). */
  spawnRegion?: RegionKey;
}

/** A running gateway. */
export interface RunningGateway {
  /** The page, WebTransport and certificate it serves. */
  readonly net: Listening;
  /** Sessions bridged now. */
  readonly bridged: number;
  /** Closes the players' sessions and stops. */
  stop(): Promise<void>;
}

/** Starts a gateway with its own endpoint (listen()); resolves once players can connect. */
export async function startGateway(o: GatewayOptions): Promise<RunningGateway> {
  const { logger } = o;
  const nats = await startNats({ url: o.natsUrl });
  const nc = await nats.connect().catch(async (err: Error) => { await nats.stop(); throw err; });
  const metrics = createStratumMetrics({ labels: { process: 'gateway', gateway: o.id } });
  let router: GatewayRouter | undefined;
  let net: Listening | undefined;
  const stopRoundTrips = sampleNatsRoundTrips(nc, (sec) => metrics.natsRoundTrip.observe(sec));
  try {
    router = await openGatewayRouter({
      id: o.id, nc, logger, spawnRegion: o.spawnRegion,
      onMove: (m) => { if (m.ok) metrics.handoffs.inc(); },
      onReattach: (m) => logger[m.ok ? 'info' : 'warn']('a session re-attached after its shard died', { ...m }),
    });
    const identity = protocolIdentity(GAME_PROTOCOL, await loadHasher());
    net = await listen({ net: { accept: router.accept }, identity, metrics }, { ...o.listen, log: netLogOf(logger) });
  } catch (err) {
    stopRoundTrips();
    await router?.stop('the gateway failed to start');
    await nats.stop();
    throw err;
  }
  const running = net;
  const routing = router;
  return {
    net: running,
    get bridged() { return routing.bridged; },
    async stop() {
      stopRoundTrips();
      await routing.stop('the cluster is stopping');
      await running.close();
      await nats.stop();
    },
  };
}
