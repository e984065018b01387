/**
 * StateHash events for an event stream: every {@link STATE_HASH_INTERVAL} ticks the recorder of a server or client
 * adds the state hash of its world, so that two runs can be compared tick by tick with `stratum diff`.
 */
import type { Hasher } from '../hash.ts';
import type { GameWorld } from '../sim/game-world.ts';
import { stateHash } from '../sim/state-hash.ts';
import type { StreamEvent } from './event-stream.ts';
import { isStateHashTick, STATE_HASH_INTERVAL } from './event-types.ts';

/**
 * The StateHash event due now: the hash of `world` as it stands before tick `world.tick` runs, tagged with that
 * tick, when the tick is a multiple of {@link STATE_HASH_INTERVAL}; otherwise undefined.
 */
export function stateHashEventAt(hasher: Hasher, world: GameWorld): StreamEvent | undefined {
  if (!isStateHashTick(world.tick)) return undefined;
  return { tick: world.tick, type: 'StateHash', hash: stateHash(hasher, world) };
}
