/**
 * The project's game as a protocol definition, written like any user's: the default blocks, the engine's
 * components plus the Backpack, the engine's predicted actions plus MoveItem and Craft, the entity kinds of
 * EntitySpawn, and the game's items and crafting recipes (game/inventory.ts). The server and every client build
 * from it; a build from another definition is refused at handshake, naming the sections that differ.
 */
import {
  BUILTIN_COMPONENTS, BUILTIN_ACTIONS, BUILTIN_ENTITY_KINDS, PlayerKind, defineProtocol, DEFAULT_BLOCKS, replicated, type ProtocolSpec,
} from '../engine/index.ts';
import { Backpack, Craft, GAME_ITEMS, GAME_RECIPES, MoveItem } from './inventory.ts';

/** Entity kinds in EntitySpawn: the engine's player kinds (values are part of the wire format). */
export const EntityKind = PlayerKind;

/** The game's definition as written (a variant is `defineProtocol({ ...GAME_SPEC, blocks: [...] })`). */
export const GAME_SPEC = {
  blocks: DEFAULT_BLOCKS,
  components: [...BUILTIN_COMPONENTS, replicated(60, Backpack, { to: 'owner' })],
  entities: BUILTIN_ENTITY_KINDS,
  actions: [...BUILTIN_ACTIONS, MoveItem, Craft],
  items: GAME_ITEMS,
  recipes: GAME_RECIPES,
} as const satisfies ProtocolSpec;

/** The game's protocol definition. */
export const GAME_PROTOCOL = defineProtocol(GAME_SPEC);
