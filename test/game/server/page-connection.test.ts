/**
 * Deadlines of page connections, through a page server with short limits: a request head or body that drips in is
 * cut off with 408, a TLS handshake that stalls is dropped, an unused connection closes quietly, and a kept-alive
 * connection may rest between requests.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCert } from '../../../engine/platform/node/cert.ts';
import { startHttpServer, type ConnectInfo, type RunningHttpServer } from '../../../engine/platform/node/http/http-server.ts';
import { rawExchange } from '../../support/raw-http.ts';

const cert = createSelfSignedCert();
const info: ConnectInfo = { webTransportUrl: 'https://127.0.0.1:4433/stratum', transports: ['h2'], certHashHex: cert.sha256Hex, protocolVersion: 3, schemaHash: 'ab'.repeat(8) };
const limits = { handshakeMs: 300, headersMs: 300, requestMs: 600, idleMs: 5000 };
let server: RunningHttpServer;
let port: number;

beforeAll(async () => {
  server = await startHttpServer({ host: '127.0.0.1', port: 0, info, tls: { certPem: cert.certPem, keyPem: cert.keyPem }, limits });
  port = Number(new URL(server.httpUrl).port);
});
afterAll(() => server?.close());

/** What a client that writes `first` and then one of `drip` every 50 ms got back, and after how long the server closed (it gives up after 4 s). */
function dripClient(first: string | Buffer, drip: string): Promise<{ got: string; closedAfterMs: number }> {
  return new Promise((done) => {
    const t0 = performance.now();
    const s: Socket = connect(port, '127.0.0.1', () => s.write(first));
    let got = '';
    const tick = setInterval(() => { if (s.writable) s.write(drip); }, 50);
    const giveUp = setTimeout(() => s.destroy(), 4000);
    s.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    s.on('error', () => {});
    s.on('close', () => {
      clearInterval(tick);
      clearTimeout(giveUp);
      done({ got, closedAfterMs: performance.now() - t0 });
    });
  });
}

describe('page connection deadlines', () => {
  it('a head that drips in is answered with 408 at the head deadline; a body that drips in, at the request deadline', async () => {
    const [head, body] = await Promise.all([
      dripClient('GET /connect.json HTTP/1.1\r\nHost: a\r\n', 'X-Slow: 1\r\n'),
      dripClient('GET /connect.json HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n', 'x'),
    ]);
    expect(head.got).toMatch(/^HTTP\/1\.1 408 /);
    expect(head.got).toContain('Cross-Origin-Embedder-Policy: require-corp');
    expect(head.closedAfterMs).toBeGreaterThan(250);
    expect(head.closedAfterMs).toBeLessThan(2500); // generous for a loaded machine
    expect(body.got).toMatch(/^HTTP\/1\.1 200 /); // answered at once; the connection is cut when the body is late
    expect(body.got).toContain('HTTP/1.1 408 ');
    expect(body.closedAfterMs).toBeGreaterThan(550);
    expect(body.closedAfterMs).toBeLessThan(3000);
  });

  it('the next request on a kept-alive connection gets its own head deadline, from its first byte', async () => {
    const request = 'GET /connect.json HTTP/1.1\r\nHost: a\r\n\r\n';
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    const closed = new Promise<void>((r) => s.on('close', () => r()));
    await new Promise((r) => s.once('connect', r));
    s.write(request);
    await new Promise((r) => setTimeout(r, 450)); // resting between requests is allowed (longer than the head deadline)
    s.write(request);
    await new Promise((r) => setTimeout(r, 150));
    expect(got.match(/HTTP\/1\.1 200 /g)).toHaveLength(2);
    const t0 = performance.now();
    s.write('GET /connect.json HTTP/1.1\r\n');
    const tick = setInterval(() => { if (s.writable) s.write('X-Slow: 1\r\n'); }, 50);
    await Promise.race([closed, new Promise((r) => setTimeout(r, 4000))]);
    s.destroy();
    clearInterval(tick);
    expect(performance.now() - t0).toBeLessThan(2500);
    expect(got).toContain('HTTP/1.1 408 ');
  });

  it('an unused connection closes quietly at the head deadline; a stalled TLS handshake at the handshake deadline', async () => {
    const [unused, tls] = await Promise.all([
      rawExchange(port, Buffer.alloc(0), { timeoutMs: 2000 }),
      rawExchange(port, Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), { timeoutMs: 2000 }), // a ClientHello that never completes
    ]);
    expect(unused).toMatchObject({ status: 0, raw: '', timedOut: false });
    expect(tls).toMatchObject({ status: 0, timedOut: false });
    expect((await rawExchange(port, 'GET /connect.json HTTP/1.1\r\nHost: a\r\n\r\n')).status).toBe(200);
  });

  it('a refusal reaches a client that is still sending: the socket drains instead of resetting', async () => {
    // The parser fails at the first non-ASCII byte, while most of the 60 kB request is still on its way.
    for (const tls of [false, true]) {
      const res = await rawExchange(port, `GET /${'\u0800'.repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`, { tls, timeoutMs: 3000 });
      expect(res.status, tls ? 'https' : 'http').toBe(400);
    }
  });
});
