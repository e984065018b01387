/** The custom game's systems: mana regeneration for players, and zombies that wander near where they spawned. */
import { addComponent, hasComponent, query } from 'bitecs';
import { TICK_HZ, YAW_STEPS, cosStep, sinStep, storeOf, type GameWorld, type System } from 'stratum-voxel';
import { CUSTOM_PROTOCOL, Mana } from './protocol.ts';

/** Mana a new player starts with, the most it can hold, and what it regains per tick. */
export const MANA_START = 50, MANA_MAX = 100, MANA_REGEN = 0.25;
/** Zombie walking speed, blocks per second. */
export const ZOMBIE_SPEED = 1.5;
/** How far from the origin a zombie wanders before it turns back, blocks. */
const ROAM = 12;
const ZOMBIE = CUSTOM_PROTOCOL.entities.find((k) => k.name === 'Zombie')!.id;

/** Gives each player Mana when first seen, then refills it a little every tick. */
export const manaRegen: System = {
  name: 'mana-regen',
  phase: 'rules',
  run(world, ctx) {
    const mana = storeOf(world.ecs, Mana);
    for (const eid of ctx.players) {
      if (!hasComponent(world.ecs, eid, mana)) {
        addComponent(world.ecs, eid, mana);
        mana.current[eid] = MANA_START;
        mana.max[eid] = MANA_MAX;
      }
      mana.current[eid] = Math.min(mana.max[eid], mana.current[eid] + MANA_REGEN);
    }
  },
};

/** The zombies in entity id order (a defined order, as determinism requires). */
export function zombies(world: GameWorld): number[] {
  const s = world.ecs.stores;
  return [...query(world.ecs, [s.EntityKind, s.Transform])].filter((eid) => s.EntityKind.kind[eid] === ZOMBIE).sort((a, b) => a - b);
}

/** Walks every zombie: now and then a new heading from the tick's rng and the trig table; past ROAM, home. */
export const zombieWander: System = {
  name: 'zombie-wander',
  phase: 'physics',
  after: ['movement'],
  run(world, ctx) {
    const { Transform: t, Velocity: v } = world.ecs.stores;
    for (const eid of zombies(world)) {
      const d = Math.sqrt(t.x[eid] * t.x[eid] + t.z[eid] * t.z[eid]);
      if (d > ROAM) {
        v.x[eid] = (-t.x[eid] / d) * ZOMBIE_SPEED;
        v.z[eid] = (-t.z[eid] / d) * ZOMBIE_SPEED;
      } else if (ctx.rng.chance(1 / 40) || (v.x[eid] === 0 && v.z[eid] === 0)) {
        const heading = ctx.rng.int(0, YAW_STEPS - 1);
        v.x[eid] = sinStep(heading) * ZOMBIE_SPEED;
        v.z[eid] = cosStep(heading) * ZOMBIE_SPEED;
      }
      t.x[eid] += v.x[eid] / TICK_HZ;
      t.z[eid] += v.z[eid] / TICK_HZ;
    }
  },
};

/** The game's systems, in the order they are listed (the schedule orders them by phase and constraints). */
export const CUSTOM_SYSTEMS: readonly System[] = [manaRegen, zombieWander];
