/**
 * The simulated world as one plain object: ECS world, voxel world, event bus and the current tick. The server,
 * the client's prediction and the headless `stratum sim` all run this same shape.
 */
import { addComponent, query } from 'bitecs';
import { HOTBAR_SLOTS } from '../ecs/components.ts';
import type { ComponentSchema } from '../ecs/schema.ts';
import { createEcsWorld, spawnEntity, type EcsWorld } from '../ecs/world.ts';
import { createEventBus, type EventBus } from '../events.ts';
import { syncHeldItem } from '../rules/inventory.ts';
import type { Tick } from '../tick.ts';
import { Block } from '../voxel/blocks.ts';
import { createVoxelWorld, type VoxelWorld, type VoxelWorldOptions } from '../voxel/voxel-world.ts';

/** Events the simulation emits. Payloads are plain data (they go into event streams). */
export interface SimEvents {
  /** A block changed by a player's action. */
  BlockChanged: { tick: Tick; x: number; y: number; z: number; block: number; prev: number; by: number };
  /** A player's action was refused; nothing changed. */
  ActionRefused: { tick: Tick; eid: number; action: 'block' | 'inventory'; reason: string; message: string };
  /** A player's game action (user-actions-system.ts) ran: applied, or refused with nothing changed. */
  UserAction: { tick: Tick; eid: number; action: number; index: number; ok: boolean; reason: string };
  /** A player entity was added. */
  PlayerSpawned: { tick: Tick; eid: number; netId: number };
}

/** The world a simulation step runs on. */
export interface GameWorld {
  /** Entities and their component stores. */
  ecs: EcsWorld;
  /** Blocks. */
  voxels: VoxelWorld;
  /** Simulation events. */
  events: EventBus<SimEvents>;
  /** The next tick to run. */
  tick: Tick;
  /** Next network id to hand out. */
  nextNetId: number;
  /** The world's seed: systems draw from `ctx.rng`, seeded from it and the tick (schedule.ts). */
  readonly seed: number;
  /**
   * Which block columns this world may change (undefined: all). A shard of a cluster changes only the regions it
   * owns; the others are read-only copies of its neighbours' (engine/cluster/shard-runtime.ts), and a player's block
   * action there is refused (`read-only`). Deterministic code only: a replay must be given the same function.
   */
  editable?: (x: number, z: number) => boolean;
}

/** Options of {@link createGameWorld}. */
export interface GameWorldOptions extends VoxelWorldOptions {
  /** Entity capacity (see createEcsWorld). */
  capacity?: number;
  /**
   * The component layout (see createEcsWorld; default the engine's components): built-ins first, then user
   * components, all in one SharedArrayBuffer. From a protocol definition: `componentLayout(def)` (define.ts).
   */
  components?: readonly ComponentSchema[];
  /** Seed of the systems' random numbers (default 0; any integer, its low 32 bits count). */
  seed?: number;
}

/** Creates an empty world at tick 0. */
export function createGameWorld(options: GameWorldOptions = {}): GameWorld {
  return {
    ecs: createEcsWorld({ capacity: options.capacity, components: options.components }),
    voxels: createVoxelWorld(options),
    events: createEventBus<SimEvents>(),
    tick: 0,
    nextNetId: 1,
    seed: (options.seed ?? 0) | 0,
  };
}

/** A starting hotbar: slot index, block id, count. */
export type Kit = readonly (readonly [slot: number, item: number, count: number])[];

/**
 * The default starting hotbar of a server (GameServerOptions.kit overrides it): the default blocks a player builds
 * with, and a few torches (they light the night and closed rooms). Clients do not read it: the server sends each
 * player its hotbar when it spawns (InventoryState).
 */
export const DEFAULT_KIT: Kit = [
  [0, Block.Planks, 64], [1, Block.Cobblestone, 64], [2, Block.Glass, 64], [3, Block.Stone, 64], [4, Block.Dirt, 64],
  [5, Block.Torch, 16],
];

/**
 * Adds a player at feet position (x, y, z) with full health, the given hotbar and entity kind `kind` (the game's
 * id for players; default 0, which no definition registers: not replicated); returns its entity id.
 */
export function spawnPlayer(world: GameWorld, x: number, y: number, z: number, kit: Kit = [], kind = 0): number {
  const { ecs } = world;
  const s = ecs.stores;
  const eid = spawnEntity(ecs);
  for (const c of [s.Transform, s.Velocity, s.Player, s.Health, s.Inventory, s.NetworkId, s.EntityKind, s.HeldItem]) addComponent(ecs, eid, c);
  s.Transform.x[eid] = x; s.Transform.y[eid] = y; s.Transform.z[eid] = z;
  s.Transform.yaw[eid] = 0; s.Transform.pitch[eid] = 0;
  s.Velocity.x[eid] = 0; s.Velocity.y[eid] = 0; s.Velocity.z[eid] = 0;
  s.Player.onGround[eid] = 0; s.Player.buttons[eid] = 0; s.Player.lastInputTick[eid] = -1; s.Player.edits[eid] = 0;
  s.Health.current[eid] = 20; s.Health.max[eid] = 20;
  s.Inventory.item.fill(0, eid * HOTBAR_SLOTS, (eid + 1) * HOTBAR_SLOTS);
  s.Inventory.count.fill(0, eid * HOTBAR_SLOTS, (eid + 1) * HOTBAR_SLOTS);
  s.Inventory.selected[eid] = 0;
  for (const [slot, item, count] of kit) {
    s.Inventory.item[eid * HOTBAR_SLOTS + slot] = item;
    s.Inventory.count[eid * HOTBAR_SLOTS + slot] = count;
  }
  syncHeldItem(s, eid);
  s.EntityKind.kind[eid] = kind;
  s.NetworkId.id[eid] = world.nextNetId++;
  world.events.emit('PlayerSpawned', { tick: world.tick, eid, netId: s.NetworkId.id[eid] });
  return eid;
}

/**
 * Adds an entity of entity kind `kind` (an id of the protocol definition's `entities`, 1..65535) standing at feet
 * position (x, y, z), at rest: Transform, Velocity, NetworkId (a fresh id) and EntityKind. Add more components with
 * bitECS `addComponent(world.ecs, eid, world.ecs.stores.Health)` and so on. A server replicates it to the clients in
 * view (game/server/replicator.ts); remove it with bitECS `removeEntity`. Returns its entity id.
 */
export function spawnKind(world: GameWorld, kind: number, x: number, y: number, z: number): number {
  if (!Number.isInteger(kind) || kind < 1 || kind > 65535) throw new RangeError(`kind must be an integer in 1..65535, got ${kind}`);
  const { ecs } = world;
  const s = ecs.stores;
  const eid = spawnEntity(ecs);
  for (const c of [s.Transform, s.Velocity, s.NetworkId, s.EntityKind]) addComponent(ecs, eid, c);
  s.Transform.x[eid] = x; s.Transform.y[eid] = y; s.Transform.z[eid] = z;
  s.Transform.yaw[eid] = 0; s.Transform.pitch[eid] = 0;
  s.Velocity.x[eid] = 0; s.Velocity.y[eid] = 0; s.Velocity.z[eid] = 0;
  s.EntityKind.kind[eid] = kind;
  s.NetworkId.id[eid] = world.nextNetId++;
  return eid;
}

/** Player entity ids in ascending order: the defined order for systems whose effects depend on order. */
export function sortedPlayers(world: GameWorld): Uint32Array {
  const s = world.ecs.stores;
  return Uint32Array.from(query(world.ecs, [s.Player, s.Transform])).sort();
}
