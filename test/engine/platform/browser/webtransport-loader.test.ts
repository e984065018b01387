/**
 * engine/platform/browser/webtransport.ts with the package replaced by a stand-in: the package is imported only when
 * the WebSocket mapping is first needed, the global WebTransport reads as undefined while it evaluates (so the real
 * package's load-time probe of example.com cannot run) and is put back afterwards, and the browser connector falls
 * back from a failing native WebTransport to the mapping. test/e2e/network-hosts.test.ts checks the real package in
 * Chromium.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';

const state = vi.hoisted(() => ({
  loads: 0,
  globalSeenOnLoad: 'not loaded' as unknown,
  made: [] as Array<{ impl: string; url: string; options: unknown }>,
}));

/** A WebTransport stand-in whose session never opens. */
function fakeWebTransport(impl: string) {
  return class {
    readonly ready: Promise<never>;
    readonly closed: Promise<undefined>;
    readonly datagrams = { readable: new ReadableStream<Uint8Array>() };
    constructor(url: string, options?: unknown) {
      state.made.push({ impl, url, options });
      this.ready = Promise.reject(new Error(`${impl} refused`));
      this.closed = Promise.resolve(undefined);
    }
    createBidirectionalStream(): never { throw new Error('unused'); }
    close(): void {}
  };
}

vi.mock('@fails-components/webtransport', () => {
  state.loads++;
  state.globalSeenOnLoad = (globalThis as { WebTransport?: unknown }).WebTransport;
  return { WebTransportPonyfill: fakeWebTransport('ponyfill') };
});

const Native = fakeWebTransport('native');
Object.defineProperty(globalThis, 'WebTransport', { value: Native, configurable: true, writable: true });
afterAll(() => { delete (globalThis as { WebTransport?: unknown }).WebTransport; });

const { browserWebTransportConnector, loadWebTransportPonyfill, webSocketMappingConnector } = await import('../../../../engine/platform/browser/webtransport.ts');

const url = 'https://127.0.0.1:4433/stratum';
const certHash = new Uint8Array(32).fill(7);
const connectOnce = (connect: (done: (r: unknown) => void) => void) => new Promise<unknown>((done) => connect(done));

describe('the browser WebTransport loader', () => {
  it('imports the package on the first connect, not before, with the global WebTransport hidden meanwhile', async () => {
    const connect = webSocketMappingConnector({ url, certHash });
    expect(state.loads).toBe(0);
    const result = await connectOnce(connect);
    expect(state.loads).toBe(1);
    expect(state.globalSeenOnLoad).toBeUndefined();
    expect((globalThis as { WebTransport?: unknown }).WebTransport).toBe(Native);
    expect(result).toBeInstanceOf(Error);
    expect(state.made).toEqual([{ impl: 'ponyfill', url, options: { serverCertificateHashes: [{ algorithm: 'sha-256', value: certHash }], forceReliable: true } }]);
    expect(await loadWebTransportPonyfill()).toBe(await loadWebTransportPonyfill());
    expect(state.loads).toBe(1);
  });

  it('tries native WebTransport first, and falls back to the mapping when it fails', async () => {
    state.made.length = 0;
    const connect = await browserWebTransportConnector({ url, certHash });
    await connectOnce(connect);
    expect(state.made.map((m) => m.impl)).toEqual(['native', 'ponyfill']);
    expect(state.made[0].options).toEqual({ serverCertificateHashes: [{ algorithm: 'sha-256', value: certHash }] });
  });
});
