/**
 * `stratum-voxel cluster` (`npm run cluster -- --shards N`): a whole cluster on one machine (docs/cluster.md). Joins
 * `NATS_URL` when it is set, else starts a local nats-server with JetStream in a temporary folder; starts N shard
 * processes (`stratum-voxel shard`), each leasing a stripe of the world's regions; then serves players as a gateway in
 * this process and prints the URL to open, as `npm start` does. Every process writes JSON log lines; each serves
 * Prometheus metrics. Ctrl-C (or SIGTERM) stops the gateway, the shards and the local NATS.
 */
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createLogger, type ListenTransport, type LoggerLevel } from '../../engine/server.ts';
import { startNats } from '../../engine/cluster.ts';
import { startGateway } from '../cluster/gateway.ts';
import { planRegions } from '../cluster/plan.ts';
import { startShardProcess, stopShardProcess } from '../cluster/processes.ts';
import { OptionError, formatHelp, parseOptions } from '../options.ts';
import { SERVER_OPTIONS } from '../server/config.ts';
import { buildWeb, webBuildIsStale, webSourcesExist } from '../web/build.ts';
import type { Command } from './command.ts';

/** Options of `cluster`. */
export const CLUSTER_OPTIONS = {
  shards: { kind: 'int', default: 2, min: 1, max: 16, help: 'shard processes to start' },
  host: SERVER_OPTIONS.host,
  'http-port': SERVER_OPTIONS['http-port'],
  port: SERVER_OPTIONS.port,
  transport: SERVER_OPTIONS.transport,
  'web-dir': SERVER_OPTIONS['web-dir'],
  'public-host': SERVER_OPTIONS['public-host'],
  seed: SERVER_OPTIONS.seed,
  world: SERVER_OPTIONS.world,
  'world-radius': SERVER_OPTIONS['world-radius'],
  'view-distance': SERVER_OPTIONS['view-distance'],
  'column-sections': SERVER_OPTIONS['column-sections'],
  'log-level': SERVER_OPTIONS['log-level'],
} as const;

/** The `cluster` command. */
export const cluster: Command = {
  summary: 'run a cluster on this machine: local NATS, N shard processes, a gateway (npm run cluster)',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel cluster [options]   (npm run cluster -- [options])', 'Runs a cluster of shards behind a gateway (docs/cluster.md); joins NATS_URL when set, else starts a local nats-server.', CLUSTER_OPTIONS));
      return 0;
    }
    const { values: o, positionals } = parseOptions(CLUSTER_OPTIONS, argv);
    if (positionals.length) throw new OptionError(`unexpected argument '${positionals[0]}'`);
    const logger = createLogger({ level: o['log-level'] as LoggerLevel, fields: { process: 'cluster' } });
    const nats = await startNats();
    logger.info(nats.embedded ? 'started a local nats-server with JetStream' : 'joined NATS', { url: nats.url, storeDir: nats.storeDir });
    const shards: ChildProcess[] = [];
    let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
    const stopAll = async () => {
      await gateway?.stop();
      await Promise.all(shards.map(stopShardProcess));
      await nats.stop();
    };
    try {
      const world = ['--seed', String(o.seed), '--world', o.world, '--world-radius', String(o['world-radius']),
        '--view-distance', String(o['view-distance']), '--column-sections', String(o['column-sections']), '--log-level', o['log-level']];
      const plan = planRegions(o['world-radius'], o.shards);
      for (let i = 0; i < o.shards; i++) {
        await startShardProcess(shards, ['--nats', nats.url, '--regions', plan[i].join(','), ...world], `s${i + 1}`);
      }
      let staticDir: string | undefined = o['web-dir'];
      if (webBuildIsStale(staticDir)) {
        if (webSourcesExist()) {
          logger.info('building the browser client', { dir: staticDir });
          await buildWeb(resolve(staticDir));
        } else staticDir = undefined;
      }
      gateway = await startGateway({
        id: 'g1', natsUrl: nats.url, logger: logger.child({ process: 'gateway' }),
        listen: {
          host: o.host, port: o.port, httpPort: o['http-port'], transport: o.transport as ListenTransport, staticDir,
          publicHost: o['public-host'],
        },
      });
    } catch (err) {
      await stopAll();
      throw err;
    }
    logger.info(`Stratum cluster ready: open ${gateway.net.pageUrl}`, {
      url: gateway.net.pageUrl, webTransportUrl: gateway.net.webTransportUrl, shards: o.shards, nats: nats.url,
      metricsUrl: `${gateway.net.httpUrl}metrics`,
    });
    await new Promise<void>((done) => {
      const stop = (signal: string) => {
        logger.info(`${signal}: stopping the cluster`);
        void stopAll().finally(done);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
};
