/**
 * No surprise network traffic: a page of the game contacts the game server's host and nothing else, whichever
 * transport it ends up with. Each case records every HTTP request and WebSocket the browser context makes (workers
 * included) and every WebTransport session Chromium creates (the DevTools protocol's Network.webTransportCreated: a
 * WebTransport is no HTTP request, and playwright has no event for it), then checks each URL's host.
 * `@fails-components/webtransport` used to open a WebTransport to https://example.com:23333 when it loaded in a
 * browser that has native WebTransport; the cases that load it while native WebTransport exists catch that.
 * Uses Debian's /usr/bin/chromium through playwright-core; skipped without it unless STRATUM_E2E=1.
 */
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { StratumHook } from '../../game/web/test-hook.ts';
import { e2eRuns, useServedGame } from '../support/e2e.ts';

const runs = e2eRuns('e2e network hosts test');

declare global {
  interface Window { stratum: StratumHook }
}

/** Every URL the context's pages and workers reach: HTTP requests, WebSockets, WebTransport sessions. */
async function recordUrls(ctx: BrowserContext, page: Page): Promise<string[]> {
  const urls: string[] = [];
  ctx.on('request', (r) => urls.push(r.url()));
  page.on('websocket', (ws) => urls.push(ws.url()));
  const cdp = await ctx.newCDPSession(page);
  cdp.on('Network.webTransportCreated', (e) => urls.push(e.url));
  await cdp.send('Network.enable');
  return urls;
}

describe.skipIf(!runs)('network traffic of the page', () => {
  const game = useServedGame('web-hosts', { radius: 2 });

  /**
   * Plays on the server until the page has terrain, then waits a little more; returns the transport the page used
   * and every URL it reached. `mode`: 'native' as is; 'h2-only' the server's /connect.json offers only the HTTP/2
   * mapping (native WebTransport exists, the fallback is used from the start); 'native-fails' /connect.json gives a
   * wrong certificate hash, so the native HTTP/3 attempt fails and the page falls back (as when UDP is blocked);
   * 'no-native' the page has no WebTransport at all.
   */
  async function play(mode: 'native' | 'h2-only' | 'native-fails' | 'no-native'): Promise<{ transport: string; urls: string[] }> {
    // The WebSocket mapping cannot pin the self-signed certificate: the fallback cases trust it up front (the
    // browser e2e test clicks through the warning instead).
    const ctx = await game.browser.newContext({ viewport: { width: 320, height: 200 }, ignoreHTTPSErrors: mode !== 'native' });
    if (mode === 'no-native') await ctx.addInitScript(() => { delete (globalThis as { WebTransport?: unknown }).WebTransport; });
    const page = await ctx.newPage();
    const urls = await recordUrls(ctx, page);
    if (mode === 'h2-only' || mode === 'native-fails') {
      await page.route('**/connect.json', async (route) => {
        const res = await route.fetch();
        const info = await res.json() as Record<string, unknown>;
        const json = mode === 'h2-only' ? { ...info, transports: ['h2'] } : { ...info, certHashHex: '00'.repeat(32), certHashesHex: undefined };
        await route.fulfill({ response: res, json });
      });
    }
    page.on('pageerror', (e) => console.error(`[page ${mode}] ${e.message}`));
    await page.goto(`${game.server.url}?name=${mode.replace('-', '')}&maxfps=10`);
    await page.waitForFunction(() => window.stratum?.ready() && window.stratum.sectionMeshes() > 0, null, { timeout: 60_000 });
    await page.waitForTimeout(1500);
    const transport = await page.evaluate(() => window.stratum.transport());
    await ctx.close();
    return { transport, urls };
  }

  /** The hosts (host:port stripped to host) of `urls` other than the game server's. */
  function foreign(urls: string[]): string[] {
    const own = new URL(game.server.url).hostname;
    return [...new Set(urls.filter((u) => /^(https?|wss?):/.test(u)).map((u) => new URL(u).hostname))].filter((h) => h !== own);
  }

  it('native WebTransport over HTTP/3: only the game server is contacted', async () => {
    const { transport, urls } = await play('native');
    expect(transport).toBe('h3');
    expect(urls.some((u) => u.endsWith('/connect.json'))).toBe(true);
    expect(foreign(urls), urls.join('\n')).toEqual([]);
  }, 120_000);

  it('fallback (WebSocket mapping) while native WebTransport exists: only the game server is contacted', async () => {
    const { transport, urls } = await play('h2-only');
    expect(transport).toBe('fallback');
    expect(urls.some((u) => /^wss:/.test(u))).toBe(true);
    expect(foreign(urls), urls.join('\n')).toEqual([]);
  }, 120_000);

  it('fallback after the native HTTP/3 attempt failed: only the game server is contacted', async () => {
    const { transport, urls } = await play('native-fails');
    expect(transport).toBe('fallback');
    expect(urls.filter((u) => /^https:/.test(u) && u.endsWith('/stratum')).length).toBeGreaterThan(0); // the native attempt
    expect(urls.some((u) => /^wss:/.test(u))).toBe(true);
    expect(foreign(urls), urls.join('\n')).toEqual([]);
  }, 120_000);

  it('fallback in a browser without WebTransport: only the game server is contacted', async () => {
    const { transport, urls } = await play('no-native');
    expect(transport).toBe('fallback');
    expect(foreign(urls), urls.join('\n')).toEqual([]);
  }, 120_000);
});
