/**
 * The project's game as a protocol definition, written like any user's: the default blocks plus the mobs' drops,
 * the engine's components plus the sky's (game/sky/), the mobs' (game/mobs.ts) and the Backpack, the SkyState
 * message, the engine's predicted actions plus Attack, MoveItem and Craft, the entity kinds of EntitySpawn (players,
 * Sheep, Pig, ItemDrop), and the game's items and crafting recipes (game/inventory.ts). The server and every client
 * build from it; a build from another definition is refused at handshake, naming the sections that differ.
 */
import {
  BUILTIN_COMPONENTS, BUILTIN_ACTIONS, BUILTIN_ENTITY_KINDS, PlayerKind, defineProtocol, DEFAULT_BLOCKS, replicated,
  type ActionDef, type BlockDef, type ComponentDef, type EntityKindDef, type ProtocolSpec,
} from '../engine/index.ts';
import { Backpack, Craft, GAME_ITEMS, GAME_RECIPES, MoveItem } from './inventory.ts';
import { Attack, Drop, Fall, Mob, MobBlock, MobKind } from './mobs.ts';
import { SKY_COMPONENT, SkyState } from './sky/sky.ts';

/** Entity kinds in EntitySpawn: the engine's player kinds and the game's mobs (values are part of the wire format). */
export const EntityKind = { ...PlayerKind, ...MobKind } as const;

/** The game's blocks: the engine's defaults plus the mobs' drops (wool 14, pork 15). */
export const GAME_BLOCKS: readonly BlockDef[] = [
  ...DEFAULT_BLOCKS,
  { id: MobBlock.Wool, name: 'wool', color: 0xf0f0e8, hardness: 0.8 },
  { id: MobBlock.Pork, name: 'pork', color: 0xe89090, hardness: 0.5 },
];

/**
 * The game's components: the engine's plus Sky (40: the world clock and weather; clients get SkyState), Mob (50),
 * Fall (51) and Drop (52), all kept on the server, and Backpack (60: 27 slots beside the hotbar, sent to its owner).
 */
export const GAME_COMPONENTS: readonly ComponentDef[] = [
  ...BUILTIN_COMPONENTS,
  SKY_COMPONENT,
  replicated(50, Mob, { to: 'none' }),
  replicated(51, Fall, { to: 'none' }),
  replicated(52, Drop, { to: 'none' }),
  replicated(60, Backpack, { to: 'owner' }),
];

/** The game's entity kinds: the engine's players plus Sheep (10), Pig (11) and ItemDrop (19). */
export const GAME_ENTITIES: readonly EntityKindDef[] = [
  ...BUILTIN_ENTITY_KINDS,
  { id: MobKind.Sheep, name: 'Sheep' }, { id: MobKind.Pig, name: 'Pig' }, { id: MobKind.ItemDrop, name: 'ItemDrop' },
];

/** The game's predicted actions: the engine's plus Attack (20), MoveItem (30) and Craft (31). */
export const GAME_ACTIONS: readonly ActionDef[] = [...BUILTIN_ACTIONS, Attack, MoveItem, Craft];

/** The game's definition as written (a variant is `defineProtocol({ ...GAME_SPEC, blocks: [...] })`). */
export const GAME_SPEC = {
  blocks: GAME_BLOCKS,
  components: GAME_COMPONENTS,
  entities: GAME_ENTITIES,
  // SkyState (id 130): the clock and weather, server -> client.
  messages: [SkyState],
  actions: GAME_ACTIONS,
  items: GAME_ITEMS,
  recipes: GAME_RECIPES,
} as const satisfies ProtocolSpec;

/** The game's protocol definition. */
export const GAME_PROTOCOL = defineProtocol(GAME_SPEC);
