/**
 * The project's game as a protocol definition, written like any user's: the default blocks, the engine's
 * components and predicted actions, and the entity kinds of EntitySpawn. The server and every client build from it;
 * a build from another definition is refused at handshake, naming the sections that differ.
 */
import {
  BUILTIN_COMPONENTS, BUILTIN_ACTIONS, BUILTIN_ENTITY_KINDS, PlayerKind, defineProtocol, DEFAULT_BLOCKS,
} from '../engine/index.ts';

/** Entity kinds in EntitySpawn: the engine's player kinds (values are part of the wire format). */
export const EntityKind = PlayerKind;

/** The game's protocol definition. */
export const GAME_PROTOCOL = defineProtocol({
  blocks: DEFAULT_BLOCKS,
  components: BUILTIN_COMPONENTS,
  entities: BUILTIN_ENTITY_KINDS,
  actions: BUILTIN_ACTIONS,
});
