/**
 * The engine's public client API (browser-safe): the game client, connectors (native WebTransport, and the WebSocket
 * mapping loaded on demand), prediction and interpolation, meshing, the browser worker pool and zstd.
 * Applications import the engine only through this file and its siblings (index, server, client, browser, worker,
 * web).
 *
 * @packageDocumentation
 */
export * from './client/client-events.ts';
export * from './client/game-client.ts';
export * from './mesh/mesh-palette.ts';
export * from './net/fallback-connector.ts';
export * from './net/webtransport-client.ts';
export * from './platform/browser/webtransport.ts';
export * from './platform/browser/zstd.ts';
export * from './prediction/interpolation.ts';
export * from './prediction/predictor.ts';
export * from '../workers/light.common.ts';
export * from '../workers/light.main.ts';
export * from '../workers/mesh.common.ts';
export * from '../workers/mesh.main.ts';
export * from '../workers/pool.browser.ts';
export * from './client/connect.ts';
export type { WorkerStamp } from '../workers/pool.browser-worker.ts';
