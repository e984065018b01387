/**
 * The project's game as a protocol definition, written like any user's: the default blocks, the engine's
 * components and predicted actions, and the entity kinds of EntitySpawn. The server and every client build from it;
 * a build from another definition is refused at handshake, naming the sections that differ.
 */
import {
  BUILTIN_COMPONENTS, BUILTIN_ACTIONS, BUILTIN_ENTITY_KINDS, PlayerKind, defineProtocol, DEFAULT_BLOCKS,
} from '../engine/index.ts';
import { SKY_COMPONENT, SkyState } from './sky/sky.ts';

/** Entity kinds in EntitySpawn: the engine's player kinds (values are part of the wire format). */
export const EntityKind = PlayerKind;

/** The game's protocol definition. */
export const GAME_PROTOCOL = defineProtocol({
  blocks: DEFAULT_BLOCKS,
  // Sky (id 40): the world clock and weather, on the server only (clients get SkyState).
  components: [...BUILTIN_COMPONENTS, SKY_COMPONENT],
  entities: BUILTIN_ENTITY_KINDS,
  // SkyState (id 130): the clock and weather, server -> client.
  messages: [SkyState],
  actions: BUILTIN_ACTIONS,
});
