/**
 * Game constants of the server and the client (shared by both; no platform imports here). What the two must agree
 * on is in the protocol definition, game/protocol.ts.
 */
import type { Kit } from '../engine/sim/game-world.ts';
import { Block } from '../engine/voxel/blocks.ts';

export { EntityKind } from './protocol.ts';

/**
 * The server's starting hotbar for every player (GameServerOptions.kit overrides it). Clients do not read it: the
 * server sends each player its hotbar when it spawns (InventoryState).
 */
export const DEFAULT_KIT: Kit = [
  [0, Block.Planks, 64], [1, Block.Cobblestone, 64], [2, Block.Glass, 64], [3, Block.Stone, 64], [4, Block.Dirt, 64],
];

/** Input lead, in ticks, the server asks clients to keep (inputs arrive this many ticks before they run). */
export const TARGET_INPUT_LEAD = 2;
