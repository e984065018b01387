/**
 * Hostile requests against a real page server on 127.0.0.1, as property tests: arbitrary paths (percent-encoding
 * garbage, `..` segments, encoded slashes and backslashes, NUL, unicode, very long), methods, versions and header
 * values, over HTTP and HTTPS, sent on raw sockets so that nothing normalizes them first. Every request gets a
 * status from a known set with the isolation headers, the secret beside the web root never comes back, redirects
 * stay on the public host, log lines stay single inert lines, and the server is alive and unharmed afterwards.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCert } from '../../engine/platform/node/cert.ts';
import { startHttpServer, type ConnectInfo, type RunningHttpServer } from '../../engine/platform/node/http/http-server.ts';
import { rawExchange, type RawAnswer } from '../support/raw-http.ts';

const SECRET = 'SECRET-7f3a9c-not-for-the-web';
/** Every status the page server may answer with. */
const KNOWN = new Set([200, 302, 400, 404, 405, 408, 413, 414, 417, 431]);
const cert = createSelfSignedCert();
const info: ConnectInfo = { webTransportUrl: 'https://127.0.0.1:4433/stratum', transports: ['h2'], certHashHex: cert.sha256Hex, protocolVersion: 3, schemaHash: 'ab'.repeat(8) };
const uncaught: unknown[] = [];
const onUncaught = (err: unknown) => { uncaught.push(err); };
const logLines: string[] = [];
let base: string;
let server: RunningHttpServer;
let port: number;
const seen = new Set<number>();

beforeAll(async () => {
  process.on('uncaughtExceptionMonitor', onUncaught);
  process.on('unhandledRejection', onUncaught);
  // web/ is served; web-private/ beside it (sharing its name as a prefix) and the folder above hold the secret.
  base = mkdtempSync(join(tmpdir(), 'stratum-hostile-'));
  mkdirSync(join(base, 'web', 'sub'), { recursive: true });
  mkdirSync(join(base, 'web-private'));
  writeFileSync(join(base, 'web-private', 'secret.txt'), SECRET);
  writeFileSync(join(base, 'secret.txt'), SECRET);
  writeFileSync(join(base, 'web', 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(base, 'web', 'app.js'), 'console.log(1)');
  writeFileSync(join(base, 'web', 'sub', 'a.html'), '<p>a</p>');
  symlinkSync(join(base, 'web-private'), join(base, 'web', 'private-link'));
  server = await startHttpServer({
    host: '127.0.0.1', port: 0, info, staticDir: join(base, 'web'), redirectPages: true,
    tls: { certPem: cert.certPem, keyPem: cert.keyPem },
    limits: { handshakeMs: 500, headersMs: 500, requestMs: 1000 },
    log: (level, m) => logLines.push(`${level} ${m}`),
  });
  port = Number(new URL(server.httpUrl).port);
});
afterAll(async () => {
  await server?.close();
  process.off('uncaughtExceptionMonitor', onUncaught);
  process.off('unhandledRejection', onUncaught);
  rmSync(base, { recursive: true, force: true });
});

/** Path pieces an attacker would try; raw unicode and control characters now and then (the parser refuses those). */
const segment = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('..', '..', '.', '%2e%2e', '%2E%2E', '.%2e', '..%2f', '..%2F', '..%5c', '..\\', '%252e%252e',
    'web-private', 'secret.txt', 'private-link', 'app.js', 'index.html', 'sub', 'a.html', 'connect.json', '%ef%bc%8f', '%0d%0a', '~', '') },
  { weight: 1, arbitrary: fc.constantFrom('%00', 'a%00.html', '%', '%E0%A4%A', '%zz', '%ff', '%c0%ae%c0%ae') },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 6 }).map((b) => [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 4 }) },
);
const separator = fc.constantFrom('/', '/', '/', '\\', '%2f', '%5C', '//');
const path = fc.tuple(
  fc.oneof({ weight: 12, arbitrary: fc.constant('/') }, { weight: 1, arbitrary: fc.constantFrom('//', '\\', '', 'http://evil.example/', '*') }),
  fc.array(fc.tuple(segment, separator), { maxLength: 6 }), segment,
  fc.option(fc.string({ maxLength: 12 }).map(encodeURIComponent)),
).map(([lead, parts, last, query]) => `${lead}${parts.map(([s, sep]) => s + sep).join('')}${last}${query === null ? '' : `?${query}`}`);
const hostileHost = fc.oneof(
  { weight: 6, arbitrary: fc.constant('127.0.0.1') },
  { weight: 2, arbitrary: fc.constantFrom('evil.example', 'evil.example:443', '127.0.0.1@evil.example', '') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
);
/** Well-formed requests with hostile paths (and Host headers): what gets past the parser to the server's own code. */
const pathRequest = fc.record({ method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD'), path, host: hostileHost, tls: fc.boolean() });
const method = fc.oneof(
  fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE', 'PATCH', 'PRI', 'get', 'PROPFIND', 'M-SEARCH'),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 8 }),
);
const version = fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.2', 'http/1.1', 'HTTP/1.1 x', '');
const header = fc.tuple(
  fc.oneof(fc.constantFrom('Host', 'Expect', 'Transfer-Encoding', 'Content-Length', 'Connection', 'Upgrade', 'X-Forwarded-Host', 'Range'), fc.string({ unit: 'binary-ascii', maxLength: 10 })),
  fc.oneof(fc.constantFrom('evil.example', '100-continue', 'chunked', '0', '12', '-1', 'keep-alive', 'upgrade', 'websocket', 'bytes=0-3'), fc.string({ unit: 'binary', maxLength: 20 })),
);
/** Anything in the method, version and headers. */
const garbageRequest = fc.record({ method, path, version, headers: fc.array(header, { maxLength: 4 }), tls: fc.boolean() });

/** The request's bytes (UTF-8); the head is always ended, so the server can answer at once. */
function bytesOf(method: string, path: string, version: string, headers: [string, string][]): Buffer {
  const lines = [`${method} ${path} ${version}`, ...headers.map(([k, v]) => `${k}: ${v}`), 'Connection: close'];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
}

/** Bodies the server may send with a 200: the files of the web root and the connect info. */
const SERVABLE = ['<!doctype html><title>page</title>', 'console.log(1)', '<p>a</p>', JSON.stringify(info)];

/** What every answer must be like. */
function checkAnswer(res: RawAnswer, what: string): void {
  expect(res.timedOut, what).toBe(false);
  expect(KNOWN.has(res.status), `${what}: status ${res.status}`).toBe(true);
  expect(res.raw, what).not.toContain(SECRET);
  expect(res.headers['cross-origin-opener-policy'], what).toBe('same-origin');
  expect(res.headers['cross-origin-embedder-policy'], what).toBe('require-corp');
  if (res.status === 302) expect(res.headers.location?.startsWith(`https://127.0.0.1:${port}/`), what).toBe(true);
}

describe('hostile requests on the page port', () => {
  it('hostile paths and Host headers over HTTP and HTTPS: only files of the web root, redirects to the public host', async () => {
    await fc.assert(fc.asyncProperty(pathRequest, async (r) => {
      const res = await rawExchange(port, bytesOf(r.method, r.path, 'HTTP/1.1', [['Host', r.host]]), { tls: r.tls, head: r.method === 'HEAD', timeoutMs: 3000 });
      checkAnswer(res, JSON.stringify(r));
      expect([200, 302, 400, 404, 414]).toContain(res.status);
      if (res.status === 200 && r.method === 'GET') expect(SERVABLE).toContain(res.body);
      seen.add(res.status);
    }), {
      numRuns: 250,
      // One of each kind first: a file, a page redirected to HTTPS, a sibling's secret, a path that cannot be decoded.
      examples: [
        [{ method: 'GET', path: '/app.js', host: '127.0.0.1', tls: false }],
        [{ method: 'GET', path: '/sub/a.html', host: 'evil.example', tls: false }],
        [{ method: 'GET', path: '/../web-private/secret.txt', host: '127.0.0.1', tls: true }],
        [{ method: 'GET', path: '/%E0%A4%A', host: '127.0.0.1', tls: true }],
      ],
    });
    expect([...seen]).toEqual(expect.arrayContaining([200, 302, 400, 404]));
  });

  it('arbitrary methods, versions and header values over HTTP and HTTPS: known statuses, isolation headers, no secret', async () => {
    await fc.assert(fc.asyncProperty(garbageRequest, async (r) => {
      const bytes = bytesOf(r.method, r.path, r.version, r.headers);
      const res = await rawExchange(port, bytes, { tls: r.tls, head: r.method === 'HEAD', timeoutMs: 3000 });
      if (!r.tls && bytes[0] === 0x16) expect(res.status).toBe(0); // taken for a TLS handshake, and dropped
      else checkAnswer(res, JSON.stringify(r));
    }), { numRuns: 100 });
  });

  it('arbitrary bytes: a complete head is answered, a TLS record without a handshake is dropped, no secret', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (blob) => {
      const res = await rawExchange(port, Buffer.concat([blob, Buffer.from('\r\n\r\n')]), { timeoutMs: 3000 });
      if (blob[0] === 0x16) {
        expect(res.status).toBe(0); // a TLS alert and a close, or a close at the handshake deadline
        expect(res.raw).not.toContain(SECRET);
      } else {
        checkAnswer(res, Buffer.from(blob).toString('hex'));
      }
    }), { numRuns: 100 });
  });

  it('very long paths are refused (414, or 431 beyond the head limit), over HTTP and HTTPS', async () => {
    await fc.assert(fc.asyncProperty(fc.integer({ min: 2049, max: 40_000 }), segment, fc.boolean(), async (length, piece, tls) => {
      const target = `/${(piece || 'a').repeat(Math.ceil(length / Math.max(1, piece.length)))}`.slice(0, length);
      const res = await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, { tls, timeoutMs: 3000 });
      checkAnswer(res, `${length} ${piece}`);
      expect([400, 414, 431]).toContain(res.status);
    }), { numRuns: 20 });
  });

  it('afterwards the server still serves, nothing was thrown, and every log line is one inert line', async () => {
    for (const tls of [false, true]) {
      const res = await rawExchange(port, 'GET /connect.json HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', { tls });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual(info);
    }
    expect(uncaught).toEqual([]);
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(line).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
  });
});
