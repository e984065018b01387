/**
 * `stratum-voxel bot --connect URL`: joins a running server the way the browser page does (learning the WebTransport
 * endpoint and certificate hash from `URL/connect.json`), walks and builds for a while with a seeded script, prints a
 * summary and exits 0; exits non-zero with the reason when it cannot join.
 */
import { writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createEventBus, loadHasher, createRealtimeScheduler, createRng } from '../../engine/index.ts';
import { nodeConnector, nodeZstd, createNodePool } from '../../engine/server.ts';
import { GAME_PROTOCOL } from '../protocol.ts';
import { type ReconciliationEvent, type ClientEvents, createGameClient } from '../../engine/client.ts';
import { clientBot } from '../client/bot.ts';
import type { ConnectInfo } from '../../engine/server.ts';
import { OptionError, formatHelp, parseOptions } from '../options.ts';
import type { Command } from './command.ts';

const OPTIONS = {
  connect: { kind: 'string', help: 'the URL that npm start printed (http://host:port/)' },
  seconds: { kind: 'number', default: 20, min: 1, max: 86_400, help: 'how long to play' },
  seed: { kind: 'int', default: 1, min: 0, max: 4294967295, help: 'behaviour seed' },
  name: { kind: 'string', default: 'bot', help: 'player name' },
  json: { kind: 'string', help: 'write the summary to this JSON file' },
} as const;

/**
 * GETs a small document over http or https. Over https the server's certificate is not checked, which makes it
 * exactly as trustworthy as plain HTTP: what it gives is the certificate hash that the WebTransport session then pins.
 */
function getText(url: URL, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const onResponse = (res: import('node:http').IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
      res.on('error', fail);
    };
    const req = url.protocol === 'https:' ? httpsGet(url, { rejectUnauthorized: false, timeout: timeoutMs }, onResponse) : httpGet(url, { timeout: timeoutMs }, onResponse);
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', fail);
  });
}

/** Fetches the server's connect info from the page URL that `npm start` printed (http or https). */
export async function fetchConnectInfo(pageUrl: string): Promise<ConnectInfo> {
  let url: URL;
  try { url = new URL('connect.json', pageUrl); } catch { throw new OptionError(`--connect must be a URL such as http://127.0.0.1:8080/; got ${JSON.stringify(pageUrl)}`); }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OptionError(`--connect must be an http or https URL; got ${JSON.stringify(pageUrl)}`);
  const res = await getText(url, 5000).catch((e: Error) => { throw new Error(`cannot reach ${url}: ${e.message}`); });
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}; is this a Stratum server?`);
  let info: ConnectInfo;
  try { info = JSON.parse(res.body) as ConnectInfo; } catch { throw new Error(`${url} did not answer JSON; is this a Stratum server?`); }
  if (typeof info?.webTransportUrl !== 'string' || !/^[0-9a-f]{64}$/.test(info.certHashHex)) throw new Error(`${url} does not describe a Stratum server`);
  return info;
}

/** The `bot` command. */
export const bot: Command = {
  summary: 'join a running server with a scripted bot',
  async run(argv) {
    if (argv.includes('--help')) {
      console.log(formatHelp('stratum-voxel bot --connect URL [options]', 'Joins a server, walks and builds, prints a summary.', OPTIONS));
      return 0;
    }
    const { values: o } = parseOptions(OPTIONS, argv);
    if (!o.connect) throw new OptionError('--connect URL is required (the URL that npm start printed)');
    let info: ConnectInfo;
    try { info = await fetchConnectInfo(o.connect); } catch (e) {
      if (e instanceof OptionError) throw e;
      console.error(`stratum-voxel bot: ${(e as Error).message}`);
      return 1;
    }
    const hasher = await loadHasher();
    // WebTransport over HTTP/3 when the server offers it (older servers do not say: HTTP/2).
    const connect = await nodeConnector(info);
    const bus = createEventBus<ClientEvents>();
    const recs: ReconciliationEvent[] = [];
    bus.on('ReconciliationEvent', (e) => recs.push(e));
    const scheduler = createRealtimeScheduler();
    const pool = createNodePool({ threads: 1 }); // chunk decoding off the main thread, as in the browser
    const client = createGameClient({
      connect, protocol: GAME_PROTOCOL, scheduler, rng: createRng(o.seed), codec: { zstd: nodeZstd, hasher },
      name: o.name, input: clientBot(o.seed), bus, reconnect: false, pool,
      log: (level, m) => { if (level !== 'info') console.error(`[${level}] ${m}`); },
    });
    const failure = new Promise<string>((resolve) => bus.on('Disconnected', (d) => resolve(`${d.kind}: ${d.reason}`)));
    const joined = new Promise<void>((resolve) => bus.on('Connected', () => resolve()));
    client.start();
    const t0 = performance.now();
    const first = await Promise.race([joined.then(() => ''), failure, new Promise<string>((r) => setTimeout(() => r('timed out after 10 s'), 10_000))]);
    if (first) {
      client.stop();
      await pool.destroy();
      console.error(`stratum-voxel bot: cannot join ${o.connect}: ${first}`);
      return 1;
    }
    const handshakeMs = performance.now() - t0;
    console.log(`joined ${info.webTransportUrl} in ${handshakeMs.toFixed(0)} ms; playing for ${o.seconds} s`);
    const lost = await Promise.race([failure, new Promise<string>((r) => setTimeout(() => r(''), o.seconds * 1000))]);
    const s = client.stats;
    const summary = {
      ticks: s.ticks, rttMs: client.net.connection?.rttMs ?? NaN, handshakeMs,
      reconciliations: recs.length, reconciliationAvgMs: recs.length ? recs.reduce((a, r) => a + r.errorMs, 0) / recs.length : 0,
      blocksSent: s.actions, blocksConfirmed: s.confirmed, blocksRefused: s.refused, chunks: s.chunks, entityUpdates: s.entityUpdates,
      otherPlayers: client.remotes.size,
    };
    client.stop('bot finished');
    await pool.destroy();
    console.log(`ticks ${summary.ticks}, rtt ${summary.rttMs.toFixed(1)} ms, reconciliations ${summary.reconciliations} (avg ${summary.reconciliationAvgMs.toFixed(1)} ms)`);
    console.log(`blocks placed or broken ${summary.blocksSent}, confirmed ${summary.blocksConfirmed}, refused ${summary.blocksRefused}; chunks ${summary.chunks}; other players ${summary.otherPlayers}`);
    if (o.json) writeFileSync(o.json, JSON.stringify(summary, null, 2) + '\n');
    if (lost) {
      console.error(`stratum-voxel bot: connection lost: ${lost}`);
      return 1;
    }
    return s.ticks > 0 ? 0 : 1;
  },
};
