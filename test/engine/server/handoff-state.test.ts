import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HANDOFF_VERSION, HandoffStateError, decodeHandoff, encodeHandoff, queueHandoff, replicationHandoff, restorePlayer, type PlayerHandoff,
} from '../../../engine/server/handoff-state.ts';
import { createInputQueue, pushInput, recordArrival } from '../../../engine/server/input-queue.ts';
import type { ServerPlayer } from '../../../engine/server/server-player.ts';
import type { ServerSession } from '../../../engine/net/server.ts';
import { createRateLimiter, recordSent } from '../../../engine/replication/rate-limiter.ts';
import { createTickBucket } from '../../../engine/server/tick-bucket.ts';
import { MsgType } from '../../../engine/protocol/messages.ts';

describe('hand-off state codec', () => {
  it('garbage and wrong shapes throw HandoffStateError, never anything else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try { decodeHandoff(bytes); } catch (e) { expect(e).toBeInstanceOf(HandoffStateError); }
    }), { numRuns: 500 });
    const ok = { version: HANDOFF_VERSION, kind: 'entity' as const, adoptTick: 3, netId: 4, components: [] };
    expect(decodeHandoff(encodeHandoff(ok))).toEqual(ok);
    expect(() => decodeHandoff(encodeHandoff({ ...ok, version: 99 }))).toThrow(/version 99/);
    expect(() => decodeHandoff(encodeHandoff({ ...ok, netId: 0 }))).toThrow(/netId/);
    expect(() => decodeHandoff(encodeHandoff({ ...ok, adoptTick: -1 }))).toThrow(/adoptTick/);
    expect(() => decodeHandoff(encodeHandoff({ ...ok, kind: 'player' as 'entity' }))).toThrow(/name is not a string/);
  });
});

describe('player hand-off state', () => {
  it('a player record survives encode and decode: queue, baselines, budgets, pending messages, wall times as ages', () => {
    const q = createInputQueue();
    pushInput(q, { tick: 10, buttons: 1, yaw: 5, pitch: 0 }, 9, 3);
    pushInput(q, { tick: 11, buttons: 1, yaw: 6, pitch: 0, block: { kind: 1, x: 1, y: 2, z: 3, face: 0 } }, 9, 4);
    pushInput(q, { tick: 8, buttons: 0, yaw: 0, pitch: 0 }, 9, 5); // late: settled, not queued
    recordArrival(q, 11, 9);
    const limiter = createRateLimiter(5000);
    recordSent(limiter, 1000, 300, true);
    recordSent(limiter, 1040, 200);
    const session = { id: 7, name: 'sam', connection: { stats: { bytesOut: 0 } } } as unknown as ServerSession;
    const before: ServerPlayer = {
      session, eid: 3, netId: 42, queue: q, advice: { seq: 9, adjust: -2 }, ackTick: 8,
      entities: { byTick: new Map([[8, new Map([[5, { id: 5, v: [1, 2] }]])]]) }, known: new Set([5]), chunks: new Set([17, 18]), editTicks: [7],
      limiter, bytesSeen: 999, centre: 17, chunkQueue: [19], queuedAt: new Map([[19, 1030]]), cacheHints: new Map([[17, 'abcd']]), joinedAt: 500,
      pendingDiffs: [
        { type: MsgType.ChunkDiff, cx: 1, cy: 0, cz: 1, data: Uint8Array.of(1, 2, 3) },
        { type: MsgType.BlockResult, tick: 8, ok: true, x: 1, y: 2, z: 3, block: 10, reason: '' },
      ],
      answerBudget: createTickBucket(4, 0.5, 8), resyncBudget: createTickBucket(8, 0.1, 8), resyncWaiting: [18], priority: new Map([[5, 2.5]]),
      emptyUpdates: new Set([8]), ownSent: { id: 42, v: [3] },
      metrics: { bytes: { entity: 1, chunk: 2, diff: 3, state: 4, other: 5 }, chunksSent: 2, chunkCacheHits: 1, chunkRawBytes: 9, chunkLoadMs: [12], entityUpdates: 4, largestMessage: 99, sendErrors: 0, entityUpdatesDeferred: 0, entityUpdatesQuiet: 1, resyncs: 0, resultsQueued: 1, refusedOnArrival: 0 },
    };
    const state = {
      version: HANDOFF_VERSION, kind: 'player' as const, adoptTick: 10, netId: 42, components: [], name: 'sam',
      queue: queueHandoff(q, 10), replication: replicationHandoff(before, 1050),
    };
    const decoded = decodeHandoff(encodeHandoff(state)) as PlayerHandoff;
    const fresh = { ...session, connection: { stats: { bytesOut: 12 } } } as unknown as ServerPlayer['session'];
    // The receiver's clock has another origin: 100_000 ms there is 1050 ms here.
    const after = restorePlayer(decoded, fresh, 100_000, 5000);
    expect(after.eid).toBe(-1);
    expect([...after.queue.pending.keys()]).toEqual([10, 11]);
    expect(after.queue.seqs.get(11)).toBe(4);
    expect(after.queue.pending.get(11)?.block).toEqual({ kind: 1, x: 1, y: 2, z: 3, face: 0 });
    expect(pushInput(after.queue, { tick: 8, buttons: 0, yaw: 0, pitch: 0 }, 9)).toBe('duplicate'); // settled ticks carry over
    expect(after.queue.leads).toEqual([2]);
    expect(after.advice).toEqual({ seq: 9, adjust: -2 });
    expect(after.entities.byTick.get(8)?.get(5)).toEqual({ id: 5, v: [1, 2] });
    expect(after.known).toEqual(new Set([5]));
    expect(after.chunks).toEqual(new Set([17, 18]));
    expect(after.limiter.times).toEqual([100_000 - 50, 100_000 - 10]);
    expect(after.limiter.inWindow).toBe(500);
    expect(after.limiter.essentialInWindow).toBe(300);
    expect(after.queuedAt.get(19)).toBe(100_000 - 20);
    expect(after.joinedAt).toBe(100_000 - 550);
    expect(after.bytesSeen).toBe(12);
    expect(Number.isNaN(after.centre)).toBe(true);
    expect(after.cacheHints).toEqual(new Map([[17, 'abcd']]));
    expect(after.pendingDiffs[1]).toEqual(before.pendingDiffs[1]);
    expect([...(after.pendingDiffs[0] as { data: Uint8Array }).data]).toEqual([1, 2, 3]);
    expect(after.answerBudget).toEqual(before.answerBudget);
    expect(after.priority).toEqual(new Map([[5, 2.5]]));
    expect(after.emptyUpdates).toEqual(new Set([8]));
    expect(after.ownSent).toEqual({ id: 42, v: [3] });
    expect(after.metrics).toEqual(before.metrics);
    expect(after.editTicks).toEqual([7]);
  });
});
