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
import { stepWorld } from '../engine/sim/step.ts';
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
}

/** A running walkers workload. */
export interface Walkers {
  /** The simulated world. */
  world: GameWorld;
  /** The entity layout of the states (the game's). */
  layout: EntityLayout;
  /** One bot per player, in entity order. */
  bots: ScriptedBot[];
  /** Runs one simulation tick (every bot's input, then the step). */
  step(): void;
  /** The replicated state of every player now, in entity id order (fresh objects). */
  states(): EntityState[];
}

/** Spawns the players on a 3-block grid around the origin of a superflat world. */
export function createWalkers(o: WalkersOptions): Walkers {
  if (!Number.isInteger(o.entities) || o.entities < 1 || o.entities > 1000) throw new RangeError(`entities must be 1..1000, got ${o.entities}`);
  const radius = o.radius ?? 4;
  const world = createGameWorld({ capacity: o.entities + 16, columnSections: 4 });
  generateColumnsSync(world.voxels, DEFAULT_SUPERFLAT, squareAround(0, 0, radius));
  const side = Math.ceil(Math.sqrt(o.entities));
  const bots: ScriptedBot[] = [];
  for (let i = 0; i < o.entities; i++) {
    const x = (i % side) * 3 - side * 1.5 + 0.5, z = Math.floor(i / side) * 3 - side * 1.5 + 0.5;
    const eid = spawnPlayer(world, x, surfaceY(world, Math.floor(x), Math.floor(z)), z, DEFAULT_KIT);
    bots.push(createScriptedBot(o.seed, i, eid));
  }
  const bound = radius * 16 - 4;
  const inputs = new Map<number, PlayerInput>();
  const layout = createEntityLayout(GAME_PROTOCOL);
  return {
    world,
    layout,
    bots,
    step() {
      inputs.clear();
      for (const bot of bots) inputs.set(bot.eid, botInput(world, bot, bound));
      stepWorld(world, inputs);
    },
    states() {
      return Array.from(sortedPlayers(world), (eid) => readEntityState(layout, world.ecs, eid));
    },
  };
}
