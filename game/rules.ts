/**
 * Game constants and systems of the server and the client (shared by both; no platform imports here). What the two
 * must agree on is in the protocol definition, game/protocol.ts.
 */
import type { GameWorld, System } from '../engine/index.ts';
import { backpacks } from './inventory.ts';
import { createMobSystems } from './mobs.ts';
import { SKY_SYSTEMS, dayFraction, readSky } from './sky/sky.ts';

export { EntityKind } from './protocol.ts';
export { DEFAULT_KIT } from '../engine/index.ts';
export { TARGET_INPUT_LEAD } from '../engine/index.ts';

/** Daytime for the mobs' spawning: from sunrise (day fraction 0) to sunset (0.5) on the world clock. */
export function isDay(world: GameWorld): boolean {
  const sky = readSky(world);
  return dayFraction(sky.time, sky.dayTicks) < 0.5;
}

/** The mobs' systems (mobs, health and damage: game/mobs.ts), spawning by day on the world clock. */
export const MOB_SYSTEMS: readonly System[] = createMobSystems({ isDay });

/** The inventory's systems: every player gets its Backpack (27 slots beside the hotbar) when first seen. */
export const INVENTORY_SYSTEMS: readonly System[] = [backpacks];

/**
 * The game's systems other than the sky's (the mobs, the backpacks): a server runs them beside its sky host's systems
 * (`[...sky.systems, ...WORLD_SYSTEMS]`), which add SkyState broadcasts to the same clock.
 */
export const WORLD_SYSTEMS: readonly System[] = [...MOB_SYSTEMS, ...INVENTORY_SYSTEMS];

/** The game's systems (the sky, the mobs, the backpacks), as a replay or `stratum sim` runs them. */
export const GAME_SYSTEMS: readonly System[] = [...SKY_SYSTEMS, ...WORLD_SYSTEMS];
