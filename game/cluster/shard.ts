/**
 * A shard of the game's cluster (docs/cluster.md): the game's server (game/server/game.ts, as `serve` builds it) on the
 * regions whose leases it holds, serving the sessions that gateways bridge to it over NATS, with Prometheus metrics on
 * a port of its own. A region it cannot lease (another shard holds it) stops the start with the owner named; a lease
 * it loses later is logged and counted in `stratum_lease_changes_total`.
 *
 * Between ticks it runs the shard behaviour (engine/cluster/shard-runtime.ts): hand-offs to the other shards, border
 * entities both ways, the other regions' edits applied to its read-only copies. Its own edits are acknowledged to
 * players only once they are in their region's JetStream stream. With a record file it writes a recording that
 * replays its run exactly (game/cluster/shard-recording.ts).
 */
import { DEFAULT_SUPERFLAT, createRealtimeScheduler, loadHasher, protocolIdentity, type TerrainConfig } from '../../engine/index.ts';
import {
  createNodePool, createStratumMetrics, type GameServer, netLogOf, randomAdminToken, startMetricsServer, type Logger,
} from '../../engine/server.ts';
import {
  attachShard, createRegionEditWriter, joinClusterClock, openEditLog, openLeases, regionAtBlock, sampleNatsRoundTrips,
  regionEdits, serveBridgedSessions, startNats, type RegionKey,
} from '../../engine/cluster.ts';
import { GAME_PROTOCOL } from '../protocol.ts';
import { planRegions } from './plan.ts';
import { createShardRecorder } from './shard-recording.ts';
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
  /** Where to write the shard's recording (game/cluster/shard-recording.ts), if anywhere. */
  recordFile?: string;
}

/** A running shard. */
export interface RunningShard {
  /** Its `/metrics` URL. */
  readonly metricsUrl: string;
  /** Its game server (for tests and for embedding the shard in a process of one's own). */
  readonly server: GameServer;
  /** Closes its sessions, releases its leases and stops. */
  stop(reason?: string): Promise<void>;
}

/** Starts a shard; resolves once it serves its regions. */
export async function startShard(o: ShardOptions): Promise<RunningShard> {
  const { logger, config } = o;
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
    const nc = await nats.connect({ name: `shard ${o.id}` }); // its name in the NATS monitoring (/connz)
    const metrics = createStratumMetrics({ labels: { process: 'shard', shard: o.id } });
    const stopRoundTrips = sampleNatsRoundTrips(nc, (sec) => metrics.natsRoundTrip.observe(sec));
    stops.push(async () => stopRoundTrips());
    const pool = createNodePool({ threads: config.threads });
    stops.push(() => pool.destroy());
    const hasher = await loadHasher();
    const clock = await joinClusterClock(nc);
    const leases = await openLeases(nc, { shard: o.id });
    stops.push(() => leases.close());
    const editLog = await openEditLog(nc);
    const terrain: TerrainConfig = config.world === 'superflat' ? DEFAULT_SUPERFLAT : { kind: 'noise', seed: config.seed };
    const recording = o.recordFile === undefined ? undefined : createShardRecorder(o.recordFile, hasher, protocolIdentity(GAME_PROTOCOL, hasher), {
      shard: o.id, terrain, worldRadius: config['world-radius'], columnSections: config['column-sections'], netIdBase: clock.netIdBase,
      owned: () => leases.held().sort(),
    });
    if (recording) stops.push(async () => recording.close());
    const writer = createRegionEditWriter(editLog, { owns: (region) => leases.holds(region) });
    const { server, save } = createGame(config, {
      scheduler: createRealtimeScheduler(), hasher, store: null, pool,
      adminToken: config['admin-token'] ?? randomAdminToken(), log, metrics,
      server: {
        tickEpochMs: clock.tickEpochMs, netIdBase: clock.netIdBase, recorder: recording?.recorder,
        // Fail-over: each player's checkpoint goes to the gateway every half second, with the region it stands in.
        regionOf: regionAtBlock,
        // An edit is acknowledged once it is in its region's stream.
        durableEdits: writer.write,
        onDurableFailure: (err, tick) => {
          logger.error('edits of a tick could not be made durable: this shard stops serving', { tick, error: err.message });
          void stopAll();
        },
      },
    });
    await server.init();
    leases.onLost((lost) => {
      metrics.leaseChanges.inc();
      logger.error('lost a region lease', { ...lost });
      recording?.owned(server.world.tick, leases.held());
    });
    for (const region of o.regions) {
      if (!(await leases.acquire(region))) {
        const owner = await leases.owner(region).catch(() => undefined);
        throw new Error(`shard ${o.id}: region ${region} is leased by ${owner === o.id ? 'this shard already (listed twice?)' : owner ?? 'another shard'}`);
      }
      metrics.leaseChanges.inc();
    }
    // Every region's edits so far (a cluster on a NATS that kept them): its own regions, then fenced, so that from now
    // on an old owner's late appends are refused; the others for its read-only copies.
    const world = planRegions(config['world-radius'], 1)[0];
    for (const region of world) {
      const loaded = await editLog.loadRegion(region);
      const edits = regionEdits(loaded);
      if (edits.length) server.applyRemoteEdits(edits);
      if (leases.holds(region)) await writer.fence(region, loaded.lastSeq, 0);
    }
    const runtime = await attachShard({
      shard: o.id, nc, server, leases, regions: world, viewDistance: config['view-distance'],
      log: (level, m) => logger[level](m), onHandOff: () => metrics.handoffs.inc(),
      takeOver: { editLog, writer },
      onTakeOver: (region, owned) => {
        metrics.leaseChanges.inc();
        recording?.owned(server.world.tick, owned);
      },
    });
    stops.push(() => runtime.close());
    const bridged = await serveBridgedSessions(nc, { shard: o.id, sink: server.net.accept, log: (m) => logger.warn(m) });
    stops.push(() => bridged.close('the shard is stopping'));
    const metricsServer = await startMetricsServer({ metrics, port: o.metricsPort });
    stops.push(() => metricsServer.close());
    server.start();
    stops.push(async () => {
      save();
      server.stop('the shard is stopping');
    });
    return { metricsUrl: metricsServer.url, server, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
