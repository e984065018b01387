/**
 * Chromium's own WebTransport against the QUIC server: a page served over plain HTTP on 127.0.0.1 opens
 * `new WebTransport(url, { serverCertificateHashes })` with the server's self-signed certificate pinned (no
 * certificate flags, nothing clicked), then echoes a bidirectional stream, receives a server-opened unidirectional
 * stream, echoes datagrams, and closes with a code and reason the server sees; a server-side close reaches the page
 * too. The server checks the page's origin. Skipped without Chromium unless STRATUM_E2E=1.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CloseInfo, TransportSession } from '../../engine/net/transport.ts';
import type { QuicWebTransportServer } from '../../engine/platform/node/quic/webtransport-server.ts';
import { startQuicWebTransportServer } from '../../engine/platform/node/quic/webtransport-server.ts';
import { e2eRuns, launchChromium, requireChromium } from '../support/e2e.ts';

const runs = e2eRuns('WebTransport H3 browser test');

/** What the page reports back. */
interface PageResult {
  readyMs: number;
  echo: string;
  uni: string;
  datagramEchoes: number;
  closed: { closeCode?: number; reason?: string } | string;
}

describe.skipIf(!runs)('Chromium native WebTransport over HTTP/3', () => {
  let browser: Browser | undefined;
  let page: Page;
  let http: Server;
  let pageOrigin: string;
  let server: QuicWebTransportServer;
  const sessions: TransportSession[] = [];
  const closes: CloseInfo[] = [];

  beforeAll(async () => {
    requireChromium();
    http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>h3</title>'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    pageOrigin = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    server = await startQuicWebTransportServer({
      origins: [pageOrigin],
      sink: (s) => {
        sessions.push(s);
        s.setHandlers({
          onDatagram: (d) => s.sendDatagram(d),
          onStream: (st) => {
            if (st.kind !== 'bidi') return;
            st.setHandlers({ onData: (b) => st.write(b), onEnd: () => st.end() });
          },
          onClose: (info) => closes.push(info),
        });
        const uni = s.openStream('uni');
        uni.write(new TextEncoder().encode('hello from the server'));
        uni.end();
      },
    });
    // No certificate or QUIC flags: the pinned hash is all Chromium gets (launch() uses a fresh temporary profile).
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    await page.goto(pageOrigin);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((r) => http?.close(r));
  });

  it('connects with a pinned certificate hash and exchanges a stream, a server stream and datagrams', async () => {
    const result = await page.evaluate(async ({ url, hash }): Promise<PageResult> => {
      const t0 = performance.now();
      const wt = new WebTransport(url, { serverCertificateHashes: [{ algorithm: 'sha-256', value: new Uint8Array(hash) }] });
      await wt.ready;
      const readyMs = performance.now() - t0;
      const text = async (r: ReadableStream<Uint8Array>) => {
        let s = '';
        const reader = r.getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return s;
          s += new TextDecoder().decode(value);
        }
      };
      const uniReader = wt.incomingUnidirectionalStreams.getReader();
      const uni = text((await uniReader.read()).value as ReadableStream<Uint8Array>);
      const bidi = await wt.createBidirectionalStream();
      const w = bidi.writable.getWriter();
      await w.write(new TextEncoder().encode('echo me over HTTP/3'));
      await w.close();
      const echo = await text(bidi.readable);
      const dw = wt.datagrams.writable.getWriter();
      const dr = wt.datagrams.readable.getReader();
      let datagramEchoes = 0;
      const got = (async () => {
        for (;;) {
          const { value, done } = await dr.read();
          if (done) return;
          if (new TextDecoder().decode(value) === 'dgram') datagramEchoes++;
          if (datagramEchoes >= 5) return;
        }
      })();
      for (let i = 0; i < 10 && datagramEchoes < 5; i++) {
        await dw.write(new TextEncoder().encode('dgram'));
        await new Promise((r) => setTimeout(r, 20));
      }
      await Promise.race([got, new Promise((r) => setTimeout(r, 2000))]);
      wt.close({ closeCode: 4001, reason: 'page done' });
      const closed = await wt.closed.then((i) => i, (e: Error) => `rejected: ${e.message}`);
      return { readyMs, echo, uni: await uni, datagramEchoes, closed };
    }, { url: server.url, hash: [...server.cert.sha256] });
    console.log(`Chromium WebTransport over HTTP/3: ready in ${result.readyMs.toFixed(1)} ms`);
    expect(result.echo).toBe('echo me over HTTP/3');
    expect(result.uni).toBe('hello from the server');
    expect(result.datagramEchoes).toBeGreaterThanOrEqual(1);
    expect(sessions).toHaveLength(1);
    expect(sessions[0].reliableDatagrams).toBe(false);
    expect(sessions[0].remoteAddress).toBe('127.0.0.1');
    await expect.poll(() => closes.length).toBe(1);
    expect(closes[0]).toEqual({ code: 4001, reason: 'page done' });
  });

  it('sees a close from the server with its code and reason', async () => {
    const closed = page.evaluate(async ({ url, hash }) => {
      const wt = new WebTransport(url, { serverCertificateHashes: [{ algorithm: 'sha-256', value: new Uint8Array(hash) }] });
      await wt.ready;
      (window as unknown as { wtReady: boolean }).wtReady = true;
      return wt.closed.then((i) => i, (e: Error) => `rejected: ${e.message}`);
    }, { url: server.url, hash: [...server.cert.sha256] });
    await page.waitForFunction(() => (window as unknown as { wtReady?: boolean }).wtReady === true);
    sessions.at(-1)!.close({ code: 77, reason: 'kicked by the test' });
    expect(await closed).toEqual({ closeCode: 77, reason: 'kicked by the test' });
  });

  it('refuses a page from an origin the server does not allow', async () => {
    const strict = await startQuicWebTransportServer({ origins: ['http://elsewhere.example'], sink: () => {} });
    try {
      const outcome = await page.evaluate(async ({ url, hash }) => {
        const wt = new WebTransport(url, { serverCertificateHashes: [{ algorithm: 'sha-256', value: new Uint8Array(hash) }] });
        return wt.ready.then(() => 'connected', (e: Error) => `refused: ${e.message}`);
      }, { url: strict.url, hash: [...strict.cert.sha256] });
      expect(outcome).toMatch(/^refused/);
    } finally {
      await strict.close();
    }
  });
});
