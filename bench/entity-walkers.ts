/**
 * The "walkers" workload of the entity-delta test and bench: N players on a superflat world, each driven by the
 * seeded scripted bot (walking in runs, sprinting, turning, jumping, looking down to build, switching items) and
 * moved by the real simulation step. What gets replicated is every player's state in the entity layout of the game's
 * protocol definition (game/protocol.ts GAME_PROTOCOL), in entity id order.
 */
import type { EntityState } from '../engine/codec/entity-delta.ts';
import type { PlayerInput } from '../engine/input.ts';
import { createEntityLayout, readEntityState, type EntityLayout } from '../engine/replication/entity-layout.ts';
import { createGameWorld, spawnPlayer, sortedPlayers, type GameWorld } from '../engine/sim/game-world.ts';
import { gameSchedule, stepWorld } from '../engine/sim/step.ts';
import { componentLayout } from '../engine/protocol/define.ts';
import { MobKind, createMobSystems, spawnMob } from '../game/mobs.ts';
import { surfaceY } from '../engine/sim/surface.ts';
import { DEFAULT_SUPERFLAT } from '../engine/voxel/terrain/generator.ts';
import { generateColumnsSync, squareAround } from '../workers/terrain.main.ts';
import { botInput, createScriptedBot, type ScriptedBot } from '../game/client/bot.ts';
import { GAME_PROTOCOL } from '../game/protocol.ts';
import { DEFAULT_KIT } from '../game/rules.ts';

/** Options of {@link createWalkers}. */
export interface WalkersOptions {
  /** Players (1..1000). */
  entities: number;
  /** Bot seed. */
  seed: number;
  /** World radius in chunks around the origin (default 4); bots stay within it. */
  radius?: number;
  /** Mobs (game/mobs.ts: sheep and pigs, their AI and physics) spawned among the players (default 0). */
  mobs?: number;
}

/** A running walkers workload. */
export interface Walkers {
  /** The simulated world. */
  world: GameWorld;
  /** The entity layout of the states (the game's). */
  layout: EntityLayout;
  /** The mobs' entities, in entity order. */
  mobs: number[];
  /** One bot per player, in entity order. */
  bots: ScriptedBot[];
  /** Runs one simulation tick (every bot's input, then the step). */
  step(): void;
  /** The replicated state of every player, then every mob, now, in entity id order (fresh objects). */
  states(): EntityState[];
}

/** Spawns the players on a 3-block grid around the origin of a superflat world. */
export function createWalkers(o: WalkersOptions): Walkers {
  if (!Number.isInteger(o.entities) || o.entities < 1 || o.entities > 1000) throw new RangeError(`entities must be 1..1000, got ${o.entities}`);
  const radius = o.radius ?? 4;
  const mobCount = o.mobs ?? 0;
  const world = createGameWorld({ capacity: o.entities + mobCount + 16, columnSections: 4, components: componentLayout(GAME_PROTOCOL), seed: o.seed });
  generateColumnsSync(world.voxels, DEFAULT_SUPERFLAT, squareAround(0, 0, radius));
  const side = Math.ceil(Math.sqrt(o.entities));
  const bots: ScriptedBot[] = [];
  for (let i = 0; i < o.entities; i++) {
    const x = (i % side) * 3 - side * 1.5 + 0.5, z = Math.floor(i / side) * 3 - side * 1.5 + 0.5;
    const eid = spawnPlayer(world, x, surfaceY(world, Math.floor(x), Math.floor(z)), z, DEFAULT_KIT);
    bots.push(createScriptedBot(o.seed, i, eid));
  }
  const mobs: number[] = [];
  for (let i = 0; i < mobCount; i++) {
    const x = (i % side) * 3 - side * 1.5 + 2, z = Math.floor(i / side) * 3 - side * 1.5 + 2;
    mobs.push(spawnMob(world, i % 2 ? MobKind.Pig : MobKind.Sheep, x, surfaceY(world, Math.floor(x), Math.floor(z)), z));
  }
  // Their AI, physics and fall damage; no spawning or despawning, so the set replicated stays the same.
  const schedule = gameSchedule(mobCount ? createMobSystems({ globalCap: 0, despawnRange: 1e9 }) : [], GAME_PROTOCOL.actions);
  const bound = radius * 16 - 4;
  const inputs = new Map<number, PlayerInput>();
  const layout = createEntityLayout(GAME_PROTOCOL);
  return {
    world,
    layout,
    bots,
    mobs,
    step() {
      inputs.clear();
      for (const bot of bots) inputs.set(bot.eid, botInput(world, bot, bound));
      stepWorld(world, inputs, schedule);
    },
    states() {
      return [...sortedPlayers(world), ...mobs].map((eid) => readEntityState(layout, world.ecs, eid));
    },
  };
}
