/**
 * The engine's shared public API (browser and Node): the protocol definition, components and the ECS world,
 * blocks and voxels, the simulation and its state hash, input, events, replay streams and the stream diff.
 * Applications import the engine only through this file and its siblings (index, server, client, browser, worker,
 * web).
 *
 * @packageDocumentation
 */
export * from './codec/chunk-codec.ts';
export * from './codec/quantize.ts';
export * from './ecs/components.ts';
export * from './ecs/schema.ts';
export * from './ecs/world.ts';
export * from './events.ts';
export * from './hash.ts';
export * from './input.ts';
export * from './light/column-light.ts';
export * from './light/light-palette.ts';
export * from './light/world-light.ts';
export * from './net/channels.ts';
export * from './net/conditioner.ts';
export * from './net/loopback.ts';
export * from './net/scheduler.ts';
export * from './net/transport.ts';
export * from './physics/controller.ts';
export * from './physics/movement-system.ts';
export * from './physics/trig.ts';
export * from './protocol/component-spec.ts';
export * from './protocol/define.ts';
export * from './protocol/items.ts';
export * from './protocol/handshake.ts';
export * from './protocol/messages.ts';
export * from './protocol/user-codec.ts';
export * from './protocol/user-messages.ts';
export * from './protocol/user-actions.ts';
export * from './protocol/action-codec.ts';
export * from './replay/diff-report.ts';
export * from './replay/diff.ts';
export * from './replay/event-recorder.ts';
export * from './replay/event-stream.ts';
export * from './replay/event-types.ts';
export * from './replay/input-log.ts';
export * from './replay/jsonl.ts';
export * from './replay/state-hash-event.ts';
export * from './replication/entity-layout.ts';
export * from './rng.ts';
export * from './rules/interactions.ts';
export * from './rules/inventory.ts';
export * from './rules/result.ts';
export * from './sim/game-world.ts';
export * from './sim/schedule.ts';
export * from './sim/state-hash.ts';
export * from './sim/step.ts';
export * from './sim/user-actions-system.ts';
export * from './sim/surface.ts';
export * from './stats.ts';
export * from './tick.ts';
export * from './voxel/blocks.ts';
export * from './voxel/raycast.ts';
export * from './voxel/section-store.ts';
export * from './voxel/section.ts';
export * from './voxel/terrain/generator.ts';
export * from './voxel/voxel-world.ts';
export * from '../workers/pool.ts';
export * from '../workers/terrain.common.ts';
export * from '../workers/terrain.main.ts';
