/** The page server: HTTP and HTTPS on one port, cross-origin isolation headers, redirects of pages to HTTPS. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCert } from '../../../engine/platform/node/cert.ts';
import { fetchConnectInfo } from '../../../game/commands/bot.ts';
import { startHttpServer, type ConnectInfo, type RunningHttpServer } from '../../../game/server/http-server.ts';

const cert = createSelfSignedCert();
const info: ConnectInfo = { webTransportUrl: 'https://127.0.0.1:4433/stratum', transports: ['h3', 'h2'], certHashHex: cert.sha256Hex, protocolVersion: 3, schemaHash: 'ab'.repeat(8) };
let dir: string;
let server: RunningHttpServer;

/** GET over http or https (trusting exactly the test certificate); resolves with status, headers and body. */
function get(url: string): Promise<{ status: number; headers: IncomingMessage['headers']; body: string; peerCert?: string }> {
  return new Promise((ok, fail) => {
    const onRes = (res: IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
    };
    const req = url.startsWith('https:') ? httpsGet(url, { ca: cert.certPem }, onRes) : httpGet(url, onRes);
    req.on('error', fail);
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stratum-web-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  server = await startHttpServer({ host: '127.0.0.1', port: 0, info, staticDir: dir, tls: { certPem: cert.certPem, keyPem: cert.keyPem }, redirectPages: true });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('page server', () => {
  it('serves the page over HTTPS with the given certificate, cross-origin isolated', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await get(server.url);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<title>page</title>');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['cross-origin-embedder-policy']).toBe('require-corp');
    const fingerprint = await new Promise<string>((ok, fail) => {
      const s = tlsConnect({ host: '127.0.0.1', port: Number(new URL(server.url).port), rejectUnauthorized: false }, () => {
        ok(s.getPeerCertificate().fingerprint256.replaceAll(':', '').toLowerCase());
        s.end();
      });
      s.on('error', fail);
    });
    expect(fingerprint).toBe(cert.sha256Hex);
  });

  it('answers plain HTTP on the same port: connect info and scripts served, pages redirected to HTTPS', async () => {
    expect(new URL(server.httpUrl).port).toBe(new URL(server.url).port);
    const json = await get(`${server.httpUrl}connect.json`);
    expect(json.status).toBe(200);
    expect(JSON.parse(json.body)).toEqual(info);
    expect((await get(`${server.httpUrl}app.js`)).body).toBe('console.log(1)');
    for (const path of ['', 'index.html?name=a']) {
      const page = await get(`${server.httpUrl}${path}`);
      expect(page.status).toBe(302);
      expect(page.headers.location).toBe(`${server.url}${path}`);
    }
    expect((await get(`${server.url}missing.js`)).status).toBe(404);
    expect((await get(`${server.url}../../etc/passwd`)).status).toBe(404);
  });

  it('bots read the connect info over http and over https', async () => {
    expect(await fetchConnectInfo(server.httpUrl)).toEqual(info);
    expect(await fetchConnectInfo(server.url)).toEqual(info);
  });

  it('a TLS handshake of garbage is dropped, an idle client blocks nobody, and the server keeps serving', async () => {
    const { connect } = await import('node:net');
    const port = Number(new URL(server.url).port);
    const answer = await new Promise<number[]>((done) => {
      const s = connect(port, '127.0.0.1', () => s.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00, 0x00, 0x00]))); // a TLS record holding an empty ClientHello
      const got: number[] = [];
      s.on('data', (d: Buffer) => got.push(...d));
      s.on('close', () => done(got));
      s.on('error', () => {});
    });
    expect(answer[0]).toBe(0x15); // a TLS alert record, and then the server hung up
    const idle = connect(port, '127.0.0.1');
    await new Promise((r) => idle.once('connect', r));
    expect((await get(`${server.httpUrl}connect.json`)).status).toBe(200);
    idle.destroy();
  });
});
