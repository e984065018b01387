/**
 * The engine's public server API (Node): the game server, its transports (WebTransport over HTTP/2 and over
 * QUIC), certificates, the edit store, zstd, the worker pool, the UDP link emulator, Prometheus metrics (with the
 * optional peer dependency prom-client) and the structured logger. The cluster's parts are in the cluster entry.
 * Applications import the engine only through this file and its siblings (index, server, client, browser, worker,
 * web, cluster).
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
export { DEFAULT_MAX_HELD_EDITS, type DurableEditWriter } from './server/durable-edits.ts';
export * from './server/server-player.ts';
export * from './server/server-recorder.ts';
export { adoptEntityState, entityWithNetId, removeHandedOff } from './server/server-handoff.ts';
export type { BorderEntity, GameServerCounters, HandoffData, RemoteEdit } from './server/server-handoff.ts';
export { HANDOFF_VERSION, HandoffStateError, decodeHandoff, isCheckpoint } from './server/handoff-state.ts';
export type { CheckpointClient, EntityHandoff, PlayerCheckpoint, PlayerHandoff, QueueHandoff, ReplicationHandoff } from './server/handoff-state.ts';
export { DEFAULT_CHECKPOINT_EVERY, MAX_CHECKPOINT_EVERY } from './server/server-checkpoint.ts';
export type { CapturedComponent } from './server/entity-capture.ts';
export type { Ghost } from './server/ghosts.ts';
export { MAX_NET_ID_BASE } from './server/tick-epoch.ts';
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
