/**
 * The project's game as a protocol definition, written like any user's: the default blocks plus the mobs' drops,
 * the engine's components plus the mobs' (game/mobs.ts), the engine's predicted actions plus Attack, and the entity
 * kinds of EntitySpawn (players, Sheep, Pig, ItemDrop). The server and every client build from it; a build from
 * another definition is refused at handshake, naming the sections that differ.
 */
import {
  BUILTIN_COMPONENTS, BUILTIN_ACTIONS, BUILTIN_ENTITY_KINDS, PlayerKind, defineProtocol, DEFAULT_BLOCKS, replicated,
} from '../engine/index.ts';
import { Attack, Drop, Fall, Mob, MobBlock, MobKind } from './mobs.ts';

/** Entity kinds in EntitySpawn: the engine's player kinds and the game's mobs (values are part of the wire format). */
export const EntityKind = { ...PlayerKind, ...MobKind } as const;

/** The game's protocol definition. */
export const GAME_PROTOCOL = defineProtocol({
  blocks: [
    ...DEFAULT_BLOCKS,
    { id: MobBlock.Wool, name: 'wool', color: 0xf0f0e8, hardness: 0.8 },
    { id: MobBlock.Pork, name: 'pork', color: 0xe89090, hardness: 0.5 },
  ],
  components: [
    ...BUILTIN_COMPONENTS,
    replicated(50, Mob, { to: 'none' }),
    replicated(51, Fall, { to: 'none' }),
    replicated(52, Drop, { to: 'none' }),
  ],
  entities: [
    ...BUILTIN_ENTITY_KINDS,
    { id: MobKind.Sheep, name: 'Sheep' }, { id: MobKind.Pig, name: 'Pig' }, { id: MobKind.ItemDrop, name: 'ItemDrop' },
  ],
  actions: [...BUILTIN_ACTIONS, Attack],
});
