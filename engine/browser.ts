/**
 * The engine's browser platform parts: the worker pool (Web Workers running the engine's pool worker, which bundlers
 * follow from the package), zstd in WebAssembly-free JavaScript (fzstd), and the WebTransport connectors (native
 * with pinned certificate hashes, the WebSocket fallback, and the page's choice between them).
 * Applications import the engine only through this file and its siblings (index, server, client, browser, worker,
 * web).
 *
 * @packageDocumentation
 */
export * from '../workers/pool.browser.ts';
export * from './platform/browser/zstd.ts';
export * from './net/webtransport-client.ts';
export * from './net/fallback-connector.ts';
export {
  browserConnector, endpointUrl, certificateAdvice, fetchConnectInfo, NATIVE_TIMEOUT_MS, type BrowserConnector, type ConnectJson,
} from './client/connect.ts';
export type { WorkerStamp } from '../workers/pool.browser-worker.ts';
