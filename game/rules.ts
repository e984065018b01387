/**
 * Game constants that the server and the client must agree on (shared by both; no platform imports here).
 */
import type { Kit } from '../engine/sim/game-world.ts';
import { Block } from '../engine/voxel/blocks.ts';

/** Every player's starting hotbar. */
export const DEFAULT_KIT: Kit = [
  [0, Block.Planks, 64], [1, Block.Cobblestone, 64], [2, Block.Glass, 64], [3, Block.Stone, 64], [4, Block.Dirt, 64],
];

/** Entity kinds in EntitySpawn. Values are part of the wire format. */
export const EntityKind = {
  /** Another player. */
  Player: 1,
  /** The receiving client's own player. */
  Self: 2,
} as const;

/** Input lead, in ticks, the server asks clients to keep (inputs arrive this many ticks before they run). */
export const TARGET_INPUT_LEAD = 2;
