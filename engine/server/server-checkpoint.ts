/**
 * Fail-over checkpoints, the game server's side: every few ticks each player whose session can take one leaves its
 * checkpoint (handoff-state.ts PlayerCheckpoint: every component, the game's data, what its client holds) with its
 * transport, keyed by the region it stands in. Should this server die, the gateway re-opens the session on the
 * region's new owner with that state, and the new owner re-attaches the player (server-handoff.ts) with a fresh
 * replication state, as if it had joined there, without the client noticing more than a step back in time.
 */
import type { NetLog, ServerSession } from '../net/server.ts';
import type { GameWorld } from '../sim/game-world.ts';
import type { Tick } from '../tick.ts';
import { captureComponents } from './entity-capture.ts';
import { HANDOFF_VERSION, encodeHandoff, type PlayerCheckpoint } from './handoff-state.ts';
import { ADVICE_EVERY } from './replicator.ts';
import type { HandoffData } from './server-handoff.ts';
import type { ServerPlayer } from './server-player.ts';

/** Default of GameServerOptions.checkpointEveryTicks: twice a second. */
export const DEFAULT_CHECKPOINT_EVERY = 10;
/** Largest GameServerOptions.checkpointEveryTicks (a minute). */
export const MAX_CHECKPOINT_EVERY = 1200;

/** Returns `n` when it is a valid checkpoint interval (an integer in 1..MAX_CHECKPOINT_EVERY); throws RangeError if not. */
export function checkCheckpointEvery(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_CHECKPOINT_EVERY) {
    throw new RangeError(`checkpointEveryTicks must be an integer in 1..${MAX_CHECKPOINT_EVERY}, got ${String(n)}`);
  }
  return n;
}

/** Player `p`'s checkpoint, between ticks (its state is of tick `world.tick`). */
export function playerCheckpoint(world: GameWorld, p: ServerPlayer, data?: HandoffData): PlayerCheckpoint {
  const state: PlayerCheckpoint = {
    version: HANDOFF_VERSION, kind: 'player', checkpoint: true, adoptTick: world.tick, netId: p.netId,
    components: captureComponents(world.ecs, p.eid), name: p.session.name,
    client: { known: [...p.known].sort((a, b) => a - b), lastSeq: p.queue.lastSeq, last: p.queue.last, advice: { ...p.advice } },
  };
  if (data) state.game = data.save(p);
  return state;
}

/** What {@link leaveCheckpoints} needs from its server. */
export interface CheckpointContext {
  /** The world. */
  world: GameWorld;
  /** Players by session id. */
  players: ReadonlyMap<number, ServerPlayer>;
  /** The region key of a position (GameServerOptions.regionOf). */
  regionOf: (x: number, z: number) => string;
  /** The game's per-player data, if any. */
  data?: HandoffData;
  /** Counts the checkpoints left. */
  counters: { checkpoints: number };
  /** Log sink. */
  log: NetLog;
}

/**
 * Leaves a checkpoint of every player whose session takes them (ServerSession.checkpointable), in session order. A
 * player whose checkpoint cannot be left (the transport refuses it, or `regionOf` or the game's data throws) is
 * skipped, and logged the first time for its session (`failed` remembers those sessions); the others are not affected.
 */
export function leaveCheckpoints(ctx: CheckpointContext, failed: WeakSet<ServerSession>): void {
  const s = ctx.world.ecs.stores;
  for (const p of ctx.players.values()) {
    if (!p.session.checkpointable) continue;
    try {
      const region = ctx.regionOf(s.Transform.x[p.eid], s.Transform.z[p.eid]);
      p.session.checkpoint(region, encodeHandoff(playerCheckpoint(ctx.world, p, ctx.data)));
      ctx.counters.checkpoints++;
    } catch (e) {
      if (failed.has(p.session)) continue;
      failed.add(p.session);
      ctx.log('warn', `checkpoint of player ${p.session.name} (entity ${p.netId}) not left: ${(e as Error).message} (not logged again for this session)`);
    }
  }
}

/**
 * Advice numbers a re-attached player skips: the client applies only numbers newer than its last, and its dead
 * server may have sent one every ADVICE_EVERY ticks after the checkpoint (which is at most MAX_CHECKPOINT_EVERY old).
 */
export const ADVICE_SKIP = MAX_CHECKPOINT_EVERY / ADVICE_EVERY + 1;

/** Puts what the client of checkpoint `h` holds into `p`, a fresh record (Replicator.fresh). */
export function restoreClientFacts(p: ServerPlayer, h: PlayerCheckpoint): void {
  p.queue.lastSeq = h.client.lastSeq;
  p.queue.last = h.client.last;
  p.advice = { seq: (h.client.advice.seq + ADVICE_SKIP) & 0xffff, adjust: 0 };
}

/** Whether a checkpoint is due after the tick that left the world at tick `next`. */
export function checkpointDue(next: Tick, every: number): boolean {
  return next % every === 0;
}
