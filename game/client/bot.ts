/**
 * Scripted, seeded bot behaviour: walks in runs, turns, jumps over obstacles, and builds (places and breaks blocks
 * it looks at). {@link botInput} reads a world directly (the headless sim drives the authoritative world with it);
 * {@link clientBot} drives a GameClient from the client's own view of the world.
 */
import {
  BlockActionKind, Button, InventoryOpKind, YAW_STEPS, type PlayerInput, createRng, type Rng, EYE_HEIGHT, cosStep,
  sinStep, REACH, raycast, type GameWorld, type Tick,
} from '../../engine/index.ts';
import type { GameClient } from '../../engine/client.ts';

/** What a bot is doing. */
type Mode = 'walk' | 'idle' | 'build';

/** One bot's state. */
export interface ScriptedBot {
  /** The player entity it drives. */
  eid: number;
  /** Its own generator (seeded from the run seed and its index). */
  rng: Rng;
  /** Current activity. */
  mode: Mode;
  /** Ticks left in the activity. */
  modeTicks: number;
  /** Facing, yaw steps. */
  yaw: number;
  /** Blocks it has tried to place or break. */
  actions: number;
}

/** Creates bot `index` of a run seeded with `seed`, driving entity `eid`. */
export function createScriptedBot(seed: number, index: number, eid: number): ScriptedBot {
  return { eid, rng: createRng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0), mode: 'idle', modeTicks: 0, yaw: 0, actions: 0 };
}

const BUILD_PITCH = -180; // about 63 degrees down: looks at the ground a block or two ahead

/** A point of the ground, blocks. */
export interface GroundPoint {
  /** Block x. */
  x: number;
  /** Block z. */
  z: number;
}

/**
 * The bot's input for `tick` (default: the world's tick). `bound` keeps it within |x - centre.x|, |z - centre.z| <=
 * bound blocks (the centre defaults to the origin); a bot outside heads back in whenever it walks.
 */
export function botInput(world: GameWorld, bot: ScriptedBot, bound: number, tick: Tick = world.tick, centre: GroundPoint = { x: 0, z: 0 }): PlayerInput {
  const { rng, eid } = bot;
  const s = world.ecs.stores;
  if (bot.modeTicks <= 0) {
    const r = rng.next();
    bot.mode = r < 0.6 ? 'walk' : r < 0.75 ? 'idle' : 'build';
    bot.modeTicks = bot.mode === 'walk' ? rng.int(20, 80) : rng.int(10, 30);
    bot.yaw = rng.int(0, YAW_STEPS - 1);
  }
  bot.modeTicks--;
  const x = s.Transform.x[eid], z = s.Transform.z[eid];
  // Head back inside the play area: yaw 0 faces +z, 256 faces -x, 512 faces -z, 768 faces +x.
  const dx = x - centre.x, dz = z - centre.z;
  if (dx > bound) bot.yaw = 256; else if (dx < -bound) bot.yaw = 768;
  else if (dz > bound) bot.yaw = 512; else if (dz < -bound) bot.yaw = 0;

  const input: PlayerInput = { tick, buttons: 0, yaw: bot.yaw, pitch: 0 };
  if (bot.mode === 'walk') {
    input.buttons = Button.Forward | (rng.chance(0.3) ? Button.Sprint : 0);
    const stuck = s.Player.onGround[eid] === 1 && s.Velocity.x[eid] === 0 && s.Velocity.z[eid] === 0 && tick > 0;
    if (stuck || rng.chance(0.05)) input.buttons |= Button.Jump;
  } else if (bot.mode === 'build') {
    input.pitch = BUILD_PITCH;
    if (bot.modeTicks % 4 === 0) {
      const ex = x, ey = s.Transform.y[eid] + EYE_HEIGHT, ez = z;
      const cp = cosStep(BUILD_PITCH);
      const hit = raycast(world.voxels, ex, ey, ez, -sinStep(bot.yaw) * cp, sinStep(BUILD_PITCH), cosStep(bot.yaw) * cp, REACH);
      if (hit && hit.face >= 0) {
        bot.actions++;
        const kind = rng.chance(0.5) ? BlockActionKind.Place : BlockActionKind.Break;
        input.block = { kind, x: hit.x, y: hit.y, z: hit.z, face: hit.face };
      }
    }
    if (rng.chance(0.05)) input.inventory = { kind: InventoryOpKind.Select, a: rng.int(0, 2), b: 0 };
  }
  return input;
}

/**
 * A GameClient input function with this behaviour, seeded; it acts on the client's predicted player, within `bound`
 * blocks of `centre` (see {@link botInput}).
 */
export function clientBot(seed: number, bound = 60, centre?: GroundPoint): (client: GameClient) => Omit<PlayerInput, 'tick'> {
  const bot = createScriptedBot(seed, 0, 0);
  return (client) => {
    if (!client.localEid) return { buttons: 0, yaw: 0, pitch: 0 };
    bot.eid = client.localEid;
    const { tick: _tick, ...input } = botInput(client.world, bot, bound, client.tick, centre);
    return input;
  };
}
