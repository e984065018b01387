/**
 * Acknowledging edits only once they are durable, with an asynchronous store (GameServerOptions.durableEdits; on a
 * shard, an append to the region streams that resolves on the PubAck). Each batch of edits (a tick's, or one
 * server-side edit) is written at once and held: its ok BlockResults and the section updates that carry it wait
 * until the write resolves and every earlier batch has been released, then go out as they would have without the
 * store. The simulation does not wait: the world already has the edits.
 *
 * A failed write is final: the server has lost its durability (on a shard, its lease), so the results of that batch
 * and of every later one are never sent, and `onFailure` is told once. Batches before the failed one are still
 * released when their writes resolve.
 */
import type { NetLog } from '../net/server.ts';
import type { StoredEdit } from '../platform/node/edit-store.ts';
import type { BlockResult } from '../protocol/messages.ts';
import type { SimEvents } from '../sim/game-world.ts';
import type { Tick } from '../tick.ts';
import type { Replicator } from './replicator.ts';
import type { ServerPlayer } from './server-player.ts';
import type { TickCounters } from './server-tick.ts';

/**
 * Makes a batch of edits durable: resolves once they are stored (on a shard, once every region stream has sent its
 * PubAck), rejects when they cannot be. Called with the batch's edits in the order they were applied.
 */
export type DurableEditWriter = (edits: ReadonlyArray<StoredEdit>, tick: Tick) => Promise<void>;

/** Default most edits waiting for their write at once (GameServerOptions.durableMaxHeldEdits). */
export const DEFAULT_MAX_HELD_EDITS = 16384;

/** A BlockResult waiting for its edit to be durable. */
export interface HeldResult {
  /** The player to answer (dropped if it has left by then). */
  player: ServerPlayer;
  /** The answer, made when the edit was applied (so it names the block as of its tick). */
  msg: BlockResult;
}

/** Options of {@link createDurableEdits}. */
export interface DurableEditsOptions {
  /** Writes a batch durably. */
  write: DurableEditWriter;
  /** Where held edits and results go, and go out when released. */
  replicator: Pick<Replicator, 'held' | 'edited' | 'blockResult'>;
  /** Players by session id: a result whose player is no longer here when released is dropped. */
  players: ReadonlyMap<number, ServerPlayer>;
  /** `editsStored` counts released edits, `editsUnacknowledged` the edits of failed batches. */
  counters: TickCounters;
  /** Log sink (failures, at level error). */
  log: NetLog;
  /** Most edits held at once (an integer >= 1); a batch beyond it fails as if its write had. */
  maxHeldEdits: number;
  /** Told once, at the first failed batch, with its error and tick. */
  onFailure?: (error: Error, tick: Tick) => void;
}

/** The ordered queue of batches waiting to be durable. */
export interface DurableEdits {
  /** Holds a batch just applied to the world (empty `edits`: nothing to do) and starts its write. */
  hold(tick: Tick, edits: readonly SimEvents['BlockChanged'][], results: readonly HeldResult[]): void;
  /** Resolves when no batch is held (every write has settled and its batch was released or dropped). */
  idle(): Promise<void>;
  /** Edits held now. */
  readonly heldEdits: number;
  /** The first failure, if any: from then on nothing more is acknowledged. */
  readonly failure: Error | undefined;
}

/** A held batch. */
interface Batch {
  /** Tick of the edits. */
  tick: Tick;
  /** The edits, in order. */
  edits: readonly SimEvents['BlockChanged'][];
  /** Their results. */
  results: readonly HeldResult[];
  /** Where its write is. */
  state: 'writing' | 'durable' | 'failed';
}

/** Throws unless `max` is a valid `durableMaxHeldEdits`. */
export function checkMaxHeldEdits(max: number): void {
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`durableMaxHeldEdits must be an integer >= 1, got ${max}`);
}

/** Starts a write; a writer that throws instead of rejecting counts as a rejection. */
function startWrite(write: DurableEditWriter, edits: readonly SimEvents['BlockChanged'][], tick: Tick): Promise<void> {
  try {
    return Promise.resolve(write(edits.map((e) => ({ x: e.x, y: e.y, z: e.z, block: e.block, tick })), tick));
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Creates the queue. */
export function createDurableEdits(o: DurableEditsOptions): DurableEdits {
  checkMaxHeldEdits(o.maxHeldEdits);
  const queue: Batch[] = [];
  let held = 0;
  let failure: Error | undefined;
  let waiters: Array<() => void> = [];

  const release = (b: Batch): void => {
    o.counters.editsStored += b.edits.length;
    for (const r of b.results) if (o.players.get(r.player.session.id) === r.player) o.replicator.blockResult(r.player, r.msg, false);
    o.replicator.edited(b.edits);
  };

  const dropFrom = (i: number): void => {
    for (const b of queue.splice(i)) {
      o.counters.editsUnacknowledged += b.edits.length;
      held -= b.edits.length;
    }
  };

  /** Releases the durable batches at the head, in order; a failed one drops itself and everything behind it. */
  const drain = (): void => {
    while (queue.length && queue[0].state === 'durable') {
      const b = queue.shift()!;
      held -= b.edits.length;
      release(b);
    }
    if (queue.length && queue[0].state === 'failed') dropFrom(0);
    if (queue.length === 0) {
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    }
  };

  const fail = (error: unknown, tick: Tick): void => {
    if (failure) return;
    failure = error instanceof Error ? error : new Error(String(error));
    o.log('error', `edits of tick ${tick} could not be made durable; no edit is acknowledged from now on: ${failure.message}`);
    o.onFailure?.(failure, tick);
  };

  return {
    hold(tick, edits, results) {
      if (edits.length === 0) return;
      // Shown to no one until released, which for these may be never.
      o.replicator.held(edits);
      if (!failure && held + edits.length > o.maxHeldEdits) {
        fail(new RangeError(`${held + edits.length} edits would wait for durability, over the budget of ${o.maxHeldEdits} (durableMaxHeldEdits, an integer >= 1): the store is not keeping up`), tick);
      }
      if (failure) {
        o.counters.editsUnacknowledged += edits.length;
        return;
      }
      const b: Batch = { tick, edits, results, state: 'writing' };
      queue.push(b);
      held += edits.length;
      startWrite(o.write, edits, tick).then(() => {
        b.state = 'durable';
        drain();
      }, (e: unknown) => {
        b.state = 'failed';
        fail(e, tick);
        const i = queue.indexOf(b);
        // Batches behind it can never be released in order.
        if (i >= 0) dropFrom(i + 1);
        drain();
      });
    },
    idle() {
      return queue.length === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
    },
    get heldEdits() { return held; },
    get failure() { return failure; },
  };
}
