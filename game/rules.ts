/**
 * Game constants and systems of the server and the client (shared by both; no platform imports here). What the two
 * must agree on is in the protocol definition, game/protocol.ts.
 */
import { createMobSystems } from './mobs.ts';

export { EntityKind } from './protocol.ts';
export { DEFAULT_KIT } from '../engine/index.ts';
export { TARGET_INPUT_LEAD } from '../engine/index.ts';

/**
 * The game's systems (mobs, health and damage: game/mobs.ts) with the default options: it is always day until the
 * world clock is wired in (`createMobSystems({ isDay })`).
 */
export const GAME_SYSTEMS = createMobSystems();
