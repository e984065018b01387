/** The custom game's server side: options to spread into `createGameServer`, and the first zombie once it runs. */
import { surfaceY } from '../../engine/index.ts';
import type { GameServer, GameServerOptions } from '../../engine/server.ts';
import { CUSTOM_KIT, CUSTOM_PROTOCOL } from './protocol.ts';
import { CUSTOM_SYSTEMS } from './systems.ts';

/** The game's part of the server options (CastLight runs in the engine's user-actions system). */
export const CUSTOM_SERVER = { protocol: CUSTOM_PROTOCOL, kit: CUSTOM_KIT, systems: CUSTOM_SYSTEMS } satisfies Partial<GameServerOptions>;

/** Spawns the zombie; returns its entity. */
export function startCustomGame(server: GameServer): number {
  return server.spawnEntity('Zombie', 3.5, surfaceY(server.world, 3, 3), 3.5);
}
