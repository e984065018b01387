/** The page server: HTTP and HTTPS on one port, cross-origin isolation headers, redirects of pages to HTTPS. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCert } from '../../../engine/platform/node/cert.ts';
import { fetchConnectInfo } from '../../../game/commands/bot.ts';
import { startHttpServer, type ConnectInfo, type RunningHttpServer } from '../../../engine/platform/node/http/http-server.ts';
import { MAX_TARGET_LENGTH } from '../../../engine/platform/node/http/request-target.ts';
import { rawExchange } from '../../support/raw-http.ts';

const cert = createSelfSignedCert();
/** The isolation headers every response must carry. */
function expectIsolated(headers: Record<string, string | string[] | undefined>): void {
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
}
const info: ConnectInfo = { webTransportUrl: 'https://127.0.0.1:4433/stratum', transports: ['h3', 'h2'], certHashHex: cert.sha256Hex, protocolVersion: 3, schemaHash: 'ab'.repeat(8) };
const SECRET = 'the secret of a sibling folder';
let base: string;
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
  // The web root has a sibling whose name starts with the root's name, holding a secret.
  base = mkdtempSync(join(tmpdir(), 'stratum-web-'));
  dir = join(base, 'web');
  mkdirSync(dir);
  mkdirSync(join(base, 'web-private'));
  writeFileSync(join(base, 'web-private', 'secret.txt'), SECRET);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  symlinkSync(join(base, 'web-private', 'secret.txt'), join(dir, 'link.txt'));
  server = await startHttpServer({ host: '127.0.0.1', port: 0, info, staticDir: dir, tls: { certPem: cert.certPem, keyPem: cert.keyPem }, redirectPages: true });
});
afterAll(async () => {
  await server?.close();
  rmSync(base, { recursive: true, force: true });
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

  it('asks a connect-info function at each request: a certificate renewal shows in /connect.json at once', async () => {
    let hashes = [cert.sha256Hex];
    const live = await startHttpServer({ host: '127.0.0.1', port: 0, info: () => ({ ...info, certHashHex: hashes[0], certHashesHex: hashes }) });
    try {
      expect((await fetchConnectInfo(live.httpUrl)).certHashesHex).toEqual([cert.sha256Hex]);
      hashes = ['cd'.repeat(32), cert.sha256Hex];
      expect(await fetchConnectInfo(live.httpUrl)).toMatchObject({ certHashHex: 'cd'.repeat(32), certHashesHex: hashes });
    } finally {
      await live.close();
    }
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

  it('refuses targets that cannot be decoded with 400 over HTTP and HTTPS, and keeps serving', async () => {
    const port = Number(new URL(server.url).port);
    for (const tls of [false, true]) {
      for (const target of ['/%', '/%E0%A4%A', '/app.js%00.html', '*', 'http://evil.example/']) {
        const res = await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, { tls });
        expect(res.status, `${tls ? 'https' : 'http'} ${target}`).toBe(400);
        expectIsolated(res.headers);
      }
    }
    expect((await get(`${server.httpUrl}connect.json`)).status).toBe(200);
  });

  it('serves GET and HEAD only (405 with Allow otherwise), and refuses URLs over the length limit with 414', async () => {
    const port = Number(new URL(server.url).port);
    const head = await rawExchange(port, 'HEAD /app.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', { head: true });
    expect(head.status).toBe(200);
    expect(head.raw).not.toContain('console.log');
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE']) {
      const res = await rawExchange(port, `${method} /connect.json HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n`);
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      expectIsolated(res.headers);
    }
    const long = await rawExchange(port, `GET /${'a'.repeat(MAX_TARGET_LENGTH)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(long.status).toBe(414);
    expectIsolated(long.headers);
  });

  it('answers what Node would answer by itself (missing Host, parse errors, CONNECT, Expect) with the isolation headers', async () => {
    const port = Number(new URL(server.url).port);
    const cases: [string, number][] = [
      ['GET / HTTP/1.1\r\n\r\n', 400],
      ['get / HTTP/1.1\r\nHost: a\r\n\r\n', 400],
      ['GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n', 400],
      ['GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n', 400],
      [`GET / HTTP/1.1\r\nHost: a\r\nX: ${'b'.repeat(20_000)}\r\n\r\n`, 431],
      [`GET /${'a'.repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`, 431],
      ['CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: a\r\n\r\n', 405],
      ['GET /connect.json HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n', 417],
      ['GET /connect.json HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n', 200],
      ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400],
    ];
    for (const tls of [false, true]) {
      for (const [request, status] of cases) {
        const res = await rawExchange(port, request, { tls });
        expect(res.status, `${tls ? 'https' : 'http'} ${JSON.stringify(request.slice(0, 40))}`).toBe(status);
        expectIsolated(res.headers);
      }
    }
  });

  it('never serves a file outside the web root: sibling folders by prefix, encoded dots and slashes, links', async () => {
    const port = Number(new URL(server.url).port);
    const targets = [
      '/../web-private/secret.txt', '/%2e%2e/web-private/secret.txt', '/..%2Fweb-private%2Fsecret.txt',
      '/app.js/../../web-private/secret.txt', '/..%5Cweb-private%5Csecret.txt', '/link.txt',
    ];
    for (const tls of [false, true]) {
      for (const target of targets) {
        const res = await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: a\r\n\r\n`, { tls });
        expect(res.status, target).toBe(404);
        expect(res.raw).not.toContain(SECRET);
        expectIsolated(res.headers);
      }
    }
  });

  it.runIf(process.platform === 'linux')('a file that fails to read is answered with 500, and the server goes on', async () => {
    // /proc/self/clear_refs is a regular file that no one may read: the open or the first read fails.
    const procServer = await startHttpServer({ host: '127.0.0.1', port: 0, info, staticDir: '/proc/self' });
    try {
      const res = await get(`${procServer.httpUrl}clear_refs`);
      expect(res.status).toBe(500);
      expectIsolated(res.headers);
      expect((await get(`${procServer.httpUrl}connect.json`)).status).toBe(200);
    } finally {
      await procServer.close();
    }
  });

  it('redirects to the public host only: never to the Host header a request brings', async () => {
    const port = Number(new URL(server.url).port);
    for (const host of ['evil.example', 'evil.example/x?', '127.0.0.1@evil.example']) {
      const res = await rawExchange(port, `GET /index.html?a=1 HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe(`${server.url}index.html?a=1`);
      expectIsolated(res.headers);
    }
    const tls = { certPem: cert.certPem, keyPem: cert.keyPem };
    const pub = await startHttpServer({ host: '127.0.0.1', port: 0, info, tls, redirectPages: true, publicHost: 'Play.Example.org' });
    try {
      const pubPort = Number(new URL(pub.httpUrl).port);
      expect(pub.url).toBe(`https://play.example.org:${pubPort}/`);
      const res = await rawExchange(pubPort, 'GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n');
      expect(res.headers.location).toBe(`https://play.example.org:${pubPort}/`);
    } finally {
      await pub.close();
    }
    await expect(startHttpServer({ host: '127.0.0.1', port: 0, info, publicHost: 'evil.example/x' })).rejects.toThrow(/publicHost must be host or host:port/);
  });

  it('logs refusals in one escaped line each, at most 20 a minute, then the count of the dropped ones', async () => {
    const lines: string[] = [];
    const logged = await startHttpServer({ host: '127.0.0.1', port: 0, info, staticDir: dir, log: (level, m) => lines.push(`${level} ${m}`) });
    const port = Number(new URL(logged.httpUrl).port);
    try {
      expect((await rawExchange(port, 'GET /%E0%A4%A HTTP/1.1\r\nHost: a\r\n\r\n')).status).toBe(400);
      expect((await rawExchange(port, 'GET /..%2F..%2Fetc%0a[info]%20fake HTTP/1.1\r\nHost: a\r\n\r\n')).status).toBe(404);
      const expect417 = Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nHost: a\r\nExpect: '), Buffer.from([0x9b, 0x33, 0x31, 0x6d, 0x85, 0x0d]), Buffer.from('\nX: 1\r\n\r\n')]);
      expect((await rawExchange(port, expect417)).status).toBe(417);
      expect(lines).toEqual([
        'warn page: refused 400 GET "/%E0%A4%A" from 127.0.0.1: the path is not valid percent-encoded UTF-8',
        'warn page: refused 404 GET "/..%2F..%2Fetc%0a[info]%20fake" from 127.0.0.1: outside the web root',
        'warn page: refused 417 GET "/" from 127.0.0.1: Expect "\\u009b31m\\u0085"',
      ]);
      for (let i = 0; i < 30; i++) expect((await rawExchange(port, 'DELETE / HTTP/1.1\r\nHost: a\r\n\r\n')).status).toBe(405);
      expect(lines).toHaveLength(20);
      expect(lines[3]).toBe('warn page: refused 405 DELETE "/" from 127.0.0.1: only GET and HEAD are served');
    } finally {
      await logged.close();
    }
    expect(lines.at(-1)).toBe('warn 13 more log lines dropped (limit 20 per 60 s)');
    for (const line of lines) expect(line).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
  });
});
