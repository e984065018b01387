/**
 * One server tick: take each player's input for this tick, enforce the edit rate limit, run the shared simulation
 * step, make the tick's edits durable, answer each block action (exactly once: ok, refused by the rules, or
 * rate-limited) and each game action (ok or refused), then replicate. With an asynchronous store (`durable`) the ok
 * answers and the edits' section updates are held until the store has the edits (durable-edits.ts); the refusals
 * are not (nothing to make durable).
 */
import type { EditStore } from '../platform/node/edit-store.ts';
import type { PlayerInput } from '../input.ts';
import { MsgType, type BlockResult } from '../protocol/messages.ts';
import type { GameWorld, SimEvents } from '../sim/game-world.ts';
import { getBlock } from '../voxel/voxel-world.ts';
import { takeInput } from './input-queue.ts';
import type { DurableEdits, HeldResult } from './durable-edits.ts';
import type { Replicator } from './replicator.ts';
import type { ServerPlayer } from './server-player.ts';
import type { ServerRecorder } from './server-recorder.ts';

/** Most block edits a player may make per second (20 ticks). */
export const EDITS_PER_SECOND = 10;

/** Counters kept by the server. */
export interface TickCounters {
  /** Ticks run. */
  ticks: number;
  /** Inputs that arrived after their tick ran. */
  inputsLate: number;
  /** Inputs for ticks too far ahead. */
  inputsTooFar: number;
  /** Inputs refused because a queue was full. */
  inputsFlooded: number;
  /** Edits written to storage (with GameServerOptions.durableEdits: made durable and acknowledged). */
  editsStored: number;
  /** Edits applied but never made durable (GameServerOptions.durableEdits failed): their results were not sent. */
  editsUnacknowledged: number;
  /** Block actions refused by the rules. */
  refused: number;
  /** Block actions refused by the rate limit. */
  rateLimited: number;
}

/** What a tick needs. */
export interface TickContext {
  /** The world. */
  world: GameWorld;
  /** Players by session id. */
  players: ReadonlyMap<number, ServerPlayer>;
  /** Durable storage, if any. */
  store: EditStore | null;
  /** Asynchronous durable storage, if any: the tick's ok results and its edits' section updates wait for it. */
  durable?: DurableEdits;
  /** Counters to update. */
  counters: TickCounters;
  /** Replication. */
  replicator: Replicator;
  /** Recording, if any. */
  recorder?: ServerRecorder;
  /** The simulation step (engine/sim/step.ts). */
  stepWorld: (world: GameWorld, inputs: ReadonlyMap<number, PlayerInput>) => void;
}

/** Runs one tick. */
export function runServerTick(ctx: TickContext): void {
  const { world, counters } = ctx;
  const tick = world.tick;
  ctx.recorder?.tickStarts(world);
  const ordered = [...ctx.players.values()].sort((a, b) => a.eid - b.eid);
  const byEid = new Map(ordered.map((p) => [p.eid, p]));
  const inputs = new Map<number, PlayerInput>();
  const message = (ok: boolean, x: number, y: number, z: number, reason: string): BlockResult =>
    ({ type: MsgType.BlockResult, tick, ok, x, y, z, block: getBlock(world.voxels, x, y, z), reason });
  // In order with the chunk stream (before the section updates that carry the tick's edits); at most one per tick.
  const result = (p: ServerPlayer, ok: boolean, x: number, y: number, z: number, reason: string) =>
    ctx.replicator.blockResult(p, message(ok, x, y, z, reason), false);

  for (const p of ordered) {
    let input = takeInput(p.queue, tick);
    if (!input) continue;
    if (input.block) {
      while (p.editTicks.length && p.editTicks[0] <= tick - 20) p.editTicks.shift();
      if (p.editTicks.length >= EDITS_PER_SECOND) {
        counters.rateLimited++;
        result(p, false, input.block.x, input.block.y, input.block.z, 'rate-limited');
        input = { ...input, block: undefined };
      }
    }
    inputs.set(p.eid, input);
    ctx.recorder?.applied(tick, p.netId, input, p.queue.lastSeq);
  }

  const edits: SimEvents['BlockChanged'][] = [];
  const refused: SimEvents['ActionRefused'][] = [];
  const offEdit = world.events.on('BlockChanged', (e) => edits.push(e));
  const offRefuse = world.events.on('ActionRefused', (e) => { if (e.action === 'block') refused.push(e); });
  const acted: SimEvents['UserAction'][] = [];
  const offAct = world.events.on('UserAction', (e) => acted.push(e));
  try {
    ctx.stepWorld(world, inputs);
  } finally {
    offEdit();
    offRefuse();
    offAct();
  }
  // Each game action answered once, on the chunk stream before the OwnState that shows what it did.
  for (const e of acted) {
    const p = byEid.get(e.eid);
    if (!p) continue;
    ctx.replicator.actionResult(p, { type: MsgType.ActionResult, tick, action: e.action, index: e.index, ok: e.ok, reason: e.reason });
    // The next OwnState carries every own component, so a client learns the action is in it even if nothing changed.
    if (e.ok) p.ownSent = undefined;
  }

  // Durable before acknowledged: the results below go out only after the commit.
  ctx.store?.commit(edits.map((e) => ({ x: e.x, y: e.y, z: e.z, block: e.block, tick })));
  const oks: HeldResult[] = [];
  for (const e of edits) {
    const p = byEid.get(e.by);
    if (!p) continue;
    p.editTicks.push(tick);
    oks.push({ player: p, msg: message(true, e.x, e.y, e.z, '') });
  }
  if (ctx.durable) ctx.durable.hold(tick, edits, oks);
  else {
    counters.editsStored += edits.length;
    for (const r of oks) ctx.replicator.blockResult(r.player, r.msg, false);
  }
  for (const r of refused) {
    const p = byEid.get(r.eid);
    const a = inputs.get(r.eid)?.block;
    if (!p || !a) continue;
    counters.refused++;
    result(p, false, a.x, a.y, a.z, r.reason);
  }
  if (!ctx.durable) ctx.replicator.edited(edits);
  ctx.replicator.afterTick(tick, ordered);
  counters.ticks++;
}
