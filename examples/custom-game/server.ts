/** The custom game's server side: options to spread into `createGameServer`; UseItem and the first zombie once it runs. */
import { HOTBAR_SLOTS, surfaceY } from 'stratum-voxel';
import type { GameServer, GameServerOptions } from 'stratum-voxel/server';
import { CUSTOM_KIT, CUSTOM_PROTOCOL, UseItem } from './protocol.ts';
import { CUSTOM_SYSTEMS } from './systems.ts';

/** The game's part of the server options (CastLight runs in the engine's user-actions system). */
export const CUSTOM_SERVER = { protocol: CUSTOM_PROTOCOL, kit: CUSTOM_KIT, systems: CUSTOM_SYSTEMS } satisfies Partial<GameServerOptions>;

/** Handles UseItem (here: says what the player holds there) and spawns the zombie; returns its entity. */
export function startCustomGame(server: GameServer, log: (line: string) => void = () => {}): number {
  server.onMessage(UseItem, (player, { slot }) => {
    const item = server.world.ecs.stores.Inventory.item[player.eid * HOTBAR_SLOTS + Math.min(slot, HOTBAR_SLOTS - 1)];
    log(`${player.session.name} used slot ${slot}: ${item ? server.world.voxels.blocks.defs[item].name : 'nothing'}`);
  });
  return server.spawnEntity('Zombie', 3.5, surfaceY(server.world, 3, 3), 3.5);
}
