/**
 * `stratum-voxel serve` (what `npm start` runs): a game server with a default world, ready for players. Prints the URL to
 * open, the WebTransport endpoint and certificate hash, and the admin token; stops cleanly on Ctrl-C (storage closed,
 * clients told why). Prometheus metrics are on the page port's `/metrics`; `--log json` writes the server's lines as
 * JSON objects, one a line (engine/platform/node/json-logger.ts), the ready line included.
 */
import { loadHasher, createRealtimeScheduler } from '../../engine/index.ts';
import {
  openEditStore, type EditStore, QUICHE_PACKAGE, quicheAvailable, randomAdminToken, createNodePool,
  listen, type ListenTransport, createStratumMetrics, createLogger, isLoggerLevel, type LoggerLevel,
  type Logger, LOGGER_LEVELS,
} from '../../engine/server.ts';
import { createGame } from '../server/game.ts';
import { SERVER_OPTIONS, loadServerConfig, type ServerConfig } from '../server/config.ts';
import { buildWeb, webBuildExists, webBuildIsStale, webSourcesExist } from '../web/build.ts';
import { OptionError, formatHelp } from '../options.ts';
import type { Command } from './command.ts';
import { resolve } from 'node:path';

/** Opens the store and checks it was made for this world (edits only make sense on the terrain they were made on). */
function openStore(config: ServerConfig): EditStore | null {
  if (config.storage === 'none') return null;
  const store = openEditStore(config.storage, { sync: config['storage-sync'] as 'normal' | 'full' });
  const world = `${config.world} seed ${config.seed} sections ${config['column-sections']}`;
  const stored = store.getMeta('world');
  if (stored === undefined) store.setMeta('world', world);
  else if (stored !== world) {
    store.close();
    throw new OptionError(`${config.storage} holds edits of another world (${stored}); this config is ${world}. Use another --storage file or the same world options.`);
  }
  return store;
}

/**
 * Builds the browser client into `dir` when it is missing there or older than its sources; returns the folder to
 * serve, or undefined when there is no build. With `logger`, progress goes there instead of the console.
 */
async function ensureWebBuild(dir: string, logger?: Logger): Promise<string | undefined> {
  if (!webBuildIsStale(dir)) return dir;
  if (!webSourcesExist()) {
    // The installed package ships no page: a user's server serves the user's own page (listen's staticDir).
    const line = `no browser build in ${dir} (--web-dir) and no page sources to build one from: serving a plain page`;
    if (logger) logger.warn(line);
    else console.error(`[warn] ${line}`);
    return undefined;
  }
  const t0 = performance.now();
  const why = webBuildExists(dir) ? 'sources changed' : 'first start';
  if (logger) logger.info(`building the browser client into ${dir} (${why})`);
  else process.stdout.write(`building the browser client into ${dir} (${why})... `);
  try {
    await buildWeb(resolve(dir));
    const seconds = (performance.now() - t0) / 1000;
    if (logger) logger.info('browser client built', { seconds: Number(seconds.toFixed(1)) });
    else console.log(`done in ${seconds.toFixed(1)} s`);
    return dir;
  } catch (err) {
    const fallback = webBuildExists(dir);
    const line = `browser build: ${(err as Error).message}; ${fallback ? 'serving the previous build' : 'serving a plain page instead'}`;
    if (logger) logger.error(line);
    else {
      console.log('failed');
      console.error(`[error] ${line}`);
    }
    return fallback ? dir : undefined;
  }
}

/**
 * The server's log: JSON lines through `logger`, or today's `[level] message` lines (info to stdout, the rest to
 * stderr); lines less severe than `level` are dropped.
 */
function serverLog(logger: Logger | undefined, level: LoggerLevel): (level: string, m: string) => void {
  if (logger) return (l, m) => logger.log(isLoggerLevel(l) ? l : 'info', m);
  const shown = LOGGER_LEVELS.indexOf(level);
  return (l, m) => {
    if (isLoggerLevel(l) && LOGGER_LEVELS.indexOf(l) < shown) return;
    (l === 'info' ? console.log : console.error)(`[${l}] ${m}`);
  };
}

/** The `serve` command. */
export const serve: Command = {
  summary: 'run a game server (npm start)',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel serve [options]   (npm start -- [options])', 'Runs a game server; options also come from stratum.config.json.', SERVER_OPTIONS));
      return 0;
    }
    const config = loadServerConfig(argv);
    const adminToken = config['admin-token'] ?? randomAdminToken();
    const hasher = await loadHasher();
    const store = openStore(config);
    const pool = createNodePool({ threads: config.threads });
    const scheduler = createRealtimeScheduler();
    const logLevel = config['log-level'] as LoggerLevel;
    const logger = config.log === 'json' ? createLogger({ level: logLevel, fields: { process: 'server' } }) : undefined;
    const log = serverLog(logger, logLevel);
    // prom-client is an optional peer dependency of the package: without it the server runs without /metrics.
    let metrics: ReturnType<typeof createStratumMetrics> | undefined;
    try {
      metrics = createStratumMetrics({ labels: { process: 'server' } });
    } catch (err) {
      log('warn', `no /metrics: ${(err as Error).message}`);
    }
    const { server, save } = createGame(config, { scheduler, hasher, store, pool, adminToken, log, metrics });
    const t0 = performance.now();
    const columns = (2 * config['world-radius'] + 1) ** 2;
    if (logger) logger.info(`generating ${columns} columns`, { world: config.world, seed: config.seed });
    else process.stdout.write(`generating ${columns} columns (${config.world}, seed ${config.seed})... `);
    await server.init();
    const genSeconds = ((performance.now() - t0) / 1000).toFixed(1);
    if (logger) logger.info('world generated', { seconds: Number(genSeconds) });
    else console.log(`done in ${genSeconds} s`);
    const staticDir = await ensureWebBuild(config['web-dir'], logger);
    let net;
    try {
      net = await listen(server, {
        host: config.host, port: config.port, httpPort: config['http-port'], staticDir, transport: config.transport as ListenTransport,
        publicHost: config['public-host'], log,
      });
    } catch (err) {
      if (config.transport === 'quic' && !quicheAvailable()) throw new OptionError(`--transport quic: ${QUICHE_PACKAGE} (QUIC) is not installed for this platform`);
      throw err;
    }
    const h3 = net.transports.includes('h3');
    server.start();
    const port = net.port;
    const speaks = [h3 ? `HTTP/3 on UDP ${port}` : '', net.transports.includes('h2') ? `HTTP/2 and WebSocket fallback on TCP ${port}` : ''].filter(Boolean);
    if (logger) {
      // One line with everything an operator needs; the admin token only when it was made up here (else it is known).
      logger.info(`Stratum server ready: open ${net.pageUrl}`, {
        url: net.pageUrl, webTransportUrl: net.webTransportUrl, transports: net.transports, certSha256: net.cert.sha256Hex,
        ...(metrics ? { metricsUrl: `${net.httpUrl}metrics` } : {}), storage: store ? config.storage : 'none',
        ...(config['admin-token'] === undefined ? { adminToken } : {}),
      });
    } else {
      console.log(`Stratum server ready: open ${net.pageUrl}`);
      if (!h3) {
        console.log('  the certificate is self-signed: the browser warns once (Advanced, then Proceed); the game then connects with it');
        if (!config['public-host'] && (config.host === '0.0.0.0' || config.host === '::')) {
          console.log(`  plain-HTTP page requests are redirected to ${net.pageUrl}; for players on other machines set --public-host`);
        }
      }
      console.log(`  WebTransport ${net.webTransportUrl} (${speaks.join('; ')})`);
      console.log(`  certificate sha-256 ${net.cert.sha256Hex}`);
      console.log(`  admin token ${adminToken}`);
      console.log(`  storage ${store ? config.storage : 'none (in memory)'}; bots join with: npx --no-install stratum-voxel bot --connect ${net.httpUrl}`);
    }

    await new Promise<void>((done) => {
      const stop = (signal: string) => {
        if (logger) logger.info(`${signal}: stopping`, { ticks: server.counters.ticks, editsStored: server.counters.editsStored });
        else console.log(`\n${signal}: stopping (${server.counters.ticks} ticks, ${server.counters.editsStored} edits stored)`);
        save(); // the time of day and the inventories, before the store closes
        server.stop('the server is shutting down');
        // Give the Disconnect messages a moment to leave before the transports close.
        setTimeout(() => { void Promise.all([net.close(), pool.destroy()]).finally(done); }, 200);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
};
