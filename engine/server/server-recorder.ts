/**
 * What a server can report for a recording (the world test, replays): sessions joining and leaving at a tick, the
 * input each player's entity actually ran at each tick (after repeats and the rate limit), and the start of each
 * tick. A replay that applies the same inputs at the same ticks must reproduce the server's state exactly.
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
}
