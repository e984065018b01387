/**
 * A shard of the game's cluster (docs/cluster.md): the game's server (game/server/game.ts, as `serve` builds it) on the
 * regions whose leases it holds, serving the sessions that gateways bridge to it over NATS, with Prometheus metrics on
 * a port of its own. A region it cannot lease (another shard holds it) stops the start with the owner named; a lease
 * it loses later is logged and counted in `stratum_lease_changes_total`.
 *
 * Not built yet (see docs/cluster.md): simulating only the leased regions, hand-off, borders, acknowledging edits
 * only once they are in the region's JetStream stream.
 */
import { createRealtimeScheduler, loadHasher } from '../../engine/index.ts';
import {
  createNodePool, createStratumMetrics, netLogOf, randomAdminToken, startMetricsServer, type Logger,
} from '../../engine/server.ts';
import { openLeases, serveBridgedSessions, startNats, type RegionKey } from '../../engine/cluster.ts';
import type { ServerConfig } from '../server/config.ts';
import { createGame } from '../server/game.ts';

/** Options of {@link startShard}. */
export interface ShardOptions {
  /** The shard's id (a NATS subject token). */
  id: string;
  /** The NATS to join. */
  natsUrl: string;
  /** The regions to lease. */
  regions: readonly RegionKey[];
  /** The world's configuration (every shard of a cluster uses the same world options). */
  config: ServerConfig;
  /** Port of `/metrics` (0: any free port). */
  metricsPort: number;
  /** Where the shard logs. */
  logger: Logger;
}

/** A running shard. */
export interface RunningShard {
  /** Its `/metrics` URL. */
  readonly metricsUrl: string;
  /** Closes its sessions, releases its leases and stops. */
  stop(reason?: string): Promise<void>;
}

/** Starts a shard; resolves once it serves its regions. */
export async function startShard(o: ShardOptions): Promise<RunningShard> {
  const { logger } = o;
  const log = netLogOf(logger);
  // Everything started is stopped, in reverse order, when a later step fails or the shard stops (once).
  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () => {
    stopping ??= (async () => {
      for (const stop of [...stops].reverse()) await stop().catch((err: Error) => logger.warn('stopping', { error: err.message }));
    })();
    return stopping;
  };
  try {
    const nats = await startNats({ url: o.natsUrl });
    stops.push(() => nats.stop());
    const nc = await nats.connect();
    const metrics = createStratumMetrics({ labels: { process: 'shard', shard: o.id } });
    const pool = createNodePool({ threads: o.config.threads });
    stops.push(() => pool.destroy());
    const { server, save } = createGame(o.config, {
      scheduler: createRealtimeScheduler(), hasher: await loadHasher(), store: null, pool,
      adminToken: o.config['admin-token'] ?? randomAdminToken(), log, metrics,
    });
    await server.init();
    const leases = await openLeases(nc, { shard: o.id });
    stops.push(() => leases.close());
    leases.onLost((lost) => {
      metrics.leaseChanges.inc();
      logger.error('lost a region lease', { ...lost });
    });
    for (const region of o.regions) {
      if (!(await leases.acquire(region))) {
        const owner = await leases.owner(region).catch(() => undefined);
        throw new Error(`shard ${o.id}: region ${region} is leased by ${owner === o.id ? 'this shard already (listed twice?)' : owner ?? 'another shard'}`);
      }
      metrics.leaseChanges.inc();
    }
    const bridged = await serveBridgedSessions(nc, { shard: o.id, sink: server.net.accept, log: (m) => logger.warn(m) });
    stops.push(() => bridged.close('the shard is stopping'));
    const metricsServer = await startMetricsServer({ metrics, port: o.metricsPort });
    stops.push(() => metricsServer.close());
    server.start();
    stops.push(async () => {
      save();
      server.stop('the shard is stopping');
    });
    return { metricsUrl: metricsServer.url, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
