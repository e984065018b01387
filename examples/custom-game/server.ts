/**
 * The custom game's server side: options to spread into `createGameServer`, and what to do once it runs (the
 * UseItem handler, the first zombie).
 */
import { storeOf, surfaceY, HOTBAR_SLOTS } from '../../engine/index.ts';
import type { GameServer, GameServerOptions } from '../../engine/server.ts';
import { CUSTOM_KIT, CUSTOM_PROTOCOL, LAMP, Mana, UseItem } from './protocol.ts';
import { CUSTOM_SYSTEMS } from './systems.ts';

/** Mana one use of an item costs. */
export const USE_COST = 10;

/** The game's part of the server options. */
export const CUSTOM_SERVER = { protocol: CUSTOM_PROTOCOL, kit: CUSTOM_KIT, systems: CUSTOM_SYSTEMS } satisfies Partial<GameServerOptions>;

/** Handles UseItem (a lamp costs mana; the server checks what the client cannot be trusted with) and spawns a zombie. */
export function startCustomGame(server: GameServer, log: (line: string) => void = () => {}): number {
  server.onMessage(UseItem, (player, { slot }) => {
    const { ecs } = server.world;
    const mana = storeOf(ecs, Mana);
    const item = ecs.stores.Inventory.item[player.eid * HOTBAR_SLOTS + slot];
    if (slot >= HOTBAR_SLOTS || item !== LAMP || mana.current[player.eid] < USE_COST) return log(`${player.session.name} cannot use slot ${slot}`);
    mana.current[player.eid] -= USE_COST;
    log(`${player.session.name} used a lamp`);
  });
  return server.spawnEntity('Zombie', 3.5, surfaceY(server.world, 3, 3), 3.5);
}
