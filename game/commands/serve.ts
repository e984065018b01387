/**
 * `stratum serve` (what `npm start` runs): a game server with a default world, ready for players. Prints the URL to
 * open, the WebTransport endpoint and certificate hash, and the admin token; stops cleanly on Ctrl-C (storage closed,
 * clients told why).
 */
import { loadHasher, createRealtimeScheduler, DEFAULT_SUPERFLAT } from '../../engine/index.ts';
import {
  openEditStore, type EditStore, createSelfSignedCert, startCertRenewal, startWebTransportServer,
  type WebTransportServer, startQuicWebTransportServer, type QuicWebTransportServer, QUICHE_PACKAGE, quicheAvailable,
  nodeZstd, randomAdminToken, createNodePool, createGameServer,
} from '../../engine/server.ts';
import { GAME_PROTOCOL } from '../protocol.ts';
import { SERVER_OPTIONS, loadServerConfig, type ServerConfig } from '../server/config.ts';
import { startHttpServer } from '../server/http-server.ts';
import { buildWeb, webBuildExists, webBuildIsStale } from '../web/build.ts';
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
 * serve, or undefined when there is no build.
 */
async function ensureWebBuild(dir: string): Promise<string | undefined> {
  if (!webBuildIsStale(dir)) return dir;
  const t0 = performance.now();
  process.stdout.write(`building the browser client into ${dir} (${webBuildExists(dir) ? 'sources changed' : 'first start'})... `);
  try {
    await buildWeb(resolve(dir));
    console.log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return dir;
  } catch (err) {
    console.log('failed');
    const fallback = webBuildExists(dir);
    console.error(`[error] browser build: ${(err as Error).message}; ${fallback ? 'serving the previous build' : 'serving a plain page instead'}`);
    return fallback ? dir : undefined;
  }
}

/** The `serve` command. */
export const serve: Command = {
  summary: 'run a game server (npm start)',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum serve [options]   (npm start -- [options])', 'Runs a game server; options also come from stratum.config.json.', SERVER_OPTIONS));
      return 0;
    }
    const config = loadServerConfig(argv);
    const adminToken = config['admin-token'] ?? randomAdminToken();
    const hasher = await loadHasher();
    const store = openStore(config);
    const pool = createNodePool({ threads: config.threads });
    const scheduler = createRealtimeScheduler();
    const log = (level: string, m: string) => (level === 'info' ? console.log : console.error)(`[${level}] ${m}`);
    const server = createGameServer({
      scheduler, protocol: GAME_PROTOCOL, codec: { zstd: nodeZstd, hasher }, store, adminToken, log, pool,
      terrain: config.world === 'superflat' ? DEFAULT_SUPERFLAT : { kind: 'noise', seed: config.seed },
      worldRadius: config['world-radius'], viewDistance: config['view-distance'], columnSections: config['column-sections'],
      maxPlayers: config['max-players'], maxSessionsPerAddress: config['max-sessions-per-address'],
    });
    const t0 = performance.now();
    process.stdout.write(`generating ${(2 * config['world-radius'] + 1) ** 2} columns (${config.world}, seed ${config.seed})... `);
    await server.init();
    console.log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const staticDir = await ensureWebBuild(config['web-dir']);
    // One certificate for every transport: QUIC on UDP and the HTTP/2 fallback on TCP share the port number.
    const cert = createSelfSignedCert();
    const sink = (s: Parameters<typeof server.net.accept>[0]) => server.net.accept(s);
    let quic: QuicWebTransportServer | undefined;
    let wt: WebTransportServer | undefined;
    if (config.transport !== 'h2' && !quicheAvailable()) {
      if (config.transport === 'quic') throw new OptionError(`--transport quic: ${QUICHE_PACKAGE} (QUIC) is not installed for this platform`);
      log('warn', `${QUICHE_PACKAGE} (QUIC) is not installed for this platform: serving the HTTP/2 / WebSocket mappings only`);
    }
    if (config.transport !== 'h2' && quicheAvailable()) quic = await startQuicWebTransportServer({ sink, host: config.host, port: config.port, cert, log });
    if (config.transport !== 'quic') wt = await startWebTransportServer({ sink, host: config.host, port: quic?.port ?? config.port, cert });
    const url = (quic ?? wt)!.url;
    const h3 = quic !== undefined || wt!.http3;
    const transports: Array<'h3' | 'h2'> = [...(h3 ? ['h3' as const] : []), ...(wt ? ['h2' as const] : [])];
    // With HTTP/3 the page pins the certificate hash and is served over plain HTTP, with no warning at all. Without it
    // browsers use the WebSocket mapping, which cannot pin a hash: the page is then served over HTTPS with the same
    // certificate, so that accepting it once at the page suffices.
    // QUIC clients pin the hash, so the certificate is renewed before it expires and both hashes are published during
    // the overlap. The HTTP/2 fallback and the HTTPS page keep the first certificate (their libraries cannot swap it).
    const q = quic;
    const renewal = q && startCertRenewal({ initial: cert, onServe: (next) => {
      q.setCert(next);
      log('info', `certificate renewed: serving sha-256 ${next.sha256Hex} to new QUIC connections`);
    } });
    const http = await startHttpServer({
      host: config.host, port: config['http-port'], staticDir,
      tls: { certPem: cert.certPem, keyPem: cert.keyPem }, redirectPages: !h3, publicHost: config['public-host'], log,
      info: () => ({
        webTransportUrl: url, transports, certHashHex: renewal?.set.served.sha256Hex ?? cert.sha256Hex,
        certHashesHex: renewal?.hashesHex() ?? [cert.sha256Hex],
        protocolVersion: server.identity.version, schemaHash: server.identity.schemaHash,
      }),
    });
    server.start();
    const pageUrl = h3 ? http.httpUrl : http.url;
    console.log(`Stratum server ready: open ${pageUrl}`);
    if (!h3) {
      console.log('  the certificate is self-signed: the browser warns once (Advanced, then Proceed); the game then connects with it');
      if (!config['public-host'] && (config.host === '0.0.0.0' || config.host === '::')) {
        console.log(`  plain-HTTP page requests are redirected to ${http.url}; for players on other machines set --public-host`);
      }
    }
    const port = (quic ?? wt)!.port;
    const speaks = [quic ? `HTTP/3 on UDP ${port}` : wt!.http3 ? 'HTTP/3' : '', wt ? `HTTP/2 and WebSocket fallback on TCP ${port}` : ''].filter(Boolean);
    console.log(`  WebTransport ${url} (${speaks.join('; ')})`);
    console.log(`  certificate sha-256 ${cert.sha256Hex}`);
    console.log(`  admin token ${adminToken}`);
    console.log(`  storage ${store ? config.storage : 'none (in memory)'}; bots join with: npx stratum bot --connect ${http.httpUrl}`);

    await new Promise<void>((done) => {
      const stop = (signal: string) => {
        console.log(`\n${signal}: stopping (${server.counters.ticks} ticks, ${server.counters.editsStored} edits stored)`);
        server.stop('the server is shutting down');
        renewal?.stop();
        // Give the Disconnect messages a moment to leave before the transports close.
        setTimeout(() => { void Promise.all([quic?.close(), wt?.close(), http.close(), pool.destroy()]).finally(done); }, 200);
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    return 0;
  },
};
