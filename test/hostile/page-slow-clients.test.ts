/**
 * Hostile clients that hold page connections instead of using them: slow drips of request heads, and more
 * connections from one address than its share. The server cuts the first off at its deadlines and refuses the
 * second at accept, and goes on serving everyone else.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSelfSignedCert } from '../../engine/platform/node/cert.ts';
import { startHttpServer, type ConnectInfo, type PageLimits, type RunningHttpServer } from '../../engine/platform/node/http/http-server.ts';
import { rawExchange } from '../support/raw-http.ts';

const cert = createSelfSignedCert();
const info: ConnectInfo = { webTransportUrl: 'https://127.0.0.1:4433/stratum', transports: ['h2'], certHashHex: cert.sha256Hex, protocolVersion: 3, schemaHash: 'ab'.repeat(8) };
const servers: RunningHttpServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const logLines: string[] = [];

/** A page server with the given limits, logging into `logLines`; resolves with its port. */
async function start(limits: Partial<PageLimits>): Promise<number> {
  logLines.length = 0;
  const log = (level: string, m: string) => { logLines.push(`${level} ${m}`); };
  const server = await startHttpServer({ host: '127.0.0.1', port: 0, info, tls: { certPem: cert.certPem, keyPem: cert.keyPem }, limits, log });
  servers.push(server);
  return Number(new URL(server.httpUrl).port);
}

/** Opens a connection from `localAddress`; resolves with the socket and a promise of its close (with the time it took from now). */
async function open(port: number, localAddress = '127.0.0.1'): Promise<{ socket: Socket; closed: Promise<number> }> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  sockets.push(socket);
  socket.on('error', () => {});
  const t0 = performance.now();
  const closed = new Promise<number>((r) => socket.once('close', () => r(performance.now() - t0)));
  await new Promise((r) => socket.once('connect', r));
  return { socket, closed };
}

/** Whether `closed` settles within `ms`. */
async function closesWithin(closed: Promise<number>, ms: number): Promise<boolean> {
  return Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}

describe('slow clients on the page port', () => {
  it('connections that drip a header line now and then are all closed at the head deadline; others are served meanwhile', async () => {
    const port = await start({ headersMs: 400, requestMs: 800 });
    const drips = await Promise.all(Array.from({ length: 24 }, () => open(port)));
    for (const { socket } of drips) {
      socket.resume(); // reads the 408, and so sees the server's close (one that never reads is destroyed CLOSE_LINGER_MS later)
      socket.write('GET / HTTP/1.1\r\nHost: a\r\n');
    }
    const tick = setInterval(() => { for (const { socket } of drips) if (socket.writable) socket.write('X-Drip: 1\r\n'); }, 100);
    try {
      expect((await rawExchange(port, 'GET /connect.json HTTP/1.1\r\nHost: a\r\n\r\n')).status).toBe(200);
      const times = await Promise.all(drips.map(({ closed }) => Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(Infinity), 4000))])));
      expect(Math.max(...times)).toBeLessThan(2500); // generous for a loaded machine; without the deadline: never
      expect(Math.min(...times)).toBeGreaterThan(300);
      expect(logLines).toHaveLength(20); // one line per connection, up to the log's budget
      expect(logLines[0]).toBe('warn page: closed a connection from 127.0.0.1: request head not done within 400 ms');
    } finally {
      clearInterval(tick);
    }
  });

  it('connections beyond the per-address cap and the total cap are closed at once; freed places are given again', async () => {
    const port = await start({ maxConnectionsPerAddress: 3, maxConnections: 5 });
    const first = await Promise.all([open(port), open(port), open(port)]);
    const overAddress = await open(port);
    expect(await closesWithin(overAddress.closed, 1500)).toBe(true);
    const other = await Promise.all([open(port, '127.0.0.2'), open(port, '127.0.0.2')]);
    const overTotal = await open(port, '127.0.0.3');
    expect(await closesWithin(overTotal.closed, 1500)).toBe(true);
    for (const { closed } of [...first, ...other]) expect(await closesWithin(closed, 50)).toBe(false);
    expect(logLines).toEqual([
      'warn page: refused a connection from 127.0.0.1: 3 connections open from this address (the cap)',
      'warn page: refused a connection from 127.0.0.3: 5 connections open (the cap)',
    ]);
    first[0].socket.destroy();
    await first[0].closed;
    await new Promise((r) => setTimeout(r, 50)); // the server sees the close
    const again = await open(port);
    again.socket.write('GET /connect.json HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    let got = '';
    again.socket.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    await again.closed;
    expect(got).toMatch(/^HTTP\/1\.1 200 /);
  });
});
