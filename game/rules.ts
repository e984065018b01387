/**
 * Game constants of the server and the client (shared by both; no platform imports here). What the two must agree
 * on is in the protocol definition, game/protocol.ts.
 */
export { EntityKind } from './protocol.ts';
export { DEFAULT_KIT } from '../engine/index.ts';
export { TARGET_INPUT_LEAD } from '../engine/index.ts';
