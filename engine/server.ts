/**
 * The engine's public server API (Node): the game server, its transports (WebTransport over HTTP/2 and over
 * QUIC), certificates, the edit store, zstd, the worker pool, the UDP link emulator, Prometheus metrics, the
 * structured logger, and the cluster foundation (NATS: the embedded nats-server, region keys, region leases, the
 * regions' JetStream edit log, the session bridge between gateways and shards).
 * Applications import the engine only through this file and its siblings (index, server, client, browser, worker,
 * web).
 *
 * @packageDocumentation
 */
export * from './net/connection-caps.ts';
export * from './net/log-text.ts';
export * from './net/server.ts';
export * from './platform/node/address-key.ts';
export * from './platform/node/cert-renewal.ts';
export * from './platform/node/cert.ts';
export * from './platform/node/edit-store.ts';
export * from './platform/node/quic/quiche.ts';
export * from './platform/node/quic/webtransport-client.ts';
export * from './platform/node/quic/webtransport-server.ts';
export * from './platform/node/udp-link-emulator.ts';
export * from './platform/node/webtransport.ts';
export * from './platform/node/zstd.ts';
export * from './server/game-server.ts';
export * from './server/server-player.ts';
export * from './server/server-recorder.ts';
export * from '../workers/light.common.ts';
export * from '../workers/light.main.ts';
export * from '../workers/pool.node.ts';
export * from './platform/node/http/http-server.ts';
export * from './platform/node/http/public-host.ts';
export { ISOLATION_HEADERS } from './platform/node/http/page-headers.ts';
export * from './server/listen.ts';
export * from './server/metrics.ts';
export * from './platform/node/http/metrics-server.ts';
export * from './platform/node/json-logger.ts';
export * from './platform/node/node-connector.ts';
export * from './cluster/edit-log.ts';
export * from './cluster/leases.ts';
export * from './cluster/nats-server.ts';
export * from './cluster/region.ts';
export * from './cluster/session-bridge.ts';
