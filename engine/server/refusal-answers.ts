/**
 * Answers to block actions that never run because their input was refused on arrival (late, too far ahead, or the
 * queue was full): one refused BlockResult per tick (the input queue settles each tick once), within a per-session
 * budget. An honest client makes at most one block action per tick, so it never needs more than about one answer per
 * server tick; a client over twice that is sending actions for made-up ticks, and its session is closed for flooding
 * rather than answered without bound.
 */
import type { PlayerInput } from '../input.ts';
import { MsgType } from '../protocol/messages.ts';
import type { GameWorld } from '../sim/game-world.ts';
import { getBlock, isLoaded } from '../voxel/voxel-world.ts';
import type { PushResult } from './input-queue.ts';
import type { Replicator } from './replicator.ts';
import type { ServerPlayer } from './server-player.ts';
import { takeToken } from './tick-bucket.ts';

/** Answers a session may get per server tick for actions refused on arrival ... */
export const ANSWERS_PER_TICK = 2;
/** ... with this burst (two seconds of one action per tick). */
export const ANSWER_BURST = 40;

/** Why an input was refused on arrival: the BlockResult reason. */
export type ArrivalRefusal = Extract<PushResult, 'late' | 'too-far' | 'flooded'>;

/**
 * Answers the block action of `input` (refused on arrival for `reason`) with a refused BlockResult naming the
 * target and the server's block there, and each game action of it with a refused ActionResult. Returns false when
 * the player is over its answer budget: nothing is sent and its session is closed for flooding. An input without a
 * block action or game action needs no answer (true).
 */
export function answerRefused(world: GameWorld, replicator: Replicator, p: ServerPlayer, input: PlayerInput, reason: ArrivalRefusal): boolean {
  const a = input.block;
  if (!a && !input.actions?.length) return true;
  if (!takeToken(p.answerBudget, world.tick)) {
    p.session.close(`flooding: block actions refused on arrival beyond ${ANSWERS_PER_TICK} per tick (burst ${ANSWER_BURST}); last for tick ${input.tick} (${reason})`);
    return false;
  }
  // A game action refused on arrival is answered as one that ran and was refused (its input's one budget token).
  input.actions?.forEach((x, index) => {
    replicator.actionResult(p, { type: MsgType.ActionResult, tick: input.tick, action: x.id, index, ok: false, reason });
  });
  if (!a) return true;
  const block = isLoaded(world.voxels, a.x, a.y, a.z) ? getBlock(world.voxels, a.x, a.y, a.z) : 0;
  replicator.blockResult(p, { type: MsgType.BlockResult, tick: input.tick, ok: false, x: a.x, y: a.y, z: a.z, block, reason }, true);
  p.metrics.refusedOnArrival++;
  return true;
}
