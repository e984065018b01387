/**
 * What a server can report for a recording (the world test, replays): sessions joining and leaving at a tick, the
 * input each player's entity actually ran at each tick (after repeats and the rate limit), and the start of each
 * tick, and what moved in or out of the world between ticks (hand-offs, remote edits). A replay that applies the same inputs at the same ticks must reproduce the server's state exactly.
 */
import type { PlayerInput } from '../input.ts';
import type { GameWorld } from '../sim/game-world.ts';
import type { Tick } from '../tick.ts';

/** Receives a server's recording. */
export interface ServerRecorder {
  /** A player joined before tick `tick` ran; its entity has network id `netId`. */
  joined(tick: Tick, netId: number, name: string): void;
  /** A player left before tick `tick` ran. */
  left(tick: Tick, netId: number, reason: string): void;
  /** Tick `world.tick` is about to run. */
  tickStarts(world: GameWorld): void;
  /** At `tick`, player `netId` ran `input`; `seq` is the sequence number of the bundle that carried it (-1 when repeated). */
  applied(tick: Tick, netId: number, input: PlayerInput, seq: number): void;
  /**
   * Before tick `tick` ran, a player handed over by another server (or re-attached from a dead server's fail-over
   * checkpoint) was adopted with network id `netId`; `state` is its hand-off state or checkpoint
   * (engine/server/handoff-state.ts), every component included.
   */
  adopted?(tick: Tick, netId: number, state: Uint8Array): void;
  /** Before tick `tick` ran, player `netId` left for server `target` (its entity is gone from this world). */
  handedOff?(tick: Tick, netId: number, target: string): void;
  /** Before tick `tick` ran (before its inputs), another server's edits were applied to this world. */
  remoteEdits?(tick: Tick, edits: ReadonlyArray<{ x: number; y: number; z: number; block: number }>): void;
  /** Before tick `tick` ran, a non-player entity from another server was adopted with network id `netId`. */
  entityAdopted?(tick: Tick, netId: number, state: Uint8Array): void;
  /** Before tick `tick` ran, non-player entity `netId` was exported to another server (its entity is gone). */
  entityExported?(tick: Tick, netId: number): void;
}
