/**
 * A gateway of the game's cluster (docs/cluster.md): the players' endpoint (WebTransport over QUIC and HTTP/2, the page
 * and `/connect.json`, from listen()), which bridges each session over NATS to the shard that leases the region of
 * the spawn point (engine/cluster/session-bridge.ts). The shard runs the handshake, prediction and replication; the
 * gateway only relays and counts. When no shard holds that region, the session is closed with the reason.
 *
 * Not built yet (see docs/cluster.md): following a player to another shard (hand-off), re-attaching players when a
 * shard dies.
 */
import { loadHasher, protocolIdentity } from '../../engine/index.ts';
import { createStratumMetrics, listen, netLogOf, type ListenOptions, type Listening, type Logger } from '../../engine/server.ts';
import { bridgeSession, openLeases, regionKeyOf, startNats, type RegionKey } from '../../engine/cluster.ts';
import type { TransportSession } from '../../engine/index.ts';
import { GAME_PROTOCOL } from '../protocol.ts';

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

/** Starts a gateway; resolves once players can connect. */
export async function startGateway(o: GatewayOptions): Promise<RunningGateway> {
  const { logger } = o;
  const spawnRegion = o.spawnRegion ?? regionKeyOf(0, 0);
  const nats = await startNats({ url: o.natsUrl });
  let leases: Awaited<ReturnType<typeof openLeases>> | undefined;
  let net: Listening | undefined;
  const bridged = new Set<ReturnType<typeof bridgeSession>>();
  let stopping = false;
  const refuse = (session: TransportSession, reason: string) => session.close({ code: 1, reason });
  /** Bridges `session` to the spawn region's shard, or closes it with the reason. */
  const route = async (session: TransportSession) => {
    const shard = await leases!.owner(spawnRegion);
    if (stopping) return refuse(session, 'the cluster is stopping');
    if (!shard) {
      logger.warn('no shard leases the spawn region', { region: spawnRegion });
      return refuse(session, `no shard serves region ${spawnRegion} now`);
    }
    const b = bridgeSession(nc, session, { shard, gateway: o.id, log: (m) => logger.warn(m) });
    bridged.add(b);
    void b.closed.then(() => bridged.delete(b));
  };
  const nc = await nats.connect().catch(async (err: Error) => { await nats.stop(); throw err; });
  try {
    leases = await openLeases(nc, { shard: o.id, autoRenew: false });
    const metrics = createStratumMetrics({ labels: { process: 'gateway', gateway: o.id } });
    const identity = protocolIdentity(GAME_PROTOCOL, await loadHasher());
    const accept = (session: TransportSession) => {
      if (stopping) return refuse(session, 'the cluster is stopping');
      route(session).catch((err: Error) => refuse(session, `the gateway could not route the session: ${err.message}`));
    };
    net = await listen({ net: { accept }, identity, metrics }, { ...o.listen, log: netLogOf(logger) });
  } catch (err) {
    await leases?.close({ release: false });
    await nats.stop();
    throw err;
  }
  const running = net;
  return {
    net: running,
    get bridged() { return bridged.size; },
    async stop() {
      stopping = true;
      // Players are told first (their sessions close with the reason, on the shards too), then the endpoints close.
      for (const b of bridged) b.close({ code: 0, reason: 'the cluster is stopping' });
      await new Promise((r) => setTimeout(r, 200));
      await running.close();
      await leases!.close({ release: false });
      await nats.stop();
    },
  };
}
