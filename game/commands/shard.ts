/**
 * `stratum-voxel shard`: one shard of a cluster (game/cluster/shard.ts), as `stratum-voxel cluster` starts it in a
 * child process: leases the regions it is given, serves the sessions gateways bridge to it, writes JSON log lines
 * (the first with `"msg":"shard ready"` and its metrics URL), and stops cleanly on SIGTERM or SIGINT.
 */
import { createLogger, type LoggerLevel } from '../../engine/server.ts';
import { startShard } from '../cluster/shard.ts';
import { OptionError, formatHelp, parseOptions } from '../options.ts';
import { SERVER_OPTIONS, type ServerConfig } from '../server/config.ts';
import type { Command } from './command.ts';

/** Options of `shard`: the world's (as `serve` takes them), and the shard's place in the cluster. */
export const SHARD_OPTIONS = {
  id: { kind: 'string', help: 'the shard id, a NATS subject token (letters, digits, _ and -); required' },
  nats: { kind: 'string', help: 'the NATS URL to join (default: the NATS_URL environment variable); required' },
  regions: { kind: 'string', default: '', help: 'comma-separated region keys to lease, e.g. r0_0,r0_-1' },
  'metrics-port': { kind: 'int', default: 0, min: 0, max: 65535, help: 'port of /metrics (0: any free port)' },
  record: { kind: 'string', help: "write the shard's recording (JSON lines) to this file, to replay its run (the cluster world test)" },
  lifeline: { kind: 'flag', help: 'stop when standard input closes (`cluster` passes a pipe, so that no shard outlives it)' },
  seed: SERVER_OPTIONS.seed,
  world: SERVER_OPTIONS.world,
  'world-radius': SERVER_OPTIONS['world-radius'],
  'view-distance': SERVER_OPTIONS['view-distance'],
  'column-sections': SERVER_OPTIONS['column-sections'],
  threads: { ...SERVER_OPTIONS.threads, default: 1 },
  'max-players': SERVER_OPTIONS['max-players'],
  'max-sessions-per-address': SERVER_OPTIONS['max-sessions-per-address'],
  'admin-token': SERVER_OPTIONS['admin-token'],
  'log-level': SERVER_OPTIONS['log-level'],
} as const;

/** The `shard` command. */
export const shard: Command = {
  summary: 'run one shard of a cluster (started by `cluster`)',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel shard --id ID --nats URL [options]', 'Runs one shard of a cluster (docs/cluster.md).', SHARD_OPTIONS));
      return 0;
    }
    const { values: o, positionals } = parseOptions(SHARD_OPTIONS, argv);
    if (positionals.length) throw new OptionError(`unexpected argument '${positionals[0]}'`);
    const id = o.id;
    const natsUrl = o.nats ?? process.env.NATS_URL;
    if (!id) throw new OptionError('--id is required (a NATS subject token)');
    if (!natsUrl) throw new OptionError('--nats is required (or set NATS_URL)');
    const regions = o.regions.split(',').map((r) => r.trim()).filter(Boolean);
    const config = { ...parseOptions(SERVER_OPTIONS, []).values, ...o, storage: 'none' } as ServerConfig;
    const logger = createLogger({ level: o['log-level'] as LoggerLevel, fields: { process: 'shard', shard: id } });
    // With --lifeline, the end of standard input stops the shard: at once while it starts, cleanly once it runs.
    let onLifelineEnd: () => void = () => process.exit(1);
    if (o.lifeline) {
      process.stdout.on('error', () => {}); // the reader of our lines may be gone with the cluster process
      process.stdin.once('end', () => onLifelineEnd());
      process.stdin.resume();
    }
    const running = await startShard({ id, natsUrl, regions, config, metricsPort: o['metrics-port'], logger, recordFile: o.record });
    logger.info('shard ready', { regions, metricsUrl: running.metricsUrl });
    await new Promise<void>((done) => {
      const stop = (why: string) => {
        logger.info(`${why}: stopping`);
        void running.stop().finally(done); // once, however many ways it is asked
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      onLifelineEnd = () => stop('standard input closed (the cluster process is gone)');
    });
    return 0;
  },
};
