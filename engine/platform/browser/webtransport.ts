/**
 * WebTransport in the browser: the browser's native WebTransport over HTTP/3 (pinning the certificate hash) when it
 * has one, and the HTTP/2 / WebSocket mapping of `@fails-components/webtransport` (`WebTransportPonyfill`), which
 * the server also speaks, when it has none or the native session does not connect in time (UDP blocked).
 *
 * No request to another host: that package, when it loads in a browser that has native WebTransport, opens a
 * WebTransport session to https://example.com:23333 (a probe for its `WebTransportPolyfill` class: does the browser
 * accept `serverCertificateHashes`?). Stratum never uses that class, and {@link loadWebTransportPonyfill} loads the
 * package only when the mapping is needed, with the global `WebTransport` hidden while the module evaluates, so
 * the probe does not run (test/e2e/network-hosts.test.ts watches for it).
 */
import { createFallbackConnector } from '../../net/fallback-connector.ts';
import { createRealtimeScheduler, type Scheduler } from '../../net/scheduler.ts';
import type { Connector } from '../../net/transport.ts';
import type { WebTransportConstructor } from '../../net/webtransport-client.ts';
import { webTransportConnector } from '../../net/webtransport-client.ts';

let ponyfill: Promise<WebTransportConstructor> | undefined;

/**
 * The package's WebSocket mapping (`WebTransportPonyfill`), loaded on the first call without the package's probe
 * of example.com (see the file comment). For a moment, while the package's module is fetched and evaluated, the
 * global `WebTransport` reads as undefined; code that holds the constructor already (as
 * {@link browserWebTransportConnector} does) is unaffected. The page must be bundled with the "browser" export
 * condition (Vite's default for a web build).
 */
export function loadWebTransportPonyfill(): Promise<WebTransportConstructor> {
  ponyfill ??= importHidingNative().then((mod) => {
    if (!mod.WebTransportPonyfill) throw new Error('WebTransportPonyfill is missing: bundle with the "browser" export condition');
    return mod.WebTransportPonyfill;
  });
  ponyfill.catch(() => { ponyfill = undefined; });
  return ponyfill;
}

async function importHidingNative(): Promise<{ WebTransportPonyfill?: WebTransportConstructor }> {
  const own = Object.getOwnPropertyDescriptor(globalThis, 'WebTransport');
  let hidden = false;
  try {
    Object.defineProperty(globalThis, 'WebTransport', { value: undefined, configurable: true, writable: true });
    hidden = true;
  } catch {
    // A global that cannot be redefined: the package will probe; nothing else changes.
  }
  try {
    // Typed by hand: the type checker resolves the package's Node entry, which lacks the browser classes.
    return (await import('@fails-components/webtransport')) as unknown as { WebTransportPonyfill?: WebTransportConstructor };
  } finally {
    if (hidden) {
      if (own) Object.defineProperty(globalThis, 'WebTransport', own);
      else delete (globalThis as { WebTransport?: unknown }).WebTransport;
    }
  }
}

/** Options of {@link webSocketMappingConnector} and {@link browserWebTransportConnector}. */
export interface BrowserConnectorOptions {
  /** Server URL, `https://host:port/stratum`. */
  url: string;
  /** SHA-256 of the server certificate (from the server's log or its status page). */
  certHash: Uint8Array;
  /** More hashes to pin natively beside `certHash` (a renewal's successor or predecessor). */
  moreCertHashes?: readonly Uint8Array[];
}

/**
 * A connector over the HTTP/2 / WebSocket mapping alone; the package is loaded (see {@link loadWebTransportPonyfill})
 * on the first connect, not before. A WebSocket cannot pin a certificate hash: the browser must trust the server's
 * certificate (a self-signed one accepted once by the player).
 */
export function webSocketMappingConnector(options: BrowserConnectorOptions): Connector {
  return (done) => {
    loadWebTransportPonyfill().then(
      (WebTransport) => webTransportConnector({ url: options.url, certHash: options.certHash, WebTransport, forceReliable: true })(done),
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
    );
  };
}

/** Options of {@link browserWebTransportConnector} beyond the server's address. */
export interface BrowserFallbackOptions {
  /** Timers (default: real time). */
  scheduler?: Scheduler;
  /** How long the first native attempt may take before falling back, ms (default 3000). */
  timeoutMs?: number;
}

/**
 * A connector for browsers: native WebTransport over HTTP/3 with the pinned hash when the browser has it, and the
 * WebSocket mapping ({@link webSocketMappingConnector}) when it has none or the first native attempt fails or takes
 * longer than `timeoutMs` (see {@link createFallbackConnector}).
 */
export async function browserWebTransportConnector(options: BrowserConnectorOptions & BrowserFallbackOptions): Promise<Connector> {
  const Native = (globalThis as { WebTransport?: WebTransportConstructor }).WebTransport;
  const preferred = typeof Native === 'function'
    ? webTransportConnector({ url: options.url, certHash: options.certHash, moreCertHashes: options.moreCertHashes, WebTransport: Native })
    : undefined;
  return createFallbackConnector({
    preferred, fallback: webSocketMappingConnector(options), scheduler: options.scheduler ?? createRealtimeScheduler(), timeoutMs: options.timeoutMs,
  }).connect;
}
