/**
 * The engine's cluster API (Node): what region shards on NATS are built from (docs/cluster.md). An embedded
 * nats-server or NATS_URL (startNats), regions of 16 x 16 columns, region ownership leases in a key-value bucket, each
 * region's edits in a JetStream stream (and the writer a shard acknowledges its edits with), and the session bridge
 * that relays a player's WebTransport session from a gateway to a shard. It needs the official NATS clients, optional peer dependencies of the package:
 * `npm install @nats-io/transport-node @nats-io/jetstream @nats-io/kv`.
 *
 * @packageDocumentation
 */
export * from './cluster/cluster-clock.ts';
export * from './cluster/edit-log.ts';
export * from './cluster/leases.ts';
export * from './cluster/nats-server.ts';
export * from './cluster/region.ts';
export * from './cluster/region-edit-writer.ts';
export * from './cluster/session-bridge.ts';
export * from './cluster/shard-runtime.ts';
